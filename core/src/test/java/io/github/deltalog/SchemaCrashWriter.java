package io.github.deltalog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link SchemaCrashTest}: commits one insert per transaction number into a table with a
 * schema, and before transaction {@code n} makes sure the schema is at version {@code 1 + n / ALTER_EVERY}
 * (altering as needed: the same versions whatever the restarts), until it is killed. Acknowledges {@code ALTER
 * <version> <ts>} and {@code ACK <txno> <ts>} on stdout once the call returned.
 *
 * <p>Arguments: file, first transaction number, checkpoint interval in ms, checkpoint bytes.
 */
public final class SchemaCrashWriter {
    static final String TABLE = "typed";
    /** Transactions per schema version. */
    static final int ALTER_EVERY = 7;

    private SchemaCrashWriter() {}

    /**
     * Commits until killed.
     *
     * @param args see the class comment
     * @throws IOException if stdout fails
     */
    public static void main(String[] args) throws IOException {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        long txno = Long.parseLong(args[1]);
        DeltaLog log = DeltaLog.builder()
                .path(Path.of(args[0]))
                .checkpointInterval(Duration.ofMillis(Long.parseLong(args[2])))
                .checkpointBytes(Long.parseLong(args[3]))
                .open();
        if (log.schema(TABLE).isPresent()) {
            log.track(TABLE); // altered since: registering the first version again would be refused
        } else {
            log.track(TABLE, first());
        }
        write(out, "READY");
        while (true) {
            int want = 1 + (int) (txno / ALTER_EVERY);
            for (int v = log.schema(TABLE).orElseThrow().version() + 1; v <= want; v++) {
                long ts = log.alterTable(TABLE, change(v));
                write(out, "ALTER " + v + " " + ts);
            }
            long ts = log.recordInsert(TABLE, txno, row(txno, log.schema(TABLE).orElseThrow()));
            write(out, "ACK " + txno + " " + ts);
            txno++;
        }
    }

    static TableSchema first() {
        return TableSchema.builder().column("tx", ColumnType.LONG).key("tx").build();
    }

    /** The change that makes version {@code v} (from 2): add a column, rename it, widen it, in turn. */
    static SchemaChange change(int v) {
        return switch (v % 3) {
            case 2 -> SchemaChange.addColumn("c" + v, ColumnType.LONG, true, (long) v);
            case 0 -> SchemaChange.renameColumn("c" + (v - 1), "r" + v);
            default -> SchemaChange.widenColumn("r" + (v - 1), ColumnType.DECIMAL);
        };
    }

    /** A row of transaction {@code txno} under a schema: every value derived from the number. */
    static Tuple row(long txno, TableSchema schema) {
        Object[] values = new Object[schema.columns().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = schema.columns().get(i).type() == ColumnType.DECIMAL ? BigDecimal.valueOf(txno) : txno;
        }
        return Tuple.of(values);
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
