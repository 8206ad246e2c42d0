package io.github.deltalog.store;

import io.github.deltalog.CorruptLogException;
import io.github.deltalog.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The link between a store and its journal generations (DESIGN §8a): which journal files recovery may replay,
 * and how an open starts the next generation.
 *
 * <p>The store's {@code meta} names the log ({@link LogId}), its checkpoint timestamp C, the journal generation
 * G that continues it, and whether G may hold commits after C (live) or the log was closed cleanly. Each journal
 * file starts with a header naming its log, generation and the timestamp it continues from. Recovery accepts:
 *
 * <ul>
 *   <li>live: {@code .journal} of generation G continuing from at most C; or, after a checkpoint cut short,
 *       {@code .journal.old} of generation G and then {@code .journal} of G+1 continuing exactly from where the
 *       old one ends (or no new one yet);
 *   <li>closed cleanly: no journal, or {@code .journal} of G+1 continuing exactly from C (an open cut short
 *       after it started the next generation);
 *   <li>files of this log with a generation at most G (or a format 1 journal whose commits are all at most C):
 *       leftovers that the checkpoint covers, deleted by the next read-write open.
 * </ul>
 *
 * Everything else is refused with a {@link CorruptLogException} naming the file, what the store expects and
 * what was found: a journal of another log, a missing or emptied journal the store relies on, an older or newer
 * generation (a store copied before or after its journal, a store that lost its tail), a swapped pair. A new
 * store never deletes or reuses a file in a journal's place unless it is empty. A format 1 store (no identity)
 * replays its headerless journals as before.
 */
final class JournalChain {
    private static final Logger LOG = Logger.getLogger(JournalChain.class.getName());

    private JournalChain() {}

    /**
     * What recovery found.
     *
     * @param last the last commit timestamp the log holds
     * @param generation the highest journal generation of this log seen, in the store or in a file
     * @param sideFiles whether a journal file exists that the next read-write open must remove
     */
    record Found(long last, long generation, boolean sideFiles) {}

    /**
     * Checks the journal files against the store and replays what continues its checkpoint.
     *
     * @param meta the store's meta map
     * @param created whether the store was created by this open (it had no meta)
     * @param journal the journal path
     * @param key the journal's encryption key, or null
     * @param checkpoint the store's checkpoint timestamp
     * @param label the log, for messages
     * @param visitor receives the replayed records
     * @param salvage whether journal files that do not belong are moved aside instead of refused
     * @throws CorruptLogException if the files do not belong together (and not salvaging)
     */
    static Found replay(
            LogMeta meta,
            boolean created,
            Path journal,
            byte[] key,
            long checkpoint,
            String label,
            JournalFiles.Visitor visitor,
            boolean salvage) {
        try {
            return replayChecked(meta, created, journal, key, checkpoint, label, visitor);
        } catch (CorruptLogException refused) {
            if (!salvage || created) {
                throw refused;
            }
            return setAside(meta, journal, key, checkpoint, label, refused);
        }
    }

    /**
     * Salvage: keeps a copy of the store file as it was and moves the journal files aside (same suffix), so that
     * the store opens as it is and nothing on disk is lost; the caller removes whatever was
     * replayed above the checkpoint before the refusal, and the next generation numbers past every file seen.
     */
    private static Found setAside(
            LogMeta meta, Path journal, byte[] key, long checkpoint, String label, CorruptLogException refused) {
        long highest = meta.journalGeneration();
        String suffix = ".salvaged-" + System.currentTimeMillis();
        String name = journal.getFileName().toString();
        Path store = journal.resolveSibling(name.substring(0, name.length() - ".journal".length()));
        Path storeCopy = store.resolveSibling(store.getFileName() + suffix);
        try {
            // The salvage's checkpoint lets MVStore cut the file back to the version it opened; the pages beyond it
            // may still hold deltas that a copying salvage (`deltalog verify --salvage` on this copy) recovers.
            Files.copy(store, storeCopy);
            DirectorySync.syncParent(storeCopy);
        } catch (IOException e) {
            throw FileErrors.of("cannot salvage " + label + ": cannot keep a copy of " + store + " as " + storeCopy, e);
        }
        StringBuilder moved = new StringBuilder(storeCopy.getFileName().toString());
        for (Path file : new Path[] {Journal.oldPath(journal), journal}) {
            JournalReader.Inspected f = JournalReader.inspect(file, key);
            highest = Math.max(highest, generation(f));
            if (f.kind() == JournalReader.Kind.MISSING) {
                continue;
            }
            Path aside = file.resolveSibling(file.getFileName() + suffix);
            try {
                Files.move(file, aside);
                DirectorySync.syncParent(aside);
            } catch (IOException e) {
                throw FileErrors.of("cannot salvage " + label + ": cannot move " + file + " aside", e);
            }
            moved.append(", ").append(aside.getFileName());
        }
        LOG.log(
                Level.WARNING,
                "salvaged {0}: opened the store as it is, at its checkpoint {1}; dropped what only the journal held"
                        + " (the store copied and the journal moved aside: {2}). The refusal was: {3}",
                new Object[] {label, describeTime(checkpoint), moved, refused.getMessage()});
        return new Found(checkpoint, highest, false);
    }

