/**
 * Retention policy: which deltas a log may forget ({@link io.github.deltalog.retention.RetentionPolicy}) and
 * where a purge under it cuts ({@link io.github.deltalog.retention.RetentionPlan}). Carrying it out (the purge,
 * the background compaction round) is the store's {@code Purges}.
 */
package io.github.deltalog.retention;
