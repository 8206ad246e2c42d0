package io.github.deltalog.store;

import io.github.deltalog.DeltaLogException;
import io.github.deltalog.Durability;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes the files of a backup: a copy of the store file taken while no checkpoint runs (so the file does not
 * change under the copy) and a journal of the store's current generation that continues its checkpoint and
 * holds nothing, or, for a log open read-only, its files as they are. The copy is made under temporary names,
 * forced to disk and then moved into place, so that a failed backup leaves nothing that opens as a log.
 */
final class Backup {
    private Backup() {}

    /**
     * Backs up a live log right after a checkpoint. Called while the caller holds off every store write.
     *
     * @param store the log's store file
     * @param dest the backup's store file; must not exist, nor its journal files
     * @param key the journal encryption key, or null
     * @param generation the journal generation the store continues in, and the checkpoint
     * @throws DeltaLogException if the destination exists or the copy fails (nothing is left behind)
     */
    static void copyAfterCheckpoint(Path store, Path dest, byte[] key, JournalFiles.Generation generation) {
        Path journal = journalOf(dest);
        Path tmp = checkDestination(dest);
        try {
            copyForced(store, tmp);
            new Journal(journal, key, Durability.SYNC, generation).close();
            forceFile(journal);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            deleteQuietly(journal, e);
            throw FileErrors.of("cannot back up " + store + " to " + dest, e);
        }
    }

    /**
     * Backs up a log open read-only: its store and journal files as they are (nothing writes them).
     *
     * @throws DeltaLogException if the destination exists or the copy fails (nothing is left behind)
     */
    static void copyAsIs(Path store, Path dest) {
        Path tmp = checkDestination(dest);
        Path journal = journalOf(store);
        Path old = Journal.oldPath(journal);
        Path destJournal = journalOf(dest);
        Path destOld = Journal.oldPath(destJournal);
        try {
            copyForced(store, tmp);
            if (Files.exists(journal)) {
                copyForced(journal, destJournal);
            }
            if (Files.exists(old)) {
                copyForced(old, destOld);
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            deleteQuietly(destJournal, e);
            deleteQuietly(destOld, e);
            throw FileErrors.of("cannot back up " + store + " to " + dest, e);
        }
    }

    private static Path checkDestination(Path dest) {
        Path journal = journalOf(dest);
        for (Path p : new Path[] {dest, journal, Journal.oldPath(journal)}) {
            if (Files.exists(p)) {
                throw new DeltaLogException(
                        "cannot back up to " + dest + ": " + p + " exists (a backup never" + " overwrites a file)");
            }
        }
        Path parent = dest.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new DeltaLogException("cannot back up to " + dest + ": folder " + parent + " does not exist");
        }
        Path tmp = dest.resolveSibling(dest.getFileName() + ".backup-tmp");
        if (Files.exists(tmp)) {
            throw new DeltaLogException("cannot back up to " + dest + ": " + tmp
                    + " exists (another backup to this place running, or one cut short: remove it)");
        }
        return tmp;
    }

    private static void copyForced(Path from, Path to) throws IOException {
        Files.copy(from, to);
        forceFile(to);
    }

    private static void forceFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p, Throwable cause) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static Path journalOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }
}
