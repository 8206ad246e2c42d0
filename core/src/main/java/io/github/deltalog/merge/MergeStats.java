package io.github.deltalog.merge;

/**
 * What a merge did.
 *
 * @param deltasIn deltas fed to the merge
 * @param deltasOut merged deltas it produced (at most one per row)
 * @param noOpsDropped updates dropped because their before and after images were equal, as given or after
 *     combining a chain
 * @param conflictsIgnored later changes dropped under {@link MergePolicy#IGNORE_LATER}
 */
public record MergeStats(long deltasIn, long deltasOut, long noOpsDropped, long conflictsIgnored) {}
