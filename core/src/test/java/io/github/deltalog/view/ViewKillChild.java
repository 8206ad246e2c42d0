package io.github.deltalog.view;

import io.github.deltalog.DeltaLog;
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
import java.util.Random;

/**
 * The child process of {@link ViewKillLoopTest}: opens the log and the workload's views, then commits random
 * transactions and refreshes random views until it is killed, acknowledging each refresh on stdout as {@code
 * REFRESH <view> <position>} once {@code refresh()} returned. Arguments: file, seed, checkpoint interval in ms.
 */
public final class ViewKillChild {
    private ViewKillChild() {}

    /**
     * Runs until killed.
     *
     * @param args see the class comment
     * @throws IOException if stdout fails
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        OutputStream out = new FileOutputStream(FileDescriptor.out); // unbuffered: one write per ack
        DeltaLog log = DeltaLog.builder()
                .path(file)
                .checkpointInterval(Duration.ofMillis(Long.parseLong(args[2])))
                .open();
        log.track(ViewWorkload.ORDERS);
        log.track(ViewWorkload.CUSTOMERS);
        ViewWorkload w = new ViewWorkload(seed);
        w.tables.putAll(ViewKillLoopTest.replay(log, log.lastCommitted()));
        Map<String, ViewDefinition> defs = ViewWorkload.definitions();
        List<View> views = new ArrayList<>();
        for (Map.Entry<String, ViewDefinition> e : defs.entrySet()) {
            views.add(log.view(e.getKey(), e.getValue()));
        }
        out.write("READY\n".getBytes(StandardCharsets.US_ASCII));
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        while (true) {
            if (rnd.nextInt(10) < 7) {
                w.transaction(log);
            } else {
                View v = views.get(rnd.nextInt(views.size()));
                Refresh r = v.refresh();
                out.write(("REFRESH " + v.name() + " " + r.position() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
