/**
 * Retention: which deltas a log may forget, and the background compactor that applies the policy. Entry point:
 * {@link io.github.deltalog.retention.RetentionPolicy}.
 */
package io.github.deltalog.retention;