    private static Found replayChecked(
            LogMeta meta,
            boolean created,
            Path journal,
            byte[] key,
            long checkpoint,
            String label,
            JournalFiles.Visitor visitor) {
        Path old = Journal.oldPath(journal);
        JournalReader.Inspected j = JournalReader.inspect(journal, key);
        JournalReader.Inspected o = JournalReader.inspect(old, key);
        boolean any = j.kind() != JournalReader.Kind.MISSING || o.kind() != JournalReader.Kind.MISSING;
        if (created) {
            checkReusable(old, o, label);
            checkReusable(journal, j, label);
            return new Found(checkpoint, 0, any);
        }
        LogId id = meta.id();
        if (id == null) {
            return replayUnbound(journal, j, old, o, key, checkpoint, label, visitor);
        }
        long expected = meta.journalGeneration();
        checkOwn(old, o, id, key, checkpoint, label);
        checkOwn(journal, j, id, key, checkpoint, label);
        checkNotNewer(old, o, checkpoint, label);
        if (!meta.journalLive() || generation(o) != expected) {
            // Otherwise .journal rightly continues from where .journal.old ends: a checkpoint cut short.
            checkNotNewer(journal, j, checkpoint, label);
        }
        long highest = Math.max(expected, Math.max(generation(o), generation(j)));
        long last = checkpoint;
        if (!meta.journalLive()) {
            if (generation(o) > expected) {
                throw mismatch(
                        old,
                        o,
                        "no journal after the clean close at " + checkpoint + " (generation " + expected + ")",
                        label);
            }
            if (generation(j) > expected) {
                if (generation(j) != expected + 1 || j.header().previous() != checkpoint) {
                    throw mismatch(
                            journal,
                            j,
                            "at most generation " + (expected + 1) + " continuing from " + checkpoint
                                    + " (the log was closed cleanly)",
                            label);
                }
                last = JournalReader.replay(journal, key, last, visitor).last();
            }
            return new Found(last, highest, any);
        }
        if (generation(o) > expected) {
            throw mismatch(
                    old,
                    o,
                    "generation " + expected + " or older after the checkpoint at " + checkpoint
                            + " (a newer journal means the store lost its tail or was copied before its journal)",
                    label);
        }
        if (generation(o) == expected) {
            checkStart(old, o, checkpoint, label);
            JournalReader.Replayed dry = JournalReader.replay(old, key, Long.MAX_VALUE, ignoring());
            if (j.kind() == JournalReader.Kind.BOUND) {
                long continues = Math.max(dry.end(), o.header().previous());
                if (generation(j) != expected + 1 || (dry.clean() && j.header().previous() != continues)) {
                    throw mismatch(
                            journal,
                            j,
                            "generation " + (expected + 1) + " continuing from " + continues + " (where "
                                    + old.getFileName() + " ends)",
                            label);
                }
            } else if (j.kind() != JournalReader.Kind.MISSING && j.kind() != JournalReader.Kind.EMPTY) {
                throw mismatch(journal, j, "generation " + (expected + 1), label);
            }
            JournalReader.Replayed r = JournalReader.replay(old, key, last, visitor);
            last = r.last();
            if (j.kind() == JournalReader.Kind.BOUND) {
                if (r.clean()) {
                    last = JournalReader.replay(journal, key, last, visitor).last();
                } else {
                    // A rotated journal that ends in damage ends the prefix there: replaying the newer journal
                    // after the damage would leave a gap.
                    LOG.log(
                            Level.WARNING,
                            "{0}: rotated journal is damaged after timestamp {1}; later journal records are not"
                                    + " replayed",
                            new Object[] {label, last});
                }
            }
            return new Found(last, highest, any);
        }
        if (j.kind() != JournalReader.Kind.BOUND || generation(j) != expected) {
            String why = j.kind() == JournalReader.Kind.MISSING
                    ? "the store's checkpoint at " + checkpoint + " continues in journal generation " + expected
                            + ", which is missing: the commits after the checkpoint are lost"
                    : generation(j) > expected
                            ? "generation " + expected + " continuing the checkpoint at " + checkpoint
                                    + " (a newer journal means the store lost its tail or was copied before its"
                                    + " journal)"
                            : "generation " + expected + " continuing the checkpoint at " + checkpoint;
            throw mismatch(journal, j, why, label);
        }
        checkStart(journal, j, checkpoint, label);
        last = JournalReader.replay(journal, key, last, visitor).last();
        return new Found(last, highest, any);
    }

