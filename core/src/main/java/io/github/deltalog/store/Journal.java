package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import io.github.deltalog.LogIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The append-only commit journal beside a log file ({@code <file>.journal}): one record per transaction,
 * written before its deltas enter the map, so that a commit is durable without a store commit.
 *
 * <p>Each file ({@link JournalFile}) is one generation of the journal and starts with a header naming the log, the generation and
 * the commit timestamp it continues from (see {@link JournalFiles}). At a checkpoint the journal is
 * {@linkplain #rotate rotated} to {@code <file>.journal.old} and the next generation starts; the rotated file is
 * deleted once the store commit that covers it is on disk. Its channel ignores interrupts
 * ({@link RandomAccessChannel}), so a caller's interrupt never closes it for other threads. Appends are made under the log's commit lock; the
 * journal adds its own monitor only for what also runs outside it (the ASYNC flusher and group fsync, whose
 * waiting committers {@link SyncWaiters} keeps).
 *
 * <p>A rotation does no fsync under the commit lock: it moves the file aside and writes the next header there,
 * and {@link #finishRotation} forces the old file, the new header and the folder afterwards, before the store
 * commit that names the new generation (see {@link #rotate} for why that order is crash-safe).
 */
final class Journal implements AutoCloseable {
    private static final int ASYNC_BUFFER_LIMIT = 1 << 20;

    private final Path path;
    private final Path oldPath;
    private final byte[] encryptionKey;
    private final Durability durability;
    private final LogId id;
    private long generation;
    /** Keeps a fsync from running on a channel that a rotation is closing. */
    private final ReentrantReadWriteLock channelGuard = new ReentrantReadWriteLock();

    /** The current generation's file. */
    private JournalFile file;

    private byte[] pending = new byte[4096];
    private int pendingLength;
    /** Bytes appended since the journal was opened, across rotations: the position group commit waits for. */
    private long appendedSeq;

    private long writtenSeq;
    private long durableSeq;
    /** Whether a group's leader is writing and forcing, or was handed the next fsync ({@link SyncWaiters}). */
    private boolean syncing;
    /** The committers waiting in {@link #syncTo}. */
    private final SyncWaiters waiters = new SyncWaiters();
    /** SYNC records in {@link #pending}: the size the group being gathered has reached. */
    private int bufferedRecords;
    /** When a group's leader stops waiting for its group (SYNC). */
    private final GroupGather gather = new GroupGather();

    private long bytesSinceRotation;

    /** The previous generation's file after a rotation, open until {@link #finishRotation} forced it. */
    private JournalFile oldFile;
    /** Where the previous generation ended, in appended bytes: what forcing {@link #oldChannel} makes durable. */
    private long oldEndSeq;
    /** Whether the new generation's header and the folder entries of a rotation are not forced yet. */
    private boolean rotationUnforced;
    /**
     * The first failed fsync. Once an fsync failed, a later one may report success for pages the kernel dropped
     * (Linux clears the error), so no later group is declared durable.
     */
    private IOException forceFailure;
    /**
     * Set when the file is in an unknown state: a rotation closed the old file and did not open the new one, or a
     * failed write could not be cut back (its bytes, or older ones, may complete a record). Appends then fail.
     */
    private volatile boolean broken;

    /**
     * Creates a journal generation at {@code path}, which must not exist (the caller has recognised and removed
     * what was there), and writes its header.
     *
     * @param header the log, the generation and the commit timestamp it continues from
     * @throws DeltaLogException if the file exists or cannot be created or written
     */
    Journal(Path path, byte[] encryptionKey, Durability durability, JournalFiles.Generation header) {
        this.path = path;
        this.oldPath = oldPath(path);
        this.encryptionKey = encryptionKey;
        this.durability = durability;
        this.id = header.id();
        this.generation = header.generation();
        this.file = JournalFile.create(path, encryptionKey, header, true);
    }

    /** Returns the generation being written. */
    synchronized long generation() {
        return generation;
    }

    /** The path of the rotated journal that a checkpoint in progress still needs. */
    static Path oldPath(Path journal) {
        return journal.resolveSibling(journal.getFileName() + ".old");
    }

    /**
     * Appends one record. With COMMIT it is written to the file now; with SYNC it is buffered for the leader of
     * the next group fsync ({@link #syncTo}) unless the buffer would pass 1 MiB (then written now); with ASYNC it
     * is buffered for the flusher. Called under the commit lock.
     *
     * @return the journal sequence at the end of the record, to pass to {@link #syncTo}
     * @throws DeltaLogException if the write fails; the journal is then cut back to where the record started
     */
    synchronized long append(byte[] record, int offset, int length) {
        return append(record, offset, length, false);
    }

    /**
     * Appends one record as {@link #append(byte[], int, int)} does, for a committer that {@linkplain #announce
     * announced} it (a group's leader waits for announced records).
     *
     * @param wasAnnounced whether the caller called {@link #announce} for this record
     */
    synchronized long append(byte[] record, int offset, int length, boolean wasAnnounced) {
        gather.arrived(wasAnnounced);
        checkUsable();
        if (durability == Durability.ASYNC) {
            ensurePending(length);
            System.arraycopy(record, offset, pending, pendingLength, length);
            pendingLength += length;
            appendedSeq += length;
            if (pendingLength >= ASYNC_BUFFER_LIMIT) {
                flush();
            }
        } else if (durability == Durability.SYNC && pendingLength + length <= ASYNC_BUFFER_LIMIT) {
            // Buffered: the group commit's leader writes what all committers appended in one write, then forces
            // it (syncTo). A write under the commit lock waited for the fsync under way (the file system orders
            // the two), so each fsync covered one transaction and four threads committed little more than one.
            ensurePending(length);
            System.arraycopy(record, offset, pending, pendingLength, length);
            pendingLength += length;
            appendedSeq += length;
            bufferedRecords++;
        } else {
            // What others buffered goes first; if that write fails, this record was not appended (the commit
            // fails cleanly) and theirs stay buffered for their leader.
            flush();
            writeFully(record, offset, length);
            appendedSeq += length;
            writtenSeq = appendedSeq;
        }
        bytesSinceRotation += length;
        return appendedSeq;
    }

    private void ensurePending(int extra) {
        if (pendingLength + extra > pending.length) {
            byte[] bigger = new byte[Math.max(pending.length * 2, pendingLength + extra)];
            System.arraycopy(pending, 0, bigger, 0, pendingLength);
            pending = bigger;
        }
    }

    /** Writes what ASYNC buffered. Runs on the flusher thread, at rotation and at close. */
    synchronized void flush() {
        if (pendingLength > 0) {
            checkUsable();
            writeFully(pending, 0, pendingLength);
            pendingLength = 0;
            bufferedRecords = 0;
            if (pending.length > ASYNC_BUFFER_LIMIT * 2) {
                pending = new byte[4096];
            }
        }
        writtenSeq = appendedSeq;
    }

    private void writeFully(byte[] bytes, int offset, int length) {
        try {
            file.append(bytes, offset, length);
        } catch (RuntimeException e) {
            if (file.cutBackFailed()) {
                broken = true; // the outcome of this append is unknown: no later append may go after it
            }
            throw e;
        }
    }

    /**
     * Takes back the record that ended at {@code seq}, the last one appended, after the commit it belongs to
     * failed before it was acknowledged: from the buffer (ASYNC) or by cutting the file back, so that a commit
     * that threw never comes back after a reopen. Called under the commit lock.
     *
     * @param seq what {@link #append} returned for the record
     * @param length the record's length
     * @throws LogIOException if the file cannot be cut back
     */
    synchronized void cancel(long seq, int length) {
        if (seq != appendedSeq) {
            throw new IllegalStateException("only the last record can be taken back");
        }
        appendedSeq -= length;
        bytesSinceRotation -= length;
        if (durability != Durability.COMMIT && pendingLength >= length) {
            // Still buffered (no flush or group leader wrote it since it was appended, under the commit lock).
            pendingLength -= length;
            if (bufferedRecords > 0) {
                bufferedRecords--;
            }
            return;
        }
        try {
            file.cutBack(length);
            writtenSeq = appendedSeq;
        } catch (IOException e) {
            throw new LogIOException(
                    "cannot take back a failed commit from journal " + path + ": " + FileErrors.describe(e), e);
        }
    }

    /**
     * Tells the journal that a committer is on its way to {@link #append(byte[], int, int, boolean)} a SYNC
     * record: a group's leader waits for it (bounded) rather than forcing without it. The caller must pass
     * {@code wasAnnounced} to that append, or call {@link #withdraw} if it never appends.
     */
    void announce() {
        gather.announce();
    }

    /** Takes back an {@link #announce} whose record will not be appended (the commit failed before). */
    void withdraw() {
        gather.withdraw();
    }

    /**
     * Returns once everything appended up to {@code seq} is written and forced to the disk. Concurrent callers
     * share one write and one fsync: a caller that finds no fsync running becomes the leader, waits briefly for
     * its group to fill ({@link GroupGather}), writes what all committers buffered and forces it; the others wait
     * for it. Whoever appended while it forced is covered by the next fsync, whose leader the finishing one picks
     * among them and wakes first ({@link SyncWaiters}).
     *
     * @throws DeltaLogException if the fsync fails (then every later call fails too)
     */
    void syncTo(long seq) {
        boolean[] interrupted = {Thread.interrupted()};
        try {
            syncLoop(seq, interrupted);
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt(); // kept for the caller, after the wait
            }
        }
    }

    /** The group commit of {@link #syncTo}; notes in {@code interrupted[0]} an interrupt while it waited. */
    private void syncLoop(long seq, boolean[] interrupted) {
        SyncWaiters.Waiter me = null;
        while (true) {
            if (me != null) {
                // Re-interrupting inside the wait would make every park return at once: a spin that starved the
                // leader (found by InterruptStormTest); the interrupt is kept for the caller instead.
                me.await(interrupted);
                if (me.covered()) {
                    return;
                }
            }
            synchronized (this) {
                if (me != null && me.leads()) {
                    me = null; // the finishing leader left syncing set for this thread
                    if (forceFailure != null) {
                        syncing = false;
                        Thread[] wake = waiters.signalAll();
                        SyncWaiters.unpark(wake);
                        checkForced();
                    }
                } else if (durableSeq >= seq) {
                    waiters.remove(me);
                    return;
                } else if (syncing) {
                    if (me == null) {
                        me = waiters.add(seq);
                    } else {
                        me.rearm();
                    }
                    continue;
                } else {
                    waiters.remove(me);
                    me = null;
                    checkForced();
                    syncing = true;
                }
            }
            boolean timedOut = durability == Durability.SYNC && gather.await(this, () -> bufferedRecords, interrupted);
            long target;
            int group;
            JournalFile current;
            JournalFile old;
            boolean folder;
            IOException failure = null;
            long took = 0;
            channelGuard.readLock().lock();
            try {
                synchronized (this) {
                    try {
                        // The leader writes what every committer buffered so far (SYNC), in one write; others
                        // append meanwhile only into the buffer, for the next leader.
                        group = bufferedRecords;
                        flush();
                    } catch (RuntimeException e) {
                        syncing = false;
                        SyncWaiters.unpark(waiters.signalAll());
                        throw e;
                    }
                    target = writtenSeq;
                    current = file;
                    // Right after a rotation the group may hold records of the old file, and a record of the new
                    // one is durable only once the new file's folder entry is: do what finishRotation will do.
                    old = oldFile;
                    folder = rotationUnforced;
                }
                try {
                    if (old != null) {
                        old.force();
                    }
                    long start = System.nanoTime();
                    current.force();
                    took = System.nanoTime() - start;
                    if (folder) {
                        DirectorySync.syncParent(path);
                    }
                } catch (IOException e) {
                    failure = e;
                }
            } finally {
                channelGuard.readLock().unlock();
            }
            Thread[] wake;
            synchronized (this) {
                if (failure == null) {
                    if (target > durableSeq) {
                        durableSeq = target;
                    }
                    gather.forced(took, group, timedOut);
                    // Whoever appended during this fsync is covered by the next one, led by a waiter woken first.
                    wake = waiters.afterForce(durableSeq);
                    syncing = SyncWaiters.handedOff(wake);
                } else {
                    if (forceFailure == null) {
                        forceFailure = failure;
                    }
                    syncing = false;
                    wake = waiters.signalAll();
                }
            }
            SyncWaiters.unpark(wake);
            if (failure != null) {
                throw new LogIOException(
                        "cannot force journal " + path + " to disk: " + FileErrors.describe(failure), failure);
            }
        }
    }

    private void checkForced() {
        if (forceFailure != null) {
            throw new LogIOException(
                    "cannot force journal " + path + " to disk: an earlier fsync failed ("
                            + FileErrors.describe(forceFailure) + ")",
                    forceFailure);
        }
    }

    /** Returns how many bytes were appended since the last rotation: a checkpoint trigger. */
    synchronized long bytesSinceRotation() {
        return bytesSinceRotation;
    }

    /**
     * Moves the journal aside to {@code <file>.journal.old} and starts the next generation: writes what is
     * buffered to the old file, renames it, creates the new file and writes its header. Called under the commit
     * lock at the start of a checkpoint; no fsync happens here. The caller must then call {@link #finishRotation}
     * (outside the commit lock) before the store commit that names the new generation.
     *
     * <p>Why that is crash-safe. Until the store commit names generation G+1, the store names G as live, and
     * recovery accepts {@code .journal.old} of G followed by {@code .journal} of G+1 continuing where G ends, or
     * by a missing or empty {@code .journal}: every state a crash can leave between this rename and
     * finishRotation's forces is one of these (a lost rename leaves G under its old name, which recovery also
     * replays). finishRotation forces the old file, the new header and the folder before that store commit, so
     * the store never names a generation whose file or header a power cut could take away. Commits go on into
     * the new file meanwhile: with COMMIT they promise nothing across a power cut; with SYNC each group's leader
     * forces the old file and the folder too while the rotation is unforced, so no SYNC commit is acknowledged
     * before its file and its folder entry are on disk.
     *
     * @param previous the last commit timestamp appended: the new generation continues from it
     * @throws DeltaLogException if the write or the rename fails (nothing moved: a later checkpoint retries), or
     *     if the new file cannot be created ({@link #broken()} then tells)
     */
    synchronized void rotate(long previous) {
        if (oldFile != null || rotationUnforced) {
            throw new IllegalStateException("the previous rotation of journal " + path + " was not finished");
        }
        flush();
        try {
            Files.move(path, oldPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw FileErrors.of("cannot rotate journal " + path, e);
        }
        oldFile = file;
        oldEndSeq = writtenSeq;
        rotationUnforced = true;
        generation++;
        try {
            file = JournalFile.create(
                    path, encryptionKey, new JournalFiles.Generation(id, generation, previous), false);
        } catch (RuntimeException e) {
            broken = true; // the old file is moved aside and no new one is open
            throw e;
        }
        bytesSinceRotation = 0;
    }

    /**
     * Completes a {@link #rotate}: forces the old file (its SYNC committers are released), the new header and the
     * folder entries, then closes the old file. Runs outside the commit lock, so commits go on meanwhile. A no-op
     * if no rotation is unfinished.
     *
     * @throws LogIOException if a force fails: the journal can no longer say what is on disk (the caller fails
     *     the log) and no later group commit succeeds
     */
    void finishRotation() {
        JournalFile old;
        JournalFile current;
        long oldEnd;
        synchronized (this) {
            if (!rotationUnforced) {
                return;
            }
            old = oldFile;
            current = file;
            oldEnd = oldEndSeq;
        }
        channelGuard.readLock().lock();
        try {
            old.force();
            current.force();
            DirectorySync.syncParent(path);
        } catch (IOException e) {
            Thread[] wake;
            synchronized (this) {
                if (forceFailure == null) {
                    forceFailure = e;
                }
                wake = waiters.signalAll();
            }
            SyncWaiters.unpark(wake);
            throw new LogIOException(
                    "cannot force the rotated journal " + path + " to disk: " + FileErrors.describe(e), e);
        } finally {
            channelGuard.readLock().unlock();
        }
        channelGuard.writeLock().lock(); // no group leader is forcing the old file now
        try {
            Thread[] wake;
            synchronized (this) {
                rotationUnforced = false;
                oldFile = null;
                if (oldEnd > durableSeq) {
                    durableSeq = oldEnd;
                }
                wake = waiters.signalAll();
            }
            SyncWaiters.unpark(wake);
            old.close();
        } catch (IOException e) {
            throw FileErrors.of("cannot close the rotated journal " + oldPath, e);
        } finally {
            channelGuard.writeLock().unlock();
        }
    }

    /**
     * Tells whether a failed rotation left the journal without a file to append to (a retry cannot repair that;
     * the log must be reopened). A rotation that failed while writing out the old file leaves it usable.
     */
    boolean broken() {
        return broken;
    }

    private void checkUsable() {
        if (broken) {
            throw new LogIOException("journal " + path + " is in an unknown state after a failed write");
        }
    }

    /** Deletes the rotated journal once the checkpoint that covers it is on disk. */
    void deleteOld() {
        try {
            Files.deleteIfExists(oldPath);
        } catch (IOException e) {
            throw FileErrors.of("cannot delete journal " + oldPath, e);
        }
    }

    /**
     * Closes the journal after a final checkpoint made its records redundant, deletes its files and leaves in
     * their place the header of the next generation, continuing from the checkpoint: a record of the checkpoint
     * outside the store file, so that a store later cut short or replaced by an older copy is recognised as
     * older than its journal instead of opening silently (issue 17). A crash in between leaves no journal, which
     * a cleanly closed store accepts.
     *
     * @param checkpoint the commit timestamp the final checkpoint stored
     */
    void closeLeavingMarker(long checkpoint) {
        close();
        try {
            Files.deleteIfExists(path);
            deleteOld();
            synchronized (this) {
                generation++;
                file = JournalFile.create(
                        path, encryptionKey, new JournalFiles.Generation(id, generation, checkpoint), true);
                file.close();
            }
        } catch (IOException e) {
            throw FileErrors.of("cannot close journal " + path, e);
        }
    }

    /** Writes what is buffered and closes the file; the journal itself stays for recovery. */
    @Override
    public void close() {
        channelGuard.writeLock().lock();
        try {
            synchronized (this) {
                try {
                    flush();
                } finally {
                    try {
                        file.close();
                    } finally {
                        if (oldFile != null) {
                            // A rotation whose forces failed (the log failed with it): release the file.
                            oldFile.close();
                            oldFile = null;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw FileErrors.of("cannot close journal " + path, e);
        } finally {
            channelGuard.writeLock().unlock();
        }
    }
}
