package io.github.deltalog.view;

import io.github.deltalog.ChangeSet;
import io.github.deltalog.Consumer;
import io.github.deltalog.DeltaLog;
import io.github.deltalog.DeltasPurgedException;
import io.github.deltalog.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link AggregateView} kept fresh from its own consumer of a log, exactly once across crashes: a refresh
 * reads the merged changes after the view's position, applies them, saves the state with the new position
 * (atomically, in a state file), and only then advances the consumer. A crash before the save re-applies the
 * same changes to the old state; a crash after it finds the saved position ahead of the consumer and moves the
 * consumer up, so nothing is applied twice or skipped. A stale consumer (history purged by a hard cap) triggers
 * a full rebuild from the base rows.
 */
public final class IncrementalView {
    private final DeltaLog log;
    private final AggregateView view;
    private final String consumerName;
    private final Path stateFile;
    private final Supplier<? extends Iterable<Tuple>> baseRows;
    private long position;

    private IncrementalView(
            DeltaLog log,
            AggregateView view,
            String consumerName,
            Path stateFile,
            Supplier<? extends Iterable<Tuple>> baseRows) {
        this.log = log;
        this.view = view;
        this.consumerName = consumerName;
        this.stateFile = stateFile;
        this.baseRows = baseRows;
    }

    /**
     * Opens a view: loads its saved state, or builds it from the base rows the first time.
     *
     * @param log the log the view follows
     * @param consumerName the name of the view's consumer
     * @param view an empty view describing the aggregation
     * @param stateFile where the view's state is kept
     * @param baseRows a full scan of the base table as of the log's current watermark (used the first time and
     *     after the consumer went stale)
     * @return the view, up to date as of its saved position
     */
    public static IncrementalView open(
            DeltaLog log,
            String consumerName,
            AggregateView view,
            Path stateFile,
            Supplier<? extends Iterable<Tuple>> baseRows) {
        IncrementalView v = new IncrementalView(
                Objects.requireNonNull(log, "log"),
                Objects.requireNonNull(view, "view"),
                Objects.requireNonNull(consumerName, "consumerName"),
                Objects.requireNonNull(stateFile, "stateFile"),
                Objects.requireNonNull(baseRows, "baseRows"));
        if (Files.exists(stateFile)) {
            v.position = ViewStateFile.load(stateFile, view);
            Consumer c;
            try {
                c = log.consumer(consumerName, v.position);
            } catch (DeltasPurgedException e) {
                v.rebuild(log.consumer(consumerName)); // the consumer was dropped and the history purged
                return v;
            }
            if (c.isStale()) {
                v.rebuild(c);
            } else if (c.position() < v.position) {
                c.advanceTo(v.position); // the last refresh saved its state but died before advancing
            } else if (c.position() > v.position) {
                // Refreshes that found no change of the table advance the consumer without saving the state;
                // the state is still right if the table has no delta in between, else it is rebuilt.
                if (log.count(view.table(), v.position, c.position()) == 0) {
                    v.position = c.position();
                } else {
                    v.rebuild(c);
                }
            }
        } else {
            v.rebuild(log.consumer(consumerName));
        }
        return v;
    }

    /**
     * Brings the view up to the log's watermark.
     *
     * @return what the refresh did
     */
    public Refresh refresh() {
        Consumer c = log.consumer(consumerName);
        if (c.isStale()) {
            rebuild(c);
            return new Refresh(0, position, true);
        }
        ChangeSet net = applyAndSave(c);
        c.advanceTo(position);
        return new Refresh(net.size(), position, false);
    }

    /**
     * The first half of a refresh, up to the saved state; the consumer is not advanced. A refresh that found no
     * change of the table saves nothing (the state file and fsync are the cost of a refresh).
     */
    ChangeSet applyAndSave(Consumer c) {
        ChangeSet net = c.mergedChanges(Collections.singletonList(view.table()));
        view.applyAll(net);
        position = net.watermark();
        if (!net.isEmpty()) {
            ViewStateFile.save(stateFile, view, position);
        }
        return net;
    }

    private void rebuild(Consumer c) {
        long at = c.reset();
        view.rebuild(baseRows.get());
        position = at;
        ViewStateFile.save(stateFile, view, position);
    }

    /**
     * Returns the view, as of {@link #position()}.
     *
     * @return the view, as of {@link #position()}
     */
    public AggregateView view() {
        return view;
    }

    /**
     * Returns the log position the view reflects.
     *
     * @return the log position the view reflects
     */
    public long position() {
        return position;
    }

    /**
     * What one refresh did.
     *
     * @param mergedDeltas how many merged deltas were applied
     * @param position the position the view now reflects
     * @param rebuilt whether the view was rebuilt from the base rows (its consumer was stale)
     */
    public record Refresh(int mergedDeltas, long position, boolean rebuilt) {}
}
