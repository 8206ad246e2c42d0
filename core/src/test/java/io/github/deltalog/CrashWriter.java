package io.github.deltalog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of {@link CrashRecoveryTest}: opens a log and commits generated transactions until it is
 * killed, acknowledging each one on stdout as {@code ACK <txno> <commitTimestamp> ok} once {@code commit()}
 * returned.
 *
 * <p>Arguments: file, durability, seed, first transaction number, checkpoint interval in ms, checkpoint bytes,
 * encryption password or {@code -}.
 */
public final class CrashWriter {
    private CrashWriter() {}

    /**
     * Commits until killed.
     *
     * @param args see the class comment
     * @throws IOException if stdout fails
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Durability durability = Durability.valueOf(args[1]);
        long seed = Long.parseLong(args[2]);
        long txno = Long.parseLong(args[3]);
        long checkpointMillis = Long.parseLong(args[4]);
        long checkpointBytes = Long.parseLong(args[5]);
        // Unbuffered, one write(2) per ack: an ack the parent reads was written after its commit returned; a line
        // the kill cut short has no newline and is dropped by the parent.
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        DeltaLogBuilder builder = DeltaLog.builder();
        if (!args[6].equals("-")) {
            builder.encryptionKey(args[6].toCharArray());
        }
        DeltaLog log = builder.path(file)
                .durability(durability)
                .checkpointInterval(Duration.ofMillis(checkpointMillis))
                .checkpointBytes(checkpointBytes)
                .journalFlushInterval(Duration.ofMillis(5))
                .open();
        for (String table : CrashWorkload.TABLES) {
            log.track(table);
        }
        out.write("READY\n".getBytes(StandardCharsets.US_ASCII));
        while (true) {
            long ts = CrashWorkload.commit(log, seed, txno);
            out.write(("ACK " + txno + " " + ts + " ok\n").getBytes(StandardCharsets.US_ASCII));
            txno++;
        }
    }
}
