package io.github.deltalog;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashRecoveryTest}: opens a log and commits generated transactions until it is
 * killed, acknowledging each one on stdout as {@code ACK <txno> <commitTimestamp> ok} once {@code commit()}
 * returned.
 *
 * <p>In retention mode it also runs two consumers and purges: after some commits a consumer reads everything
 * after its position and advances to the change set's watermark (or resets, one time in four, if a forced purge
 * left it stale), acknowledged as {@code ADV <name> <position>} once that returned; after some others it purges,
 * either by the policy ({@code purge()}, until consumed) or forced ({@code purgeBefore} a recently acknowledged
 * timestamp, announced first as {@code FORCE <cut>}), acknowledged as {@code PURGE <oldestRetained after it>};
 * and now and then it compacts the file ({@code log.compact()}), acknowledged as {@code COMPACT}.
 *
 * <p>Arguments: file, durability, seed, first transaction number, checkpoint interval in ms, checkpoint bytes,
 * encryption password or {@code -}, and optionally {@code retention}.
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
        boolean retention = args.length > 7 && args[7].equals("retention");
        Consumer[] consumers = new Consumer[0];
        if (retention) {
            consumers = new Consumer[CONSUMERS.size()];
            for (int i = 0; i < consumers.length; i++) {
                consumers[i] = log.consumer(CONSUMERS.get(i));
                write(out, "ADV " + consumers[i].name() + " " + consumers[i].position());
            }
        }
        write(out, "READY");
        Random random = new Random(seed * 31 + txno);
        ArrayDeque<Long> recent = new ArrayDeque<>(); // recently acknowledged timestamps, for forced purges
        while (true) {
            long ts = CrashWorkload.commit(log, seed, txno);
            write(out, "ACK " + txno + " " + ts + " ok");
            txno++;
            if (!retention) {
                continue;
            }
            recent.addLast(ts);
            if (recent.size() > 64) {
                recent.removeFirst();
            }
            int dice = random.nextInt(40);
            if (dice < 8) {
                Consumer c = consumers[random.nextInt(consumers.length)];
                long position;
                if (c.isStale()) {
                    if (random.nextInt(4) != 0) {
                        continue; // stays stale a while, so that some kills find it stale
                    }
                    position = c.reset();
                } else {
                    ChangeSet changes = c.changes(CrashWorkload.TABLES);
                    position = changes.watermark();
                    c.advanceTo(position);
                }
                write(out, "ADV " + c.name() + " " + position);
            } else if (dice == 8) {
                log.purge(); // the default policy: until every live consumer has read
                write(out, "PURGE " + log.oldestRetained());
            } else if (dice == 9 && random.nextInt(3) == 0) {
                long cut = recent.stream()
                        .skip(random.nextInt(recent.size()))
                        .findFirst()
                        .orElseThrow();
                write(out, "FORCE " + cut);
                log.purgeBefore(cut);
                write(out, "PURGE " + log.oldestRetained());
            } else if (dice == 10 || dice == 11) {
                // Commits of other threads go on during a compaction in real use; here the kill may land in it.
                log.compact();
                write(out, "COMPACT");
            }
        }
    }

    /** The consumers of the retention mode. */
    static final List<String> CONSUMERS = List.of("view", "sync/peer");

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
