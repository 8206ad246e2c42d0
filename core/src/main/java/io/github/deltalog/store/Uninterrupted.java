package io.github.deltalog.store;

import java.util.function.Supplier;

/**
 * Runs a store call with the caller's interrupt flag cleared and restores it after. Some MVStore calls wait on
 * interruptible locks ({@code MVStore.compact} uses {@code tryLock} with a timeout) and fail with a wrapped
 * {@code InterruptedException} half-way; the log's own work must complete whatever the caller's thread state
 * (DESIGN §8: a caller's interrupt never harms the log), and the caller keeps its interrupt.
 */
final class Uninterrupted {
    private Uninterrupted() {}

    /** Runs {@code task} without the interrupt flag; restores the flag afterwards. */
    static void run(Runnable task) {
        boolean interrupted = Thread.interrupted();
        try {
            task.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Calls {@code task} without the interrupt flag; restores the flag afterwards. */
    static <T> T call(Supplier<T> task) {
        boolean interrupted = Thread.interrupted();
        try {
            return task.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