    /**
     * Starts the journal of a read-write session after recovery: stores what was replayed, removes the covered
     * journal files, creates the next generation and records it in the store. Each step leaves files that
     * {@link #replay} accepts, should the process die in between.
     *
     * @param commitStore commits and syncs the store
     */
    static Journal start(
            LogMeta meta,
            Found found,
            long last,
            Path journal,
            byte[] key,
            Durability durability,
            Runnable commitStore) {
        LogId id = meta.id();
        long generation = found.generation();
        if (id == null || found.sideFiles()) {
            if (id == null) {
                id = LogId.random();
                meta.bind(id);
            }
            meta.setCheckpoint(last);
            meta.setJournal(generation, false);
            commitStore.run();
            try {
                Files.deleteIfExists(Journal.oldPath(journal));
                Files.deleteIfExists(journal);
            } catch (IOException e) {
                throw FileErrors.of("cannot delete journal " + journal, e);
            }
        }
        Journal started = new Journal(journal, key, durability, new JournalFiles.Generation(id, generation + 1, last));
        meta.setCheckpoint(last);
        meta.setJournal(generation + 1, true);
        commitStore.run();
        return started;
    }

    private static long generation(JournalReader.Inspected f) {
        return f.kind() == JournalReader.Kind.BOUND ? f.header().generation() : Long.MIN_VALUE;
    }

    /** A new store may remove only an empty file in a journal's place, or a record-less journal of its own first open. */
    private static void checkReusable(Path file, JournalReader.Inspected f, String label) {
        boolean reusable = f.kind() == JournalReader.Kind.MISSING
                || f.kind() == JournalReader.Kind.EMPTY
                || (f.kind() == JournalReader.Kind.BOUND
                        && !f.hasRecords()
                        && f.header().generation() == 1);
        if (!reusable) {
            throw new CorruptLogException("cannot create log " + label + ": " + file + " exists and is not an empty"
                    + " journal (" + describe(f) + "): the journal of another log, or of a log whose store file is"
                    + " missing; nothing was changed, move it away");
        }
    }

    /** A file beside a bound store must be one of its journals, or a format 1 journal that the checkpoint covers. */
    private static void checkOwn(
            Path file, JournalReader.Inspected f, LogId id, byte[] key, long checkpoint, String label) {
        switch (f.kind()) {
            case MISSING, EMPTY -> {
                // nothing to check
            }
            case BOUND -> {
                if (!f.header().id().equals(id)) {
                    throw new CorruptLogException("journal " + file + " belongs to another log (id "
                            + f.header().id() + "); the store " + label + " is log " + id + ": refusing to replay it");
                }
            }
            case LEGACY -> {
                long end = JournalReader.replay(file, key, Long.MAX_VALUE, ignoring())
                        .end();
                if (end > checkpoint) {
                    throw new CorruptLogException("journal " + file + " is a format 1 journal with commits up to "
                            + end + " after the checkpoint at " + checkpoint + " of " + label
                            + ", whose journals are bound to it: it belongs to another log");
                }
            }
            case FOREIGN -> throw new CorruptLogException(
                    "journal " + file + " is not a journal (its first bytes are no valid record): refusing to open "
                            + label + " beside it");
        }
    }

