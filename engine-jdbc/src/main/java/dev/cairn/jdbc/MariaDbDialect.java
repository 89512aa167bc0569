package dev.cairn.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * MariaDB and MySQL (InnoDB). DDL commits implicitly, so migrations are serialized with a named server lock,
 * which outlives the implicit commits.
 */
final class MariaDbDialect extends Dialect {

    private static final int LOCK_WAIT_SECONDS = 60;

    private final boolean mysql;

    MariaDbDialect(boolean mysql) {
        this.mysql = mysql;
    }

    @Override
    String migrationDirectory() {
        return "mariadb";
    }

    @Override
    String displayName() {
        return mysql ? "MySQL" : "MariaDB";
    }

    @Override
    void lockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lockName(prefix));
            ps.setInt(2, LOCK_WAIT_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new StoreException("could not take the migration lock " + lockName(prefix) + " within "
                            + LOCK_WAIT_SECONDS + " s: another process is migrating the Cairn schema");
                }
            }
        }
    }

    @Override
    void unlockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, lockName(prefix));
            ps.executeQuery().close();
        }
    }

    private static String lockName(String prefix) {
        return "cairn_migrate_" + prefix;
    }
}
