package dev.cairn.jdbc;

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
    boolean transactionalDdl() {
        return true;
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
