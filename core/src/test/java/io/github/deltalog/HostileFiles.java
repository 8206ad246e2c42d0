package io.github.deltalog;

import io.github.deltalog.merge.MergePolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hostile-file fuzzer behind {@link HostileFileTest}: builds valid logs (plain, compressed, encrypted; each
 * closed cleanly and as a crash image with a live journal), then per case mutates a copy (flipped bytes,
 * truncation, zeroed pages, chunks spliced from other files, random garbage) and opens and reads it. A case is
 * fine when every call either throws a {@link DeltaLogException} or returns deltas that were really committed
 * to one of the base logs, and a log whose journal was left intact never opens older than its store's last
 * checkpoint; anything else (another exception, an {@link Error}, a hang, a silent roll-back) is an anomaly.
 *
 * <p>Runs as a child JVM with a small heap: {@code java -Xmx64m HostileFiles CASES SEED OUTDIR TIMEOUT_MS}
 * prints one {@code ANOMALY} line per anomaly (the mutated files are kept in OUTDIR) and a final
 * {@code SUMMARY} line. Case {@code i} is reproducible from {@code SEED} alone.
 */
final class HostileFiles {
    static final String KEY = "hostile-key";
    static final List<String> TABLES = List.of("orders", "users/\uD83D\uDE00", "a:b\u0000c");

    /**
     * One valid log to mutate: its store file, its journal (or null), how to open it, and the last commit its
     * store holds as checkpointed: with the journal intact, no damage to the store may open it older (issue 17).
     */
    record Base(String name, byte[] store, byte[] journal, boolean compress, boolean encrypted, long checkpointed) {}

    /** What one case saw. */
    enum Outcome {
        /** Opened and read everything. */
        CLEAN,
        /** A typed {@link DeltaLogException} somewhere. */
        TYPED,
        /** Anything else: the case fails. */
        ANOMALY
    }

    /** The base logs and every delta ever committed to any of them. */
    static final class Corpus {
        final List<Base> bases = new ArrayList<>();
        final Set<Delta> committed = Collections.synchronizedSet(new HashSet<>());
        final List<byte[]> donors = new ArrayList<>();
    }

    private HostileFiles() {}

