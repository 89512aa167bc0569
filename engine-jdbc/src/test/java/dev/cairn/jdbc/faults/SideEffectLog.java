package dev.cairn.jdbc.faults;

import dev.cairn.config.StepSemantics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The table that step bodies write to, on a direct connection (never through the proxy, so that an outage of the
 * store does not hide a run) and outside the store's transactions: one row each time a step's body ran.
 */
public final class SideEffectLog {

    static final String TABLE_SUFFIX = "side_effects";

    private final DataSource dataSource;
    private final String table;

    public SideEffectLog(DataSource dataSource, String prefix) {
        this.dataSource = dataSource;
        this.table = prefix + TABLE_SUFFIX;
    }

    void createTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (execution_id VARCHAR(64) NOT NULL,"
                    + " step VARCHAR(64) NOT NULL, attempt INT NOT NULL, node VARCHAR(64) NOT NULL,"
                    + " semantics VARCHAR(32) NOT NULL, at_ms BIGINT NOT NULL)");
        }
    }

    /** Records that {@code node} ran an attempt of a step of an execution now, committed before this returns. */
    public void record(String executionId, String step, int attempt, String node, StepSemantics semantics)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                     + " (execution_id, step, attempt, node, semantics, at_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            ps.setString(1, executionId);
            ps.setString(2, step);
            ps.setInt(3, attempt);
            ps.setString(4, node);
            ps.setString(5, semantics.name());
            ps.setLong(6, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /** How many times step bodies ran beyond the first time, per (execution, step), by semantics. */
    Map<StepSemantics, Long> reRuns() throws SQLException {
        Map<StepSemantics, Long> reRuns = new EnumMap<>(StepSemantics.class);
        for (StepSemantics s : StepSemantics.values()) {
            reRuns.put(s, 0L);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT semantics, SUM(n - 1) FROM (SELECT semantics, COUNT(*) AS n FROM "
                     + table + " GROUP BY execution_id, step, semantics) runs GROUP BY semantics")) {
            while (rs.next()) {
                reRuns.put(StepSemantics.valueOf(rs.getString(1)), rs.getLong(2));
            }
        }
        return reRuns;
    }

    /** How many times a body ran again for the same attempt of an at-most-once step: never, by its promise. */
    long atMostOnceViolations() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM " + table
                     + " WHERE semantics = '" + StepSemantics.AT_MOST_ONCE_PER_RETRY.name()
                     + "' GROUP BY execution_id, step, attempt) runs")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
