package io.github.deltalog.sync;

/**
 * What an apply did, counted per change of the change set.
 *
 * @param applied changes applied as they were, without a conflict
 * @param omitted conflicting changes skipped (the handler answered {@link Resolution#OMIT})
 * @param replaced conflicting changes forced onto the target (the handler answered {@link Resolution#REPLACE})
 */
public record ApplyResult(long applied, long omitted, long replaced) {
    /** The result of applying nothing. */
    public static final ApplyResult EMPTY = new ApplyResult(0, 0, 0);

    /**
     * Returns how many changes the apply looked at: applied + omitted + replaced.
     *
     * @return how many changes the apply looked at: applied + omitted + replaced
     */
    public long total() {
        return applied + omitted + replaced;
    }

    /**
     * Returns how many conflicts the handler resolved: omitted + replaced.
     *
     * @return how many conflicts the handler resolved: omitted + replaced
     */
    public long conflicts() {
        return omitted + replaced;
    }
}