    /**
     * A journal of this log that continues from a commit after the store's checkpoint was started by a later
     * checkpoint than the store holds (issue 17): the store file was cut short (MVStore then falls back to an
     * older version it can read) or replaced by an older copy, and the commits in between are gone from both.
     */
    private static void checkNotNewer(Path file, JournalReader.Inspected f, long checkpoint, String label) {
        if (f.kind() == JournalReader.Kind.BOUND && f.header().previous() > checkpoint) {
            long lost = f.header().previous();
            throw new CorruptLogException("log file " + label + " is older than its journal " + file
                    + ": the log was checkpointed at " + describeTime(lost) + ", but the store holds commits only"
                    + " up to " + describeTime(checkpoint) + ", so the commits after " + checkpoint + " up to "
                    + lost + " are missing: the store lost its tail or was copied before its journal (a file cut"
                    + " short, an older copy put back, or a copy of a live log taken file by file); refusing to open"
                    + " it silently older. Put back the store file that belongs to this journal (use backup() for"
                    + " copies), or open with salvage to accept the loss");
        }
    }

    /** A commit timestamp with its instant, for messages. */
    static String describeTime(long micros) {
        try {
            return micros + " (" + java.time.Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS) + ")";
        } catch (ArithmeticException | java.time.DateTimeException outOfRange) {
            return Long.toString(micros);
        }
    }

    private static void checkStart(Path file, JournalReader.Inspected f, long checkpoint, String label) {
        if (f.header().previous() > checkpoint) {
            throw mismatch(
                    file,
                    f,
                    "a journal continuing from at most the checkpoint at " + checkpoint
                            + " (there is a hole between them)",
                    label);
        }
    }

    private static CorruptLogException mismatch(Path file, JournalReader.Inspected f, String expected, String label) {
        return new CorruptLogException("journal " + file + " does not continue the store " + label + ": expected "
                + expected + ", found " + describe(f) + "; refusing to open a log with a hole (a copy of a live log"
                + " taken file by file is not a backup: use backup())");
    }

    private static String describe(JournalReader.Inspected f) {
        return switch (f.kind()) {
            case MISSING -> "no file";
            case EMPTY -> "an empty file";
            case BOUND -> "generation " + f.header().generation() + " continuing from "
                    + f.header().previous();
            case LEGACY -> "a format 1 journal";
            case FOREIGN -> "a file that is not a journal";
        };
    }

    /** Replay of a format 1 store: its journals have no header, so nothing links them; replayed as before. */
    private static Found replayUnbound(
            Path journal,
            JournalReader.Inspected j,
            Path old,
            JournalReader.Inspected o,
            byte[] key,
            long checkpoint,
            String label,
            JournalFiles.Visitor visitor) {
        for (Path file : new Path[] {old, journal}) {
            JournalReader.Inspected f = file == old ? o : j;
            if (f.kind() == JournalReader.Kind.BOUND || f.kind() == JournalReader.Kind.FOREIGN) {
                throw new CorruptLogException("journal " + file + " is " + describe(f) + ", not a format 1 journal of "
                        + label + " (which has no identity yet): refusing to replay it");
            }
        }
        JournalReader.Replayed r = JournalReader.replay(old, key, checkpoint, visitor);
        long last = r.last();
        // A rotated journal that ends in damage ends the prefix there, unless a finished checkpoint covers it:
        // replaying the newer journal after the damage would leave a gap.
        boolean covered = r.end() != Long.MIN_VALUE && r.end() <= checkpoint;
        if (r.clean() || covered) {
            last = JournalReader.replay(journal, key, last, visitor).last();
        } else {
            LOG.log(
                    Level.WARNING,
                    "{0}: rotated journal is damaged after timestamp {1}; later journal records are not replayed",
                    new Object[] {label, last});
        }
        boolean any = j.kind() != JournalReader.Kind.MISSING || o.kind() != JournalReader.Kind.MISSING;
        return new Found(last, 0, any);
    }

    private static JournalFiles.Visitor ignoring() {
        return new JournalFiles.Visitor() {
            @Override
            public void transaction(long commitTimestamp) {}

            @Override
            public void delta(DeltaKey key, byte[] value) {}
        };
    }
}
