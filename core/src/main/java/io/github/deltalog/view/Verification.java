package io.github.deltalog.view;

import java.util.List;

/**
 * The result of {@link View#verify}: the view's rows compared with a full recomputation.
 *
 * @param position the log position both reflect
 * @param rows rows of the recomputation
 * @param differences the first differing groups, described (empty if the view is right)
 */
public record Verification(long position, long rows, List<String> differences) {
    /**
     * Tells whether the view equals the recomputation.
     *
     * @return whether the view equals the recomputation
     */
    public boolean matches() {
        return differences.isEmpty();
    }
}
