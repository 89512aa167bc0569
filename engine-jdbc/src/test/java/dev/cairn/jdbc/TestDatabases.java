package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/** Connection pools and table housekeeping for the store tests. */
public final class TestDatabases {

    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String POSTGRES_USER = "postgres";
    public static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    public static final String MARIADB_USER = "root";

    private static final List<String> TABLES = List.of("events", "callbacks", "operations", "executions", "schema_version");

    private TestDatabases() {
    }

    /** A small pool; fails at once if the database cannot be reached. */
    public static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cairn-test");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(5_000);
        return new HikariDataSource(config);
    }

    /** A table prefix no other test run uses: {@code t<random hex>_}. */
    public static String randomPrefix() {
        byte[] bytes = new byte[5];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "t" + HexFormat.of().formatHex(bytes) + "_";
    }

    /** Deletes every row of the store's tables, keeping the schema. */
    public static void clearTables(DataSource ds, String prefix) {
        run(ds, List.of("DELETE FROM " + prefix + "events", "DELETE FROM " + prefix + "callbacks",
                "DELETE FROM " + prefix + "operations", "DELETE FROM " + prefix + "executions"), false);
    }

    /** Drops the store's tables and the tests' own {@code extraTables} (suffixes of the prefix), those that exist. */
    public static void dropTables(DataSource ds, String prefix, String... extraTables) {
        List<String> tables = new java.util.ArrayList<>(List.of(extraTables));
        tables.addAll(TABLES);
        run(ds, tables.stream().map(t -> "DROP TABLE IF EXISTS " + prefix + t).toList(), true);
    }

    private static void run(DataSource ds, List<String> statements, boolean tolerant) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    if (!tolerant) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
