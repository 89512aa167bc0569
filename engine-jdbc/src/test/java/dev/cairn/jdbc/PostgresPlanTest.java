package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plans PostgreSQL picks for the statements every checkpoint runs, on tables it has no statistics for (new
 * tables, and a database without autovacuum): they must find the execution's row through the primary key, not
 * through an index led by the status, which would read every running execution.
 */
class PostgresPlanTest {

    private HikariDataSource pool;
    private String prefix;
    private ExecutionsTable executions;

    @BeforeEach
    void create() throws Exception {
        pool = TestDatabases.pool(TestDatabases.POSTGRES_URL, TestDatabases.POSTGRES_USER, "");
        prefix = TestDatabases.randomPrefix();
        JdbcExecutionStore.builder(pool).tablePrefix(prefix).build().initialize();
        Dialect dialect;
        try (Connection c = pool.getConnection()) {
            dialect = Dialect.detect(c);
        }
        executions = new ExecutionsTable(new Tx(pool, dialect), dialect, prefix);
        // A few running executions, never analyzed.
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (int i = 0; i < 50; i++) {
                s.executeUpdate("INSERT INTO " + prefix + "executions (id, function_name, status, created_at,"
                        + " updated_at, version, signals, owner, lease_until) VALUES ('e" + i + "', 'fn', 'RUNNING', "
                        + i + ", " + i + ", 1, 0, 'node', 100000)");
            }
        }
    }

    @AfterEach
    void drop() {
        TestDatabases.dropTables(pool, prefix);
        pool.close();
    }

    private String plan(String sql, Object... params) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return plan.toString();
    }

    @Test
    void theFenceOfACheckpointFindsItsRowByPrimaryKey() throws Exception {
        String plan = plan("SELECT 1" + executions.fence(), "e7", 1L);
        assertTrue(plan.contains(prefix + "executions_pkey"), plan);
    }

    @Test
    void aFencedOperationInsertFindsItsRowByPrimaryKey() throws Exception {
        String plan = plan("INSERT INTO " + prefix + "operations (execution_id, operation_id, type, status, attempt)"
                + " SELECT 'e7', '1', 'STEP', 'SUCCEEDED', 1" + executions.fence(), "e7", 1L);
        assertTrue(plan.contains(prefix + "executions_pkey"), plan);
    }
}
