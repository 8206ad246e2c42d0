package io.github.deltalog.jdbc;

/**
 * One captured change as the relay read it from the outbox.
 *
 * @param id the outbox id (write order)
 * @param shape the shape it was captured under
 * @param op 1 insert, 2 update, 3 delete
 * @param oldRowId the row id before the change (update, delete)
 * @param newRowId the row id after the change (insert, update)
 * @param before the before image (update, delete), tuple-typed
 * @param after the after image (insert, update), tuple-typed
 */
record OutboxRow(long id, TableShape shape, int op, long oldRowId, long newRowId, Object[] before, Object[] after) {}
