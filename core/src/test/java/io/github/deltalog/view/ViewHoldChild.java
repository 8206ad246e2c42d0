package io.github.deltalog.view;

import io.github.deltalog.DeltaLog;
import io.github.deltalog.Durability;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link ViewJournalKillTest}: opens the log with checkpoints an hour apart, builds the
 * workload's views (each build is checkpointed), then runs {@code rounds} rounds of transactions and refreshes of
 * every view (journaled, not checkpointed), acknowledges each refresh on stdout as {@code REFRESH <view>
 * <position>}, waits for the ASYNC flusher, prints {@code HELD} and sleeps until it is killed: the refreshes live
 * only in the journal. Arguments: file, seed, durability, rounds.
 */
public final class ViewHoldChild {
    private ViewHoldChild() {}

    /**
     * Runs until killed.
     *
     * @param args see the class comment
     * @throws IOException if stdout fails
     * @throws InterruptedException never (the sleep ends by the kill)
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path file = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[3]);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        DeltaLog log = DeltaLog.builder()
                .path(file)
                .durability(Durability.valueOf(args[2]))
                .checkpointInterval(Duration.ofHours(1))
                .open();
        log.track(ViewWorkload.ORDERS);
        log.track(ViewWorkload.CUSTOMERS);
        ViewWorkload w = new ViewWorkload(seed);
        List<View> views = new ArrayList<>();
        for (Map.Entry<String, ViewDefinition> e : ViewWorkload.definitions().entrySet()) {
            views.add(log.view(e.getKey(), e.getValue()));
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 20; i++) {
                w.transaction(log);
            }
            for (View v : views) {
                Refresh r = v.refresh();
                out.write(("REFRESH " + v.name() + " " + r.position() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        Thread.sleep(200); // longer than the ASYNC flush interval
        out.write("HELD\n".getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(Long.MAX_VALUE);
    }
}
