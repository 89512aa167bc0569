package dev.cairn.jdbc.faults;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.cairn.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;

/**
 * The database servers the fault tests and the soak use, pools on them (direct, or through a {@link TcpProxy}),
 * and what they read from the store's tables directly, without the engine.
 */
final class FaultDatabases {

    /** A database server on the loopback interface; {@code urlFormat} has a {@code %d} for the port. */
    record Server(String name, int port, String urlFormat, String user, String password) {
        /** The URL of the server itself. */
        String url() {
            return url(port);
        }

        /** The URL of the server as reached at another port, such as a proxy's. */
        String url(int viaPort) {
            return urlFormat.formatted(viaPort);
        }
    }

    static final Server POSTGRES =
            new Server("PostgreSQL", 5432, "jdbc:postgresql://127.0.0.1:%d/test", "postgres", "");
    static final Server MARIADB = new Server("MariaDB", 3306, "jdbc:mariadb://127.0.0.1:%d/test", "root", "");

    /** An H2 database {@code name} in an H2 TCP server listening on {@code port}. */
    static Server h2(int port, String name) {
        return new Server("H2 (TCP server)", port, "jdbc:h2:tcp://127.0.0.1:%d/" + name, "sa", "");
    }

    /** The store's tables and the side-effect table, all under one prefix. */

    private FaultDatabases() {
    }

    /** A pool on the server itself, for side effects and for reading outcomes. */
    static HikariDataSource directPool(Server server, String name, int size) {
        HikariConfig config = config(server, server.url(), name, size);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /**
     * A pool that reaches the server through a proxy. Short timeouts, so that a cut fails a borrow within
     * seconds instead of blocking it for the default 30 s, and a dead connection is noticed when it is validated.
     */
    static HikariDataSource proxiedPool(Server server, int proxyPort, String name, int size) {
        HikariConfig config = config(server, server.url(proxyPort), name, size);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        if (server.urlFormat().startsWith("jdbc:h2:")) {
            config.setExceptionOverride(H2_BROKEN_CONNECTIONS);
        }
        return new HikariDataSource(config);
    }

    /**
     * HikariCP evicts a connection whose error has an SQLSTATE of class 08, but H2's client reports a dropped TCP
     * connection as 90067 (connection broken) and then 90121 (database closed): without this, the pool hands the
     * dead connections out again and again after the outage, and the test would measure that, not the engine.
     */
    private static final SQLExceptionOverride H2_BROKEN_CONNECTIONS = new SQLExceptionOverride() {
        @java.lang.Override
        public Override adjudicate(SQLException e) {
            int code = e.getErrorCode();
            return code == ErrorCode.CONNECTION_BROKEN_1 || code == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN
                    ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    };

    private static HikariConfig config(Server server, String url, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(5_000);
        return config;
    }

    /** A table prefix no other run uses: {@code f<random hex>_}. */
    static String randomPrefix() {
        byte[] bytes = new byte[5];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "f" + HexFormat.of().formatHex(bytes) + "_";
    }

    /** Drops the store's and the side-effect tables, those that exist. */
    static void dropTables(DataSource ds, String prefix) {
        TestDatabases.dropTables(ds, prefix, SideEffectLog.TABLE_SUFFIX);
    }

    /** One row of the executions table, as the database has it. */
    record Row(String id, String status, String owner, Long leaseUntil, long version) {
        @Override
        public String toString() {
            return id + " " + status + " owner=" + owner + " leaseUntil=" + leaseUntil + " version=" + version;
        }
    }

    /** Every execution in the store's table, by id. */
    static Map<String, Row> executions(DataSource ds, String prefix) throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, status, owner, lease_until, version FROM " + prefix
                     + "executions ORDER BY id")) {
            while (rs.next()) {
                long lease = rs.getLong(4);
                Long leaseUntil = rs.wasNull() ? null : lease;
                rows.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3), leaseUntil,
                        rs.getLong(5)));
            }
        }
        return rows;
    }

    /** How many steps of each execution have a checkpointed result. */
    static Map<String, Integer> checkpointedStepsByExecution(DataSource ds, String prefix) throws SQLException {
        Map<String, Integer> steps = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT execution_id, COUNT(*) FROM " + prefix
                     + "operations WHERE type = 'STEP' AND status = 'SUCCEEDED' GROUP BY execution_id")) {
            while (rs.next()) {
                steps.put(rs.getString(1), rs.getInt(2));
            }
        }
        return steps;
    }

    /** How many steps have a checkpointed result, over all executions. */
    static int checkpointedSteps(DataSource ds, String prefix) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix
                     + "operations WHERE type = 'STEP' AND status = 'SUCCEEDED'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
