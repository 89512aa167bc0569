package dev.cairn.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few things that differ between the databases the JDBC store supports. Everything else is portable SQL.
 * The column types differ too, but they live in the migration scripts, one directory per dialect.
 */
abstract class Dialect {

    /** The directory of this dialect's migration scripts under {@code dev/cairn/jdbc/migrations/}. */
    abstract String migrationDirectory();

    /** A human-readable name for messages. */
    abstract String displayName();

    /** Appends the row limit to a query that ends with its ORDER BY; the limit is the query's last parameter. */
    String limit(String sql) {
        return sql + " LIMIT ?";
    }

    /** Whether DDL statements take part in transactions (and a failed migration rolls back whole). */
    boolean transactionalDdl() {
        return false;
    }

    /**
     * Takes a lock that serializes schema migrations between processes, held by {@code connection} until
     * {@link #unlockMigrations}. The connection is in auto-commit mode.
     */
    abstract void lockMigrations(Connection connection, String prefix) throws SQLException;

    /** Releases the lock taken by {@link #lockMigrations}. */
    abstract void unlockMigrations(Connection connection, String prefix) throws SQLException;

    /** Whether the transaction failed on a deadlock or a serialization conflict and may simply be run again. */
    boolean isRetryable(SQLException e) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState();
            if (state != null && state.startsWith("40")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the statement violated a unique or primary key constraint. */
    boolean isUniqueViolation(SQLException e) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState();
            if (state != null && state.startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the statement failed because a table does not exist. */
    boolean isMissingTable(SQLException e) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState();
            if (state != null && (state.equals("42S02") || state.equals("42P01") || state.equals("42S04"))) {
                return true;
            }
        }
        return false;
    }

    /** The exception, its next exceptions (batches) and its SQL causes. */
    static Iterable<SQLException> chain(SQLException e) {
        java.util.List<SQLException> list = new java.util.ArrayList<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<SQLException> todo = new java.util.ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty() && list.size() < 20) {
            SQLException x = todo.poll();
            if (!seen.add(x)) {
                continue;
            }
            list.add(x);
            if (x.getNextException() != null) {
                todo.add(x.getNextException());
            }
            if (x.getCause() instanceof SQLException cause) {
                todo.add(cause);
            }
        }
        return list;
    }

    /** The dialect of the database behind {@code connection}, from its metadata. */
    static Dialect detect(Connection connection) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String product = md.getDatabaseProductName();
        String lower = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (lower.equals("h2")) {
            return new H2Dialect();
        }
        if (lower.contains("postgres")) {
            return new PostgresDialect();
        }
        if (lower.contains("mariadb") || lower.contains("mysql")) {
            return new MariaDbDialect(lower.contains("mysql") && !lower.contains("mariadb"));
        }
        throw new StoreException("unsupported database " + product + " " + md.getDatabaseProductVersion()
                + ": Cairn's JDBC store supports H2 2.x, PostgreSQL, MariaDB and MySQL");
    }
}
