/**
 * The deltalog API: {@link io.github.deltalog.DeltaLog} is the entry point; changes are recorded through
 * {@link io.github.deltalog.DeltaTransaction} and read back as {@link io.github.deltalog.Delta}s.
 */
package io.github.deltalog;
