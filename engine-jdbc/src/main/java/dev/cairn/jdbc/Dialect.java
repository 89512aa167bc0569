package dev.cairn.jdbc;

import dev.cairn.spi.StoreLimits;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Whether a transaction on a connection in auto-commit mode is begun and ended with statements ({@code START
     * TRANSACTION}, {@code COMMIT}, {@code ROLLBACK}) instead of by switching auto-commit off and on: for a driver
     * that sends each switch to the server as a statement of its own, two round trips fewer per transaction.
     */
    boolean beginsTransactionsWithStatements() {
        return false;
    }

    /**
     * Whether a statement prepared with column names returns, as its generated keys, those columns of the rows it
     * updated, for a batch too ({@code UPDATE ... RETURNING}, in one round trip): then a claim reads no row after
     * updating it.
     */
    boolean returnsUpdatedRows() {
        return false;
    }

    /**
     * Whether a batch of {@code INSERT ... SELECT} statements runs as one batch. If not, the group commit locks
     * the rows of its executions first, with one statement that lists them, and then inserts without a fence.
     */
    boolean batchesInsertSelect() {
        return true;
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

    /**
     * What text this database holds. Called once the schema is in place, on a connection in auto-commit mode.
     */
    abstract StoreLimits limits(Connection connection) throws SQLException;

    /**
     * Whether the database refused a statement for the values it carries (too long, an encoding it cannot store,
     * a constraint), so that running it again would fail again: SQLState classes 22 (data exception) and 23
     * (integrity constraint), and PostgreSQL's 54 (program limit exceeded).
     */
    boolean isRejection(SQLException e) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
                return true;
            }
        }
        return false;
    }

    /** Quoted text in a database's message: a value it echoes, or an identifier. */
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    /** Quoted text that is an identifier (a column, a constraint, an encoding), which a message may keep. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.]{0,63}( [A-Z ]+(\\(\\d+\\))?)?");

    /**
     * The database's message for {@code e}, safe for logs and exception messages: its first line only, without the
     * SQL text a driver appends, with every quoted value replaced by {@code '...'} (identifiers are kept), and at
     * most 200 characters. Databases echo the values they refuse, and a batch error carries every bound value;
     * those are user payloads, which must not reach a log.
     */
    static String safeMessage(SQLException e) {
        SQLException source = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            source = e.getNextException(); // the server's error, without the statement and its values
        }
        String message = source.getMessage() == null ? "" : source.getMessage();
        if (source instanceof BatchUpdateException) {
            message = "a statement of the batch failed";
        }
        int cut = message.indexOf('\n');
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        cut = message.indexOf("; SQL statement:");
        if (cut >= 0) {
            message = message.substring(0, cut);
        }
        Matcher m = QUOTED.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String quoted = m.group();
            String inner = quoted.substring(1, quoted.length() - 1);
            m.appendReplacement(sb, Matcher.quoteReplacement(IDENTIFIER.matcher(inner).matches()
                    ? quoted : quoted.charAt(0) + "..." + quoted.charAt(0)));
        }
        m.appendTail(sb);
        message = sb.toString().strip();
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        String state = source.getSQLState();
        return message + (state == null ? "" : " [SQLState " + state + ", code " + source.getErrorCode() + "]");
    }

    /**
     * A copy of {@code e} that carries {@link #safeMessage} instead of the driver's message, with the same
     * SQLState, vendor code and stack trace: what a {@link StoreException} keeps as its cause.
     */
    static SQLException redacted(SQLException e) {
        SQLException copy = new SQLException(safeMessage(e), e.getSQLState(), e.getErrorCode());
        copy.setStackTrace(e.getStackTrace());
        return copy;
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
