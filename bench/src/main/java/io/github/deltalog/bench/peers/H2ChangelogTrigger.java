package io.github.deltalog.bench.peers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * The H2 peer's row trigger ({@code AFTER INSERT, UPDATE, DELETE ... FOR EACH ROW}): writes each change of its
 * base table to the {@code changelog} table, with the row images as JSON arrays (see {@link PeerValues}) and the
 * transaction's timestamp read from the one-row {@code txclock} table, as the SQLite peer's SQL triggers do.
 * Base tables are {@code (row_id, c0, ..., cn)}; the images are {@code c0..cn}.
 */
public final class H2ChangelogTrigger implements Trigger {
    static final String INSERT = "INSERT INTO changelog (tbl, ts, row_id, op, before_row, after_row)"
            + " SELECT ?, ts, ?, ?, ?, ? FROM txclock WHERE id = 0";

    private String table;

    /** Creates the trigger; H2 calls {@link #init} next. */
    public H2ChangelogTrigger() {}

    @Override
    public void init(
            Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type) {
        this.table = tableName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        Object[] row = newRow != null ? newRow : oldRow;
        String op = oldRow == null ? "I" : newRow == null ? "D" : "U";
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            ps.setString(1, table);
            ps.setObject(2, row[0]);
            ps.setString(3, op);
            ps.setString(4, image(oldRow));
            ps.setString(5, image(newRow));
            ps.executeUpdate();
        }
    }

    private static String image(Object[] row) {
        if (row == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(16 * row.length);
        PeerValues.appendJson(sb, row, 1);
        return sb.toString();
    }
}
