package dev.cairn.jdbc;

import dev.cairn.spi.StoreLimits;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * H2 2.x. An embedded H2 file is opened by one process at a time, so a lock in this JVM is enough to serialize
 * migrations; the scripts are idempotent for the rare server-mode race.
 */
final class H2Dialect extends Dialect {

    private static final ReentrantLock MIGRATION_LOCK = new ReentrantLock();

    /** H2's code for a row changed concurrently by another transaction (MVStore). */
    private static final int CONCURRENT_UPDATE = 90131;

    @Override
    String migrationDirectory() {
        return "h2";
    }

    @Override
    String displayName() {
        return "H2";
    }

    /** A {@code VARCHAR} without a length holds up to 1,000,000,000 characters, so at least as many bytes. */
    @Override
    StoreLimits limits(Connection connection) {
        return new StoreLimits(1_000_000_000L, true);
    }

    @Override
    void lockMigrations(Connection connection, String prefix) {
        MIGRATION_LOCK.lock();
    }

    @Override
    void unlockMigrations(Connection connection, String prefix) {
        MIGRATION_LOCK.unlock();
    }

    @Override
    boolean isRetryable(SQLException e) {
        if (super.isRetryable(e)) {
            return true;
        }
        for (SQLException x : chain(e)) {
            if (x.getErrorCode() == CONCURRENT_UPDATE) {
                return true;
            }
        }
        return false;
    }
}
