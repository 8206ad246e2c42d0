package io.github.deltalog.sync;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Consumer;
import io.github.deltalog.Delta;
import io.github.deltalog.DeltaLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Keeps two {@link Replica replicas} in step: each side's local changes that the other has not applied yet
 * (after the other's position in its log: the consumer {@code "sync:" + otherName}), reduced to one net change per
 * row, are applied to the other side's target with a conflict handler, and the position is advanced only after
 * that apply committed. A crash between the two applies the same changes again on the next sync; under {@link
 * ConflictHandler#laterCommitWins()} (whose local timestamps come from the receiving side's log) that re-apply
 * changes nothing, and both sides converge to the same rows.
 *
 * <p>Changes applied from a peer go to the target only, never into the receiving log, so they do not echo back.
 * The positions are consumers, so retention keeps a peer's unapplied changes. Cost per direction: one range read
 * of each log after the peer's position, O(k) for k deltas, plus the apply.
 */
public final class TwoWaySync {
    private final List<String> tables;
    private final ConflictHandler handler;
    private final Runnable beforeAdvance;

    /**
     * Creates a sync of some tables with a conflict handler ({@link ConflictHandler#laterCommitWins()} converges;
     * {@link ConflictHandler#abort()} makes every conflict visible and syncs nothing until it is resolved).
     *
     * @param tables the tables to sync, tracked by both logs
     * @param handler what to do on a conflict
     */
    public TwoWaySync(Collection<String> tables, ConflictHandler handler) {
        this(tables, handler, () -> {});
    }

    /** For fault injection in tests: {@code beforeAdvance} runs between an apply's commit and the position advance. */
    TwoWaySync(Collection<String> tables, ConflictHandler handler, Runnable beforeAdvance) {
        this.tables = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(tables, "tables")));
        this.handler = Objects.requireNonNull(handler, "handler");
        this.beforeAdvance = beforeAdvance;
    }

    /**
     * Syncs two replicas: the second's changes into the first, then the first's into the second.
     *
     * @param first one replica
     * @param second the other
     * @return what each side received
     * @throws ApplyConflictException if the handler aborted; that direction applied nothing and its position did
     *     not move (the other direction may have completed)
     * @throws io.github.deltalog.DeltasPurgedException if a log purged changes its peer had not applied
     */
    public SyncResult sync(Replica first, Replica second) {
        if (first.name().equals(second.name())) {
            throw new IllegalArgumentException("both replicas are named '" + first.name() + "'");
        }
        ApplyResult intoFirst = pull(second, first);
        ApplyResult intoSecond = pull(first, second);
        return new SyncResult(intoFirst, intoSecond);
    }

    /**
     * Applies the changes of {@code from} that {@code into} has not applied yet, then advances {@code into}'s
     * position in {@code from}'s log. One direction of {@link #sync}.
     *
     * @param from where the changes come from
     * @param into where they are applied
     * @return what was applied
     */
    public ApplyResult pull(Replica from, Replica into) {
        Consumer position = from.log().consumer(into.consumerName(), 0L);
        long after = position.position();
        NetChanges incoming = new NetChanges();
        ChangeSet raw = from.log().changesAfter(tables, after);
        for (Delta d : raw) {
            incoming.add(d);
        }
        ChangeSet changes = incoming.toChangeSet(raw.watermark());
        ApplyResult result =
                new ChangeApplier(into.target(), handler).apply(changes, localTimestamps(into.log(), after));
        beforeAdvance.run();
        if (raw.watermark() > after) {
            position.advanceTo(raw.watermark());
        }
        return result;
    }

    /**
     * The latest local timestamp of each row the receiving side changed after {@code since} (the incoming changes
     * are all later than that position, so an older local change loses to them anyway).
     */
    private RowTimestamps localTimestamps(DeltaLog log, long since) {
        NetChanges local = new NetChanges();
        for (Delta d : log.changesAfter(tables, Math.max(since, log.oldestRetained()))) {
            local.add(d);
        }
        return local.timestamps();
    }
}