    public static void main(String[] args) throws Exception {
        int cases = Integer.parseInt(args[0]);
        long seed = Long.parseLong(args[1]);
        Path out = Path.of(args[2]);
        long timeoutMillis = Long.parseLong(args[3]);
        int only = args.length > 4 ? Integer.parseInt(args[4]) : -1;
        Files.createDirectories(out);
        Path work = Files.createTempDirectory(out, "work");
        PrintStream o = System.out;
        long started = System.nanoTime();
        Corpus corpus = buildCorpus(work.resolve("bases"));
        o.printf(
                "CORPUS %d bases, %d committed deltas, %.1f s%n",
                corpus.bases.size(), corpus.committed.size(), (System.nanoTime() - started) / 1e9);
        Map<Outcome, Integer> tally = new HashMap<>();
        ExecutorService worker = newWorker();
        int anomalies = 0;
        for (int i = 0; i < cases; i++) {
            if (only >= 0 && i != only) {
                continue;
            }
            long caseSeed = seed * 1_000_003L + i;
            Path dir = work.resolve("case-" + i);
            Files.createDirectories(dir);
            StringBuilder log = new StringBuilder();
            Mutated m = mutate(corpus, new Random(caseSeed), dir, log);
            Future<Outcome> f = worker.submit(() -> runCase(corpus, m, log));
            Outcome outcome;
            try {
                outcome = f.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.append("TIMEOUT after ").append(timeoutMillis).append(" ms; worker stack:");
                for (Map.Entry<Thread, StackTraceElement[]> t :
                        Thread.getAllStackTraces().entrySet()) {
                    if (t.getKey().getName().startsWith("hostile-worker")) {
                        for (StackTraceElement s : t.getValue()) {
                            log.append("\n    at ").append(s);
                        }
                    }
                }
                worker.shutdownNow();
                worker = newWorker(); // the hung thread is a daemon; go on with a fresh one
                outcome = Outcome.ANOMALY;
            }
            tally.merge(outcome, 1, Integer::sum);
            if (outcome == Outcome.ANOMALY) {
                anomalies++;
                Path keep = out.resolve("anomaly-" + i);
                Files.createDirectories(keep);
                copyIfExists(m.store, keep.resolve("log.deltas"));
                copyIfExists(m.journal, keep.resolve("log.deltas.journal"));
                o.println("ANOMALY case=" + i + " seed=" + seed + " base=" + m.base.name() + " kept=" + keep + "\n  "
                        + log.toString().replace("\n", "\n  "));
            } else {
                deleteTree(dir);
            }
            if (i % 500 == 499) {
                o.printf("PROGRESS %d cases, %s, %.1f s%n", i + 1, tally, (System.nanoTime() - started) / 1e9);
            }
        }
        worker.shutdownNow();
        o.printf(
                "SUMMARY cases=%d clean=%d typed=%d anomalies=%d seconds=%.1f%n",
                only >= 0 ? 1 : cases,
                tally.getOrDefault(Outcome.CLEAN, 0),
                tally.getOrDefault(Outcome.TYPED, 0),
                anomalies,
                (System.nanoTime() - started) / 1e9);
        o.flush();
        System.exit(0);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-worker");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- the valid logs ----

    static Corpus buildCorpus(Path dir) throws IOException {
        Files.createDirectories(dir);
        Corpus c = new Corpus();
        for (String kind : List.of("plain", "compressed", "encrypted")) {
            boolean compress = kind.equals("compressed");
            boolean encrypted = kind.equals("encrypted");
            Path file = dir.resolve(kind + ".deltas");
            Random r = new Random(kind.hashCode());
            Map<String, Map<Long, Tuple>> rows = new HashMap<>();
            long closedAt;
            try (DeltaLog log = builder(file, compress, encrypted).open()) {
                log.subscribe((ts, deltas) -> c.committed.addAll(deltas));
                for (String t : TABLES) {
                    log.track(t);
                }
                Consumer view = log.consumer("view");
                long quarter = 0;
                for (int tx = 0; tx < 40; tx++) {
                    long ts = transaction(log, r, rows);
                    if (tx == 10) {
                        quarter = ts;
                    }
                    if (tx == 20) {
                        view.advanceTo(quarter);
                        log.purgeBefore(quarter);
                    }
                    if (tx % 8 == 7) {
                        log.checkpoint();
                    }
                }
                closedAt = log.lastCommitted();
            }
            // A clean close leaves the header of the next journal generation: the checkpoint's record outside the
            // store file.
            Path marker = file.resolveSibling(file.getFileName() + ".journal");
            c.bases.add(new Base(
                    kind + "-clean",
                    Files.readAllBytes(file),
                    Files.readAllBytes(marker),
                    compress,
                    encrypted,
                    closedAt));
            // A crash image: the store as the last checkpoint left it, and a journal holding later commits.
            try (DeltaLog log = builder(file, compress, encrypted)
                    .checkpointInterval(Duration.ofHours(1))
                    .open()) {
                log.subscribe((ts, deltas) -> c.committed.addAll(deltas));
                for (int tx = 0; tx < 15; tx++) {
                    transaction(log, r, rows);
                }
                Path journal = file.resolveSibling(file.getFileName() + ".journal");
                c.bases.add(new Base(
                        kind + "-journal",
                        Files.readAllBytes(file),
                        Files.readAllBytes(journal),
                        compress,
                        encrypted,
                        closedAt));
            }
        }
        for (Base b : c.bases) {
            c.donors.add(b.store());
            if (b.journal() != null) {
                c.donors.add(b.journal());
            }
        }
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        c.donors.add(noise);
        c.donors.add("not a log at all\n".repeat(4000).getBytes(StandardCharsets.US_ASCII));
        return c;
    }

    static DeltaLogBuilder builder(Path file, boolean compress, boolean encrypted) {
        DeltaLogBuilder b = DeltaLog.builder()
                .path(file)
                .compress(compress)
                .clock(Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC));
        return encrypted ? b.encryptionKey(KEY.toCharArray()) : b;
    }

