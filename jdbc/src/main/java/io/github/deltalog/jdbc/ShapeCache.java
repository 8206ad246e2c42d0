package io.github.deltalog.jdbc;

import io.github.deltalog.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The capture catalog's shapes as the relay last loaded them, kept while the database's schema token ({@link
 * Dialect#schemaToken}) stays the same, and what the relay derived from those shape instances: their log schemas,
 * which log schema versions it found to have their columns, which shapes' entries the log's columns table holds.
 * Every change to the catalog comes with DDL (triggers created or dropped), which changes the token; loading the
 * catalog on every pass cost more than a small pass. The relay {@link #clear clears} it after a failed pass, so a
 * catalog read in the middle of an install is read again.
 */
final class ShapeCache {
    private Object token;
    private CaptureCatalog.Shapes shapes;
    /** The log schema of each shape, by identity. */
    private final Map<TableShape, TableSchema> logSchemas = new IdentityHashMap<>();
    /** Per shape, the log's schema version last found to have the shape's columns (compared by identity). */
    private final Map<TableShape, TableSchema> confirmedSchemas = new IdentityHashMap<>();
    /** The shapes whose entry the log's columns table holds. */
    private final Set<TableShape> logged = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Returns the catalog's shapes, loaded again if the schema token changed (or the database has none).
     *
     * @param c a connection to the captured database
     * @param schema the database's schema token now, or null
     * @return the shapes
     * @throws SQLException if the catalog cannot be read
     */
    CaptureCatalog.Shapes shapes(Connection c, Object schema) throws SQLException {
        if (shapes == null || schema == null || !schema.equals(token)) {
            clear();
            shapes = CaptureCatalog.load(c);
            token = schema;
        }
        return shapes;
    }

    /** Forgets everything: the next {@link #shapes} call loads the catalog. */
    void clear() {
        token = null;
        shapes = null;
        logSchemas.clear();
        confirmedSchemas.clear();
        logged.clear();
    }

    /** The log schema of each shape of the current catalog, by identity (the relay fills it). */
    Map<TableShape, TableSchema> logSchemas() {
        return logSchemas;
    }

    /** Per shape of the current catalog, the log's schema version last found to have its columns. */
    Map<TableShape, TableSchema> confirmedSchemas() {
        return confirmedSchemas;
    }

    /** The shapes of the current catalog whose entry the log's columns table holds. */
    Set<TableShape> logged() {
        return logged;
    }
}
