package dev.cairn.jdbc.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The side-effect table that step bodies write to, outside the store's transactions (auto-commit): one row per
 * time a step's body ran, with the node that ran it and the wall-clock time.
 */
public final class SideEffects {

    static final String TABLE_SUFFIX = "side_effects";

    private final DataSource dataSource;
    private final String table;

    public SideEffects(DataSource dataSource, String prefix) {
        this.dataSource = dataSource;
        this.table = prefix + TABLE_SUFFIX;
    }

    /** One run of a step's body. */
    record Effect(String executionId, String step, String node, long atMillis) {
    }

    void createTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (execution_id VARCHAR(64) NOT NULL, step VARCHAR(64) NOT NULL,"
                    + " node VARCHAR(64) NOT NULL, at_ms BIGINT NOT NULL)");
        }
    }

    /** Records that {@code node} ran {@code step} of an execution now, committed before this returns. */
    public void record(String executionId, String step, String node) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                     + " (execution_id, step, node, at_ms) VALUES (?, ?, ?, ?)")) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            ps.setString(1, executionId);
            ps.setString(2, step);
            ps.setString(3, node);
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    List<Effect> all() throws SQLException {
        List<Effect> effects = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT execution_id, step, node, at_ms FROM " + table
                     + " ORDER BY at_ms, execution_id, step")) {
            while (rs.next()) {
                effects.add(new Effect(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return effects;
    }

    int count() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