    private static long transaction(DeltaLog log, Random r, Map<String, Map<Long, Tuple>> rows) {
        try (DeltaTransaction tx = log.begin()) {
            Set<String> touched = new HashSet<>();
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                String table = TABLES.get(r.nextInt(TABLES.size()));
                Map<Long, Tuple> live = rows.computeIfAbsent(table, k -> new HashMap<>());
                List<Long> ids = new ArrayList<>(live.keySet());
                Collections.sort(ids);
                if (ids.isEmpty() || r.nextInt(3) == 0) {
                    long id = r.nextBoolean() ? r.nextLong() : r.nextInt(1_000_000);
                    if (live.containsKey(id) || !touched.add(table + "/" + id)) {
                        continue;
                    }
                    Tuple t = image(r, id);
                    tx.insert(table, id, t);
                    live.put(id, t);
                } else {
                    long id = ids.get(r.nextInt(ids.size()));
                    if (!touched.add(table + "/" + id)) {
                        continue;
                    }
                    if (r.nextInt(4) == 0) {
                        tx.delete(table, id, live.remove(id));
                    } else {
                        Tuple after = image(r, id);
                        tx.update(table, id, live.get(id), after);
                        live.put(id, after);
                    }
                }
            }
            return tx.size() == 0 ? log.lastCommitted() : tx.commit();
        }
    }

    private static Tuple image(Random r, long id) {
        byte[] bytes = new byte[r.nextInt(40)];
        r.nextBytes(bytes);
        return Tuple.of(
                id,
                "name-" + id + "-" + "x".repeat(r.nextInt(300)),
                new BigDecimal(r.nextInt(100_000)).movePointLeft(2),
                new UUID(r.nextLong(), r.nextLong()),
                bytes,
                r.nextBoolean() ? null : LocalDate.ofEpochDay(r.nextInt(40_000)),
                r.nextDouble(),
                Instant.ofEpochSecond(r.nextInt(2_000_000_000)));
    }

    // ---- mutations ----

    /** A mutated copy of a base, ready to open. */
    record Mutated(Base base, Path store, Path journal, boolean journalIntact) {}

    static Mutated mutate(Corpus c, Random r, Path dir, StringBuilder log) throws IOException {
        Base base = c.bases.get(r.nextInt(c.bases.size()));
        byte[] store = base.store().clone();
        byte[] journal = base.journal() == null ? null : base.journal().clone();
        int steps = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
        boolean journalIntact = true;
        log.append("base ").append(base.name()).append(", ").append(steps).append(" mutation(s)");
        for (int s = 0; s < steps; s++) {
            if (journal != null && r.nextInt(3) == 0) {
                journal = mutateBytes(c, r, journal, log.append("\n journal: "));
                journalIntact = false;
            } else {
                store = mutateBytes(c, r, store, log.append("\n store: "));
            }
        }
        Path storeFile = dir.resolve("log.deltas");
        Files.write(storeFile, store);
        Path journalFile = null;
        if (journal != null) {
            journalFile = dir.resolve("log.deltas.journal");
            Files.write(journalFile, journal);
        }
        return new Mutated(base, storeFile, journalFile, journalIntact);
    }

    private static byte[] mutateBytes(Corpus c, Random r, byte[] b, StringBuilder log) {
        if (b.length == 0) {
            log.append("empty, left alone");
            return b;
        }
        int block = 4096;
        int blocks = Math.max(1, b.length / block);
        // A third of the mutations land in the first or last two blocks: the file headers and the newest chunk's
        // header and footer, where MVStore keeps what it trusts most.
        int hot = r.nextInt(3);
        int at = hot == 0
                ? r.nextInt(Math.min(b.length, 2 * block))
                : hot == 1 ? Math.max(0, b.length - 1 - r.nextInt(Math.min(b.length, 2 * block))) : r.nextInt(b.length);
        switch (r.nextInt(7)) {
            case 0 -> {
                int flips = 1 + r.nextInt(r.nextBoolean() ? 3 : 40);
                log.append("flip ").append(flips).append(" byte(s) near ").append(at);
                for (int i = 0; i < flips; i++) {
                    int p = Math.floorMod(at + r.nextInt(512) - 256, b.length);
                    b[p] ^= (byte) (1 + r.nextInt(255));
                }
                return b;
            }
            case 1 -> {
                int len = r.nextBoolean() ? r.nextInt(blocks + 1) * block : r.nextInt(b.length);
                log.append("truncate to ").append(len).append(" of ").append(b.length);
                return Arrays.copyOf(b, len);
            }
            case 2 -> {
                int start = r.nextBoolean() ? (at / block) * block : at;
                int len = Math.min(b.length - start, r.nextBoolean() ? block : 1 + r.nextInt(block));
                log.append("zero ").append(len).append(" bytes at ").append(start);
                Arrays.fill(b, start, start + len, (byte) 0);
                return b;
            }
            case 3 -> {
                byte[] donor = c.donors.get(r.nextInt(c.donors.size()));
                int len = 1 + r.nextInt(Math.min(donor.length, r.nextBoolean() ? block : 4 * block));
                int from = r.nextInt(donor.length - len + 1);
                boolean aligned = r.nextBoolean();
                int to = aligned ? (at / block) * block : at;
                if (aligned) {
                    from = (from / block) * block;
                    len = Math.min(len, donor.length - from);
                }
                len = Math.min(len, b.length - to);
                log.append("splice ")
                        .append(len)
                        .append(" bytes from donor offset ")
                        .append(from)
                        .append(" to ")
                        .append(to);
                System.arraycopy(donor, from, b, to, len);
                return b;
            }
            case 4 -> {
                int len = Math.min(b.length - at, 1 + r.nextInt(block));
                log.append("random ").append(len).append(" bytes at ").append(at);
                byte[] noise = new byte[len];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, b, at, len);
                return b;
            }
            case 5 -> {
                // A whole block copied over another of the same file: a plausible page in the wrong place.
                int from = r.nextInt(blocks) * block;
                int to = r.nextInt(blocks) * block;
                int len = Math.min(block, Math.min(b.length - from, b.length - to));
                log.append("copy block ").append(from).append(" over ").append(to);
                System.arraycopy(b, from, b, to, len);
                return b;
            }
            default -> {
                // A big-endian int near the spot set to an extreme: lengths, counts, offsets.
                int p = Math.min(at, b.length - 4);
                int v = new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 0, 0x7F7F7F7F, 1 << 24}[r.nextInt(6)];
                log.append("int ").append(v).append(" at ").append(p);
                if (p >= 0) {
                    b[p] = (byte) (v >>> 24);
                    b[p + 1] = (byte) (v >>> 16);
                    b[p + 2] = (byte) (v >>> 8);
                    b[p + 3] = (byte) v;
                }
                return b;
            }
        }
    }

    // ---- one case ----

    /**
     * Opens a mutated log and reads everything it offers (read-only one time in four), then records into it
     * and reopens it when it was writable. Returns how it went; describes every anomaly in {@code log}.
     */
    static Outcome runCase(Corpus c, Mutated m, StringBuilder log) {
        Verdict v = new Verdict(log);
        boolean readOnly = Math.floorMod(m.store().hashCode() + m.base().name().hashCode(), 4) == 0;
        boolean wrote = v.step("open+read" + (readOnly ? " read-only" : ""), () -> session(c, m, readOnly, v, true));
        if (wrote) {
            v.step("reopen+read", () -> session(c, m, false, v, false));
        } else if (v.typed && !v.anomaly) {
            // A failed open must leave nothing registered: the next attempt fails the same way, not as "open".
            v.step("second open", () -> session(c, m, true, v, false));
        }
        return v.anomaly ? Outcome.ANOMALY : v.typed ? Outcome.TYPED : Outcome.CLEAN;
    }

    /** Collects how the steps of a case ended. */
    private static final class Verdict {
        final StringBuilder log;
        boolean typed;
        boolean anomaly;
        Class<?> firstTyped;
        /** Deltas this case itself recorded into the damaged log. */
        final Set<Delta> recorded = new HashSet<>();

        Verdict(StringBuilder log) {
            this.log = log;
        }

        interface Step {
            boolean run() throws Exception;
        }

        boolean step(String what, Step s) {
            try {
                return s.run();
            } catch (FileLockedException e) {
                // The only lock on these files is this process's registry: a leak from an earlier failed open.
                fail(what, e);
            } catch (DeltaLogException e) {
                typed = true;
                if (firstTyped == null) {
                    firstTyped = e.getClass();
                }
                boolean aboutTheFile = e instanceof CorruptLogException
                        || e instanceof EncryptionKeyException
                        || e instanceof UnsupportedFormatException;
                if (aboutTheFile && !e.getMessage().contains("log.deltas")) {
                    fail(what + ": message does not name the file", e);
                }
            } catch (Throwable t) {
                fail(what, t);
            }
            return false;
        }

        void fail(String what, Throwable t) {
            anomaly = true;
            log.append("\n ").append(what).append(": ").append(stackTrace(t));
        }

        void wrong(String what) {
            anomaly = true;
            log.append("\n ").append(what);
        }
    }

    /** Returns true if the log was opened writable and a commit went in. */
    private static boolean session(Corpus c, Mutated m, boolean readOnly, Verdict v, boolean write) {
        DeltaLogBuilder b = builder(m.store(), m.base().compress(), m.base().encrypted())
                .readOnly(readOnly)
                .checkpointInterval(Duration.ofHours(1));
        boolean wrote = false;
        try (DeltaLog log = b.open()) {
            Set<String> tables = new LinkedHashSet<>(log.trackedTables());
            tables.addAll(TABLES);
            long from = log.oldestRetained();
            if (m.journalIntact() && log.lastCommitted() < m.base().checkpointed()) {
                v.wrong("opened silently older than its last checkpoint: last commit " + log.lastCommitted()
                        + ", checkpointed " + m.base().checkpointed());
            }
            for (String t : tables) {
                if (!TABLES.contains(t)) {
                    v.wrong("unknown table name '" + t + "' tracked");
                }
                v.step("read " + t, () -> {
                    long n = log.count(t, from);
                    long seen = 0;
                    try (DeltaCursor cur = log.changesAfter(t, from)) {
                        for (Delta d : cur) {
                            seen++;
                            if (!c.committed.contains(d) && !v.recorded.contains(d)) {
                                v.wrong("read a delta never committed: " + d);
                            }
                        }
                    }
                    if (n < 0) {
                        v.wrong("negative count " + n + " of " + t);
                    }
                    return false;
                });
            }
            v.step("changesAfter(all)", () -> log.changesAfter(tables, from).size() < 0);
            v.step(
                    "merged",
                    () -> log.mergedChangesAfter(tables, from, MergePolicy.IGNORE_LATER)
                                    .size()
                            < 0);
            v.step("stats", () -> log.stats().deltas() < 0);
            v.step("consumers", () -> {
                for (String name : log.consumers()) {
                    log.consumer(name).position();
                }
                return false;
            });
            if (write && !readOnly) {
                wrote = v.step("record", () -> {
                    Tuple image = Tuple.of(42L, "after the damage");
                    long ts = log.recordInsert(TABLES.get(0), 42, image);
                    v.recorded.add(new Delta(TABLES.get(0), 42, ts, new DeltaOp.Insert(image)));
                    log.checkpoint();
                    return true;
                });
            }
        }
        return wrote;
    }

    // ---- helpers ----

    static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        String s = w.toString();
        return s.length() > 6000 ? s.substring(0, 6000) + "..." : s;
    }

    private static void copyIfExists(Path from, Path to) throws IOException {
        if (from != null && Files.exists(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
