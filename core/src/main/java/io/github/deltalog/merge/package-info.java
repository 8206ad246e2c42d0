/**
 * The merge: collapsing chains of changes into their net effect. Entry point: {@link
 * io.github.deltalog.merge.DeltaMerger}; the pairwise rule is {@link io.github.deltalog.merge.ChainRule}.
 */
package io.github.deltalog.merge;
