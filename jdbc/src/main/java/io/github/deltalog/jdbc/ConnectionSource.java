package io.github.deltalog.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the relay gets its database connections: {@code () -> DriverManager.getConnection(url)}, a
 * {@code DataSource::getConnection}, a pool. The relay closes each connection it takes.
 */
@FunctionalInterface
public interface ConnectionSource {
    /**
     * Opens a connection to the captured database.
     *
     * @return a new connection, owned by the caller
     * @throws SQLException if the database cannot be reached
     */
    Connection get() throws SQLException;
}
