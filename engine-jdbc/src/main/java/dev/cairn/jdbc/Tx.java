package dev.cairn.jdbc;

import dev.cairn.spi.WriteRejectedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * The store's transactions: each runs on a connection borrowed for it only, commits if its work returns and rolls
 * back if it throws; deadlocks and serialization failures are retried a few times. Failures are thrown as
 * {@link WriteRejectedException} (the database refuses the values) or {@link StoreException}, with redacted
 * messages.
 */
final class Tx {

    private static final int MAX_ATTEMPTS = 5;

    /** The work of one transaction, on its connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final Dialect dialect;

    Tx(DataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    /**
     * Runs {@code work} in a transaction on a connection borrowed for this call, committing if it returns and
     * rolling back if it throws. Deadlocks and serialization failures are retried.
     */
    <T> T inTransaction(String what, Work<T> work) {
        return retrying(what, work, this::runOnce);
    }

    /**
     * Runs {@code work}, which only reads, on a connection borrowed for this call: in auto-commit mode if the
     * connection is in it (each statement its own transaction: no round trip for a commit), else in a transaction
     * that is committed (switching a connection of a pool set up without auto-commit costs more than the commit of a
     * transaction that wrote nothing). Serialization failures are retried as in {@link #inTransaction}.
     */
    <T> T read(String what, Work<T> work) {
        return retrying(what, work, w -> {
            try (Connection c = dataSource.getConnection()) {
                return c.getAutoCommit() ? w.run(c) : commitOrRollback(c, w);
            }
        });
    }

    /**
     * Runs {@code work}, which must be a single statement, in auto-commit mode: the statement is its own
     * transaction, committed as it completes, without a round trip for the commit. Deadlocks are retried as in
     * {@link #inTransaction}.
     */
    <T> T inAutoCommit(String what, Work<T> work) {
        return retrying(what, work, w -> {
            try (Connection c = dataSource.getConnection()) {
                boolean autoCommit = c.getAutoCommit();
                if (!autoCommit) {
                    c.setAutoCommit(true);
                }
                try {
                    return w.run(c);
                } finally {
                    if (!autoCommit) {
                        restoreAutoCommit(c, false);
                    }
                }
            }
        });
    }

    /** One attempt at {@code work}, on a connection it borrows. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(Work<T> work) throws SQLException;
    }

    /** Makes attempts until one succeeds, a failure is not retryable, or {@value #MAX_ATTEMPTS} have failed. */
    private <T> T retrying(String what, Work<T> work, Attempt<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.run(work);
            } catch (SQLException e) {
                if (n < MAX_ATTEMPTS && dialect.isRetryable(e)) {
                    pause(n);
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    private RuntimeException failure(String what, SQLException e) {
        // The driver's message may quote the values the statement carried (user payloads): only a redacted copy
        // of it goes into the exception, and so into any log line.
        String message = what + " failed on " + dialect.displayName() + ": " + Dialect.safeMessage(e);
        if (dialect.isRejection(e)) {
            return new WriteRejectedException(message + "; the database refuses these values, so writing them"
                    + " again would fail again", Dialect.redacted(e));
        }
        return new StoreException(message, Dialect.redacted(e));
    }

    private <T> T runOnce(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit && dialect.beginsTransactionsWithStatements()) {
                return runInExplicitTransaction(c, work);
            }
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                return commitOrRollback(c, work);
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(c, true);
                }
            }
        }
    }

    /** Runs {@code work} on {@code c}, not in auto-commit mode, and commits, or rolls back if it throws. */
    private static <T> T commitOrRollback(Connection c, Work<T> work) throws SQLException {
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }

    /**
     * Runs {@code work} between {@code START TRANSACTION} and {@code COMMIT} on a connection left in auto-commit
     * mode; {@code ROLLBACK} if it throws.
     */
    private static <T> T runInExplicitTransaction(Connection c, Work<T> work) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
            try {
                T result = work.run(c);
                s.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a transaction", e);
        }
    }
}
