package io.github.deltalog.jdbc;

import io.github.deltalog.DeltaLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child JVM of {@link CaptureKillLoopTest}: installs capture (idempotent), starts the background relay and
 * runs {@link Workload} until it is SIGKILLed. Prints {@code ready} once the relay runs.
 * Arguments: database, directory, seed, run number, writer threads.
 */
public final class CaptureCrashChild {
    private CaptureCrashChild() {}

    /**
     * Runs until killed.
     *
     * @param args database, directory, seed, run number, writer threads
     * @throws Exception on any failure (the parent then sees the child exit)
     */
    public static void main(String[] args) throws Exception {
        Db db = Db.valueOf(args[0]);
        Path dir = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        int run = Integer.parseInt(args[3]);
        int writers = Integer.parseInt(args[4]);
        try (DeltaLog log = DeltaLog.open(dir.resolve("log.deltas"));
                Capture capture = Capture.builder(log, () -> db.connect(dir))
                        .pollInterval(Duration.ofMillis(5))
                        .build()) {
            try (Connection c = db.connect(dir)) {
                Workload.createSchema(c, db);
                capture.install(c, "items");
            }
            capture.start();
            System.out.println("ready");
            System.out.flush();
            Workload.run(db, dir, capture, seed, writers, -1, new AtomicBoolean(), run);
        }
    }
}
