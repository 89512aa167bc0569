package dev.cairn.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The database the benchmark's executions workload runs on: {@code --store h2|postgres|mariadb}, with
 * {@code --url}, {@code --user} and {@code --password}. Without {@code --url}, H2 is a file database in the
 * benchmark's data directory (deleted first, so it starts empty), PostgreSQL is
 * {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres}, and MariaDB
 * {@code jdbc:mariadb://127.0.0.1:3306/test} as {@code root} with an empty password.
 *
 * @param store    {@code h2}, {@code postgres} or {@code mariadb}
 * @param url      the JDBC URL
 * @param user     the user name
 * @param password the password
 */
record BenchDatabase(String store, String url, String user, String password) {

    /** The values {@code --store} takes. */
    static final List<String> STORES = List.of("h2", "postgres", "mariadb");

    /** The prefix of Cairn's tables. */
    static final String PREFIX = JdbcExecutionStore.DEFAULT_TABLE_PREFIX;

    /**
     * The database the options name.
     *
     * @param h2Directory where the H2 file goes when {@code --store h2} has no {@code --url}
     * @throws SampleArgs.UsageException for an unknown store, or a URL of another kind of database
     */
    static BenchDatabase of(SampleArgs args, Path h2Directory) {
        String store = args.choice("store", "h2", STORES);
        String url;
        String user;
        String password;
        switch (store) {
            case "postgres" -> {
                url = args.string("url", "jdbc:postgresql://127.0.0.1:5432/test");
                user = args.string("user", "postgres");
                password = args.string("password", "");
            }
            case "mariadb" -> {
                url = args.string("url", "jdbc:mariadb://127.0.0.1:3306/test");
                user = args.string("user", "root");
                password = args.string("password", "");
            }
            default -> {
                url = args.string("url", h2FileUrl(h2Directory.resolve("cairn")));
                user = args.string("user", "sa");
                password = args.string("password", "");
            }
        }
        String scheme = switch (store) {
            case "postgres" -> "jdbc:postgresql:";
            case "mariadb" -> "jdbc:mariadb:";
            default -> "jdbc:h2:";
        };
        if (!url.startsWith(scheme)) {
            throw new SampleArgs.UsageException("--store " + store + " needs a URL starting with " + scheme + ", was '"
                    + url + "'");
        }
        return new BenchDatabase(store, url, user, password);
    }

    /**
     * The URL {@link JdbcExecutionStore#h2(Path)} opens for the file {@code file} (without {@code .mv.db}): every
     * commit written at once, no shutdown hook closing the database.
     */
    static String h2FileUrl(Path file) {
        return "jdbc:h2:retry:" + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    }

    boolean isH2() {
        return store.equals("h2");
    }

    /**
     * A HikariCP pool of {@code size} connections, all opened at once. For H2 it is set up as
     * {@link JdbcExecutionStore#h2(Path)} sets up its own (no auto-commit, connections never retired).
     */
    HikariDataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        if (isH2()) {
            config.setMaxLifetime(0);
            config.setAutoCommit(false);
        }
        return new HikariDataSource(config);
    }

    /** A store on {@code pool}; exclusive on H2, as {@link JdbcExecutionStore#h2(Path)} is. */
    JdbcExecutionStore store(DataSource pool) {
        return JdbcExecutionStore.builder(pool).exclusive(isH2()).build();
    }

    /** A connection of its own, not pooled, in manual-commit mode. */
    Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, user, password);
        c.setAutoCommit(false);
        return c;
    }

    /** Cairn's tables ({@code cairn_*}) but the schema version, as the database names them. */
    List<String> cairnTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.startsWith(PREFIX) && !lower.equals(PREFIX + "schema_version")) {
                    tables.add(name);
                }
            }
        }
        return tables;
    }

    /**
     * Empties Cairn's tables (all {@code cairn_*} tables but {@code cairn_schema_version}) with TRUNCATE, so that
     * a run starts from empty tables. Nothing may be running on them.
     *
     * @return the tables emptied
     */
    List<String> cleanCairnTables(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            List<String> tables = cairnTables(c);
            truncate(c, tables);
            return tables;
        }
    }

    /** TRUNCATE TABLE each of {@code tables}, committed. */
    static void truncate(Connection c, List<String> tables) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            for (String table : tables) {
                s.execute("TRUNCATE TABLE " + table);
            }
            if (!autoCommit) {
                c.commit();
            }
        }
    }

    /** The first column of the first row of {@code sql}, a count. */
    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long n = rs.getLong(1);
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        }
    }

    /** The kind of database and its URL, for the report (never the password). */
    String describe() {
        return store + " " + url + " as " + user;
    }
}
