package dev.cairn.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Creates and upgrades the schema from the versioned scripts
 * {@code dev/cairn/jdbc/migrations/<dialect>/V<n>__<description>.sql}, and checks its version.
 *
 * <p>The version is the highest row of {@code <prefix>schema_version}; each script inserts its own row as its
 * last statement, so a team that applies the scripts itself (with {@code ${prefix}} replaced) records the
 * version too. Migrations take a lock that serializes them between processes (a server lock, or a lock in this
 * JVM for H2), re-read the version under it, and are written with {@code IF NOT EXISTS} so that a race past the
 * lock still converges.
 */
final class Schema {

    /** A migration script. */
    record Migration(int version, String description) {
        String resource(Dialect dialect) {
            return "/dev/cairn/jdbc/migrations/" + dialect.migrationDirectory() + "/V" + version + "__" + description
                    + ".sql";
        }
    }

    /** Every migration, in order. Add new ones at the end, never change an applied one. */
    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "schema"),
            new Migration(2, "callback_result_type"), new Migration(3, "history_and_listing"),
            new Migration(4, "propagated_context"));

    /** The version this code needs. */
    static final int CURRENT_VERSION = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String prefix;

    Schema(DataSource dataSource, Dialect dialect, String prefix) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.prefix = prefix;
    }

    String versionTable() {
        return prefix + "schema_version";
    }

    /** Applies the missing migrations. */
    void migrate() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            dialect.lockMigrations(c, prefix);
            try {
                int version = readVersion(c);
                checkNotNewer(version);
                for (Migration m : MIGRATIONS) {
                    if (m.version() > version) {
                        apply(c, m);
                    }
                }
                int after = readVersion(c);
                if (after < CURRENT_VERSION) {
                    throw new StoreException("the Cairn schema (tables " + prefix + "*) is at version " + after
                            + " after migrating, expected " + CURRENT_VERSION);
                }
            } finally {
                dialect.unlockMigrations(c, prefix);
            }
        } catch (SQLException e) {
            throw new StoreException("could not migrate the Cairn schema (tables " + prefix + "*) on "
                    + dialect.displayName() + ": " + e.getMessage(), e);
        }
    }

    /** Checks that the schema exists at the version this code needs, without changing anything. */
    void check() {
        int version;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            version = readVersion(c);
        } catch (SQLException e) {
            throw new StoreException("could not read the Cairn schema version from " + versionTable() + ": "
                    + e.getMessage(), e);
        }
        if (version == 0) {
            throw new StoreException("the Cairn schema is missing: table " + versionTable()
                    + " does not exist or is empty. Apply the scripts in dev/cairn/jdbc/migrations/"
                    + dialect.migrationDirectory() + "/ (in the cairn-engine-jdbc jar) with ${prefix} replaced by '"
                    + prefix + "', or build the store with migrate(true)");
        }
        checkNotNewer(version);
        if (version < CURRENT_VERSION) {
            throw new StoreException("the Cairn schema (tables " + prefix + "*) is at version " + version
                    + " but this version of Cairn needs version " + CURRENT_VERSION + ". Apply the scripts V"
                    + (version + 1) + " to V" + CURRENT_VERSION + " in dev/cairn/jdbc/migrations/"
                    + dialect.migrationDirectory() + "/, or build the store with migrate(true)");
        }
    }

    private void checkNotNewer(int version) {
        if (version > CURRENT_VERSION) {
            throw new StoreException("the Cairn schema (tables " + prefix + "*) is at version " + version
                    + ", newer than this version of Cairn knows (" + CURRENT_VERSION + "): upgrade Cairn");
        }
    }

    /** The schema version, or 0 if the version table does not exist yet. Runs in auto-commit mode. */
    private int readVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + versionTable())) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if (dialect.isMissingTable(e)) {
                return 0;
            }
            throw e;
        }
    }

    private void apply(Connection c, Migration m) throws SQLException {
        List<String> statements = statements(load(m));
        boolean tx = dialect.transactionalDdl();
        if (tx) {
            c.setAutoCommit(false);
        }
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    if (sql.startsWith("INSERT INTO " + versionTable()) && dialect.isUniqueViolation(e)) {
                        continue; // another process recorded it at the same moment
                    }
                    throw new SQLException("migration V" + m.version() + " failed on: " + sql + ": "
                            + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                }
            }
            if (tx) {
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            if (tx) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        } finally {
            if (tx) {
                c.setAutoCommit(true);
            }
        }
    }

    private String load(Migration m) {
        String resource = m.resource(dialect);
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new StoreException("migration script " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
        } catch (IOException e) {
            throw new StoreException("could not read migration script " + resource, e);
        }
    }

    /** Splits a script into statements: each ends with a semicolon at the end of a line; -- comments dropped. */
    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\r?\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (current.length() > 0) {
                current.append('\n');
            }
            if (trimmed.endsWith(";")) {
                current.append(line, 0, line.lastIndexOf(';'));
                result.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(line);
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }
}
