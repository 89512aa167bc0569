package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Lease renewal against group commits on an in-memory H2 database, with the lock timeout of the embedded store.
 * The pool keeps a connection open, which keeps the database alive for the test.
 */
class H2LeaseRenewalDeadlockTest extends LeaseRenewalDeadlockTest {

    @Override
    protected HikariDataSource openPool() {
        return TestDatabases.pool("jdbc:h2:mem:" + TestDatabases.randomPrefix() + ";LOCK_TIMEOUT=10000", "sa", "");
    }
}
