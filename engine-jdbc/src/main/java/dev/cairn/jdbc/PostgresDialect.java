package dev.cairn.jdbc;

import dev.cairn.spi.StoreLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** PostgreSQL: transactional DDL, and a session advisory lock to serialize migrations. */
final class PostgresDialect extends Dialect {

    @Override
    String migrationDirectory() {
        return "postgresql";
    }

    @Override
    String displayName() {
        return "PostgreSQL";
    }

    @Override
    boolean returnsUpdatedRows() {
        return true;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    /** A text value is at most 1 GB; PostgreSQL's text cannot hold the NUL character. */
    @Override
    StoreLimits limits(Connection connection) {
        return new StoreLimits((1L << 30) - 1, false);
    }

    @Override
    void lockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, lockKey(prefix));
            ps.executeQuery().close();
        }
    }

    @Override
    void unlockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, lockKey(prefix));
            ps.executeQuery().close();
        }
    }

    private static long lockKey(String prefix) {
        long h = 1125899906842597L;
        for (char c : ("cairn-migrations:" + prefix).toCharArray()) {
            h = 31 * h + c;
        }
        return h;
    }
}
