package io.github.deltalog.jdbc;

import java.sql.SQLException;
import java.util.Locale;

/** Turns the drivers' SQLExceptions into {@link CaptureException}s that say what happened. */
final class Failures {
    private Failures() {}

    /**
     * Wraps a database failure.
     *
     * @param what what was being done
     * @param e the driver's exception
     * @return the exception to throw
     */
    static CaptureException of(String what, SQLException e) {
        String m = String.valueOf(e.getMessage());
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("database is locked")
                || lower.contains("sqlite_busy")
                || lower.contains("database may be already in use")
                || lower.contains("locked by another process")) {
            return new CaptureException(
                    what + ": the database is locked by another connection or process (" + m + ")", e);
        }
        if (lower.contains("no suitable driver")) {
            return new CaptureException(what + ": no JDBC driver accepts this URL (" + m + ")", e);
        }
        return new CaptureException(what + ": " + m, e);
    }
}
