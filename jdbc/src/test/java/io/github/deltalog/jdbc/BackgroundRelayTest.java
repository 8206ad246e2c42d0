package io.github.deltalog.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The background relay's pacing: a stream of commits is relayed in a few passes, and a single commit soon. */
class BackgroundRelayTest {
    @Test
    void aStreamOfCommitsSharesPasses() throws InterruptedException {
        AtomicInteger passes = new AtomicInteger();
        BackgroundRelay relay = new BackgroundRelay("test-relay", Duration.ofSeconds(60), passes::incrementAndGet);
        relay.start();
        try {
            awaitPasses(passes, 1); // the pass at start
            int before = passes.get();
            long start = System.nanoTime();
            for (int i = 0; i < 2_000; i++) {
                relay.wake();
                if (i % 20 == 0) {
                    Thread.sleep(1);
                }
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            int during = passes.get() - before;
            // Every pass a commit woke is followed by a gathering window of 10 ms, so no more than one pass per 10 ms
            // (plus the one running when the stream began) can have started, however fast the commits came.
            assertTrue(
                    during <= elapsedMillis / 10 + 2,
                    during + " passes for 2,000 commits in " + elapsedMillis + " ms: commits did not share passes");
        } finally {
            relay.stop();
        }
    }

    @Test
    void aSingleCommitIsRelayedWithoutWaitingForThePollInterval() throws InterruptedException {
        AtomicInteger passes = new AtomicInteger();
        BackgroundRelay relay = new BackgroundRelay("test-relay", Duration.ofHours(1), passes::incrementAndGet);
        relay.start();
        try {
            awaitPasses(passes, 1);
            relay.wake();
            awaitPasses(passes, 2);
        } finally {
            relay.stop();
        }
        assertTrue(!relay.isRunning());
    }

    /** Waits up to 30 s (a loaded machine) for the count; an hour-long poll interval cannot satisfy it. */
    private static void awaitPasses(AtomicInteger passes, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (passes.get() < count) {
            assertTrue(System.nanoTime() < deadline, "no relay pass " + count + " within 30 s");
            Thread.sleep(1);
        }
    }
}
