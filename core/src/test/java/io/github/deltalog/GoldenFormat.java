package io.github.deltalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes the golden log file of a format version and renders any log as the text listing it is compared
 * with. The file holds a few tables (one of them untracked since), every supported value type with extreme
 * values, inserts, updates and deletes, extreme row ids; the injected fixed clock makes its timestamps
 * deterministic.
 *
 * <p>A byte-level format change adds a new golden file rather than rewriting this one:
 * {@code mvn -pl core test -Dtest=FormatGoldenTest#writeGoldenFile -Ddeltalog.golden.dir=src/test/resources/golden
 * -Ddeltalog.golden.name=format-vN}.
 */
final class GoldenFormat {
    static final String ORDERS = "orders";
    static final String ODD = "odd: näme/with ☃ ünïcode";
    static final String GONE = "gone";
    static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123456Z");

    private GoldenFormat() {}

    /** A tuple with every supported type, extreme values where a type has them. */
    static Tuple everyType() {
        return Tuple.of(
                null,
                Boolean.TRUE,
                Byte.MIN_VALUE,
                Short.MAX_VALUE,
                Integer.MIN_VALUE,
                Long.MAX_VALUE,
                Float.MIN_VALUE,
                -0.0d,
                "héllo ☃ 𝄞 \t end",
                new byte[] {0, -1, 127, -128},
                new BigDecimal("-123.4500"),
                new BigInteger("-123456789012345678901234567890123456789"),
                new UUID(0x0123456789abcdefL, 0xfedcba9876543210L),
                Instant.parse("1969-12-31T23:59:59.999999999Z"),
                LocalDate.MAX,
                LocalTime.MAX,
                LocalDateTime.MIN);
    }

    /** Another tuple of every type, with small and special values. */
    static Tuple everyTypeAgain() {
        return Tuple.of(
                Boolean.FALSE,
                (byte) 7,
                (short) -1,
                0,
                Long.MIN_VALUE,
                Float.NaN,
                Double.NEGATIVE_INFINITY,
                "",
                new byte[0],
                BigDecimal.ZERO,
                BigInteger.ONE.shiftLeft(200),
                new UUID(0, 0),
                Instant.EPOCH,
                LocalDate.of(-9999, 1, 1),
                LocalTime.MIDNIGHT,
                LocalDateTime.of(2024, 2, 29, 23, 59, 59, 1),
                null);
    }

    /** Writes the golden file (closed cleanly: no journal beside it). */
    static void write(Path file) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (DeltaLog log = DeltaLog.builder().path(file).clock(clock).open()) {
            log.track(ORDERS);
            log.track(ODD);
            log.track(GONE);
            try (DeltaTransaction tx = log.begin()) {
                tx.insert(ORDERS, Long.MIN_VALUE, everyType());
                tx.insert(ORDERS, -1L, everyTypeAgain());
                tx.insert(ORDERS, 0L, Tuple.of());
                tx.insert(ORDERS, Long.MAX_VALUE, Tuple.of(1, "alice", new BigDecimal("9.50")));
                tx.insert(ODD, 42L, Tuple.of("x"));
                tx.insert(GONE, 1L, Tuple.of(1));
                tx.commit();
            }
            try (DeltaTransaction tx = log.begin()) {
                tx.update(ORDERS, Long.MIN_VALUE, everyType(), everyTypeAgain());
                tx.delete(ORDERS, -1L, everyTypeAgain());
                tx.update(ODD, 42L, Tuple.of("x"), Tuple.of("y", 2L));
                tx.commit();
            }
            log.recordDelete(ORDERS, Long.MAX_VALUE, Tuple.of(1, "alice", new BigDecimal("9.50")));
            log.recordInsert(ODD, Long.MIN_VALUE + 1, Tuple.of((Object) null));
            log.untrack(GONE);
            log.recordUpdate(ORDERS, 0L, Tuple.of(), Tuple.of(Instant.MAX, Instant.MIN));
        }
    }

    /** Renders what a log reads as: its positions and tables, then one line per delta. */
    static List<String> listing(DeltaLog log) {
        List<String> lines = new ArrayList<>();
        lines.add("lastCommitted " + log.lastCommitted());
        lines.add("oldestRetained " + log.oldestRetained());
        lines.add("countAll " + log.countAll());
        lines.add("tracked " + escape(String.join(" | ", log.trackedTables())));
        for (String table : List.of(GONE, ODD, ORDERS)) {
            try (DeltaCursor c = log.changesAfter(table, 0L)) {
                for (Delta d : c) {
                    lines.add(escape(d.table()) + " " + d.rowId() + " " + d.commitTimestamp() + " " + render(d.op()));
                }
            }
        }
        return lines;
    }

    /** An operation with each value's type, so that 1 and 1L, or "1" and 1, never render alike. */
    static String render(DeltaOp op) {
        String kind = op.getClass().getSimpleName();
        if (op instanceof DeltaOp.Update u) {
            return kind + " " + render(u.before()) + " -> " + render(u.after());
        }
        return kind + " " + render(op.after() != null ? op.after() : op.before());
    }

    private static String render(Tuple t) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < t.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = t.get(i);
            if (v == null) {
                sb.append("null");
            } else if (v instanceof byte[] bytes) {
                sb.append("byte[]:").append(hex(bytes));
            } else {
                sb.append(v.getClass().getSimpleName()).append(':').append(escape(v.toString()));
            }
        }
        return sb.append(')').toString();
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /** Keeps the listing ASCII, one line per delta. */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /** Writes the golden file and its listing into a folder. */
    static void writeGolden(Path folder, String name) throws IOException {
        Path file = folder.resolve(name + ".deltas");
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists: a format change adds a new golden file");
        }
        write(file);
        try (DeltaLog log = DeltaLog.builder().path(file).readOnly(true).open()) {
            Files.write(folder.resolve(name + ".txt"), listing(log), StandardCharsets.US_ASCII);
        }
    }
}
