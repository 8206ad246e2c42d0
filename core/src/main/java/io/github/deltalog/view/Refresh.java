package io.github.deltalog.view;

/**
 * What one {@link View#refresh()} did.
 *
 * @param kind whether the changes were applied or the view was rebuilt, and why
 * @param mergedDeltas merged deltas read (at most one per changed row)
 * @param touchedGroups groups read and rewritten
 * @param from the position the view reflected before
 * @param position the position it reflects now
 */
public record Refresh(Kind kind, long mergedDeltas, long touchedGroups, long from, long position) {
    /** How a refresh brought the view up to date. */
    public enum Kind {
        /** The merged changes were applied to the touched groups: cost O(change). */
        INCREMENTAL,
        /** The change set was larger than the definition's rebuild threshold: rebuilt from the base rows. */
        REBUILT_LARGE_CHANGE,
        /** History the view had not read was purged (a hard retention cap): rebuilt from the base rows. */
        REBUILT_STALE
    }

    /**
     * Tells whether the view was rebuilt rather than maintained.
     *
     * @return whether the view was rebuilt rather than maintained
     */
    public boolean rebuilt() {
        return kind != Kind.INCREMENTAL;
    }
}
