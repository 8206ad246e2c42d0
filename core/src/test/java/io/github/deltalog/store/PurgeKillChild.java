package io.github.deltalog.store;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltaTransaction;
import io.github.deltalog.Tuple;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link PurgeKillTest}: opens a copy of the pre-filled log, then purges it in steps (each a
 * partial purge: the range cut) while a second thread commits new transactions to the same tables, until it is
 * killed. Each purge is announced as {@code CUT <cut>} before {@code purgeBefore} starts and acknowledged as
 * {@code PURGED <cut> <low-water mark> <removed>} once it returned; each commit as {@code ACK <n> <timestamp>}.
 * {@code DONE} follows the last purge; the commits go on.
 *
 * <p>Arguments: file, checkpoint interval in ms, the cuts (comma-separated, ascending).
 */
public final class PurgeKillChild {
    /** Row ids of the child's own commits start here: transaction n writes rows NEW_ROWS + n * 10 + 0..9. */
    static final long NEW_ROWS = 1L << 40;

    private PurgeKillChild() {}

    /**
     * Purges and commits until killed.
     *
     * @param args see the class comment
     * @throws Exception if the log fails (the parent sees it on stderr)
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long checkpointMillis = Long.parseLong(args[1]);
        // Unbuffered, one write(2) per line: a line the kill cut short has no newline and is dropped by the parent.
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofMillis(checkpointMillis))
                .journalFlushInterval(Duration.ofMillis(5))
                .open();
        write(out, "READY");
        Thread writer = new Thread(() -> {
            for (long n = 0; ; n++) {
                String table = PurgeKillTest.TABLES.get((int) (n % PurgeKillTest.TABLES.size()));
                long ts;
                try (DeltaTransaction tx = log.begin()) {
                    for (int k = 0; k < 10; k++) {
                        tx.insert(table, NEW_ROWS + n * 10 + k, Tuple.of(n, k, "new"));
                    }
                    ts = tx.commit();
                }
                write(out, "ACK " + n + " " + ts);
            }
        });
        writer.setDaemon(true);
        writer.start();
        for (String cut : args[2].split(",")) {
            write(out, "CUT " + cut);
            long removed = log.purgeBefore(Long.parseLong(cut));
            write(out, "PURGED " + cut + " " + log.oldestRetained() + " " + removed);
        }
        write(out, "DONE");
        writer.join();
    }

    private static synchronized void write(OutputStream out, String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
