/**
 * Change capture from an application's JDBC database into a {@link io.github.deltalog.DeltaLog}: the entry point
 * is {@link io.github.deltalog.jdbc.Capture}. Triggers write every change of the captured tables into an outbox
 * table inside the application's own transaction; a relay moves each committed database transaction into one
 * log transaction, exactly once. {@link io.github.deltalog.jdbc.Dialect} holds what differs between databases
 * (H2 2.x and SQLite today).
 */
package io.github.deltalog.jdbc;
