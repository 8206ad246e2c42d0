package io.github.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listeners on an executor: commits do not wait for them, each is told in commit order, a full queue fails it. */
class ExecutorSubscriptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private DeltaLog log;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        log = DeltaLog.inMemory();
        log.track("t");
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void close() throws InterruptedException {
        log.close();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * A listener that does not return until the test lets it: on the committing thread the first commit would
     * never return; on an executor every commit returns while the listener is still stuck in its first call.
     */
    @Test
    void aStuckListenerDoesNotHoldUpCommits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> told = Collections.synchronizedList(new ArrayList<>());
        log.subscribe(
                (ts, deltas) -> {
                    await(release);
                    told.add(ts);
                },
                pool);
        List<Long> committed = assertTimeoutPreemptively(LIMIT, () -> {
            List<Long> ts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ts.add(log.recordInsert("t", i, Tuple.of(i)));
            }
            return ts;
        });
        assertTrue(told.isEmpty(), "the listener is still in its first call");
        assertEquals(50, log.count("t", 0));
        release.countDown();
        waitFor(() -> told.size() == 50);
        assertEquals(committed, told);
    }

    @Test
    void eachListenerIsToldEveryCommitInCommitOrder() throws Exception {
        int listeners = 3;
        List<List<Long>> told = new ArrayList<>();
        for (int i = 0; i < listeners; i++) {
            List<Long> mine = Collections.synchronizedList(new ArrayList<>());
            told.add(mine);
            log.subscribe((ts, deltas) -> mine.add(ts), pool, 100_000);
        }
        List<Long> sync = Collections.synchronizedList(new ArrayList<>());
        log.subscribe((ts, deltas) -> sync.add(ts));
        ExecutorService committers = Executors.newFixedThreadPool(4);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            futures.add(committers.submit(() -> {
                List<Long> ts = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    ts.add(log.recordInsert("t", writer * 1000L + i, Tuple.of(writer, i)));
                }
                return ts;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
        }
        committers.shutdown();
        Collections.sort(all);
        for (List<Long> mine : told) {
            waitFor(() -> mine.size() == all.size());
            assertEquals(all, new ArrayList<>(mine));
        }
        assertEquals(all, new ArrayList<>(sync));
    }

    /**
     * The full-queue policy: the commits queued before the overflow are still told, later ones are not, and
     * check() names the position to read on from. The commits themselves all stand.
     */
    @Test
    void aFullQueueFailsTheSubscriptionAndNamesWhereToResume() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> told = Collections.synchronizedList(new ArrayList<>());
        Subscription sub = log.subscribe(
                (ts, deltas) -> {
                    entered.countDown();
                    await(release);
                    told.add(ts);
                },
                pool,
                3);
        long t1 = log.recordInsert("t", 1, Tuple.of(1));
        await(entered); // the listener holds t1; the queue is empty
        long t2 = log.recordInsert("t", 2, Tuple.of(2));
        long t3 = log.recordInsert("t", 3, Tuple.of(3));
        long t4 = log.recordInsert("t", 4, Tuple.of(4));
        assertTrue(sub.isActive());
        sub.check();
        long t5 = log.recordInsert("t", 5, Tuple.of(5)); // the queue holds t2..t4: full
        log.recordInsert("t", 6, Tuple.of(6));
        assertFalse(sub.isActive());
        SubscriptionFailedException e = assertThrows(SubscriptionFailedException.class, sub::check);
        assertEquals(t4, e.resumeAfter());
        assertTrue(e.getMessage().contains("queue of 3 commits was full at commit " + t5), e.getMessage());
        assertEquals(6, log.count("t", 0), "every commit stands");
        release.countDown();
        waitFor(() -> told.size() == 4);
        assertEquals(List.of(t1, t2, t3, t4), told);
        assertEquals(2, log.count("t", e.resumeAfter()), "what the listener missed is read back from the log");
        sub.close(); // idempotent after a failure, never throws
        assertThrows(SubscriptionFailedException.class, sub::check);
    }

    @Test
    void aFailingListenerIsIsolated() throws Exception {
        AtomicInteger failingCalls = new AtomicInteger();
        Subscription failing = log.subscribe(
                (ts, deltas) -> {
                    failingCalls.incrementAndGet();
                    throw new IllegalStateException("listener failure (expected by the test)");
                },
                pool);
        List<Long> healthy = Collections.synchronizedList(new ArrayList<>());
        log.subscribe((ts, deltas) -> healthy.add(ts), pool);
        List<Long> committed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            committed.add(log.recordInsert("t", i, Tuple.of(i)));
        }
        waitFor(() -> healthy.size() == 10 && failingCalls.get() == 10);
        assertEquals(committed, healthy);
        assertTrue(failing.isActive(), "a throwing listener stays subscribed");
        failing.check();
        assertEquals(10, log.count("t", 0));
    }

    @Test
    void anExecutorThatRefusesWorkFailsTheSubscription() {
        ExecutorService dead = Executors.newSingleThreadExecutor();
        dead.shutdown();
        long before = log.recordInsert("t", 0, Tuple.of(0));
        Subscription sub = log.subscribe((ts, deltas) -> {}, dead);
        long ts = log.recordInsert("t", 1, Tuple.of(1));
        assertEquals(ts, log.lastCommitted(), "the commit stands");
        assertFalse(sub.isActive());
        SubscriptionFailedException e = assertThrows(SubscriptionFailedException.class, sub::check);
        assertEquals(before, e.resumeAfter());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void closeStopsCalls() throws Exception {
        List<Long> told = Collections.synchronizedList(new ArrayList<>());
        Subscription sub = log.subscribe((ts, deltas) -> told.add(ts), pool);
        long t1 = log.recordInsert("t", 1, Tuple.of(1));
        waitFor(() -> told.size() == 1);
        sub.close();
        assertFalse(sub.isActive());
        sub.check(); // closed by the caller is not a failure
        log.recordInsert("t", 2, Tuple.of(2));
        Future<?> after = pool.submit(() -> {}); // runs after any drain task the second commit could have queued
        after.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(List.of(t1), told);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> log.subscribe((ts, d) -> {}, null));
        assertThrows(NullPointerException.class, () -> log.subscribe(null, pool));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> log.subscribe((ts, d) -> {}, pool, 0));
        assertTrue(e.getMessage().contains("maxQueuedCommits"), e.getMessage());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within " + LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + LIMIT);
            }
            Thread.sleep(5);
        }
    }
}
