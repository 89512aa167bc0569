package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/** Lease renewal against group commits on the PostgreSQL server at 127.0.0.1:5432. */
class PostgresLeaseRenewalDeadlockTest extends LeaseRenewalDeadlockTest {

    @Override
    protected HikariDataSource openPool() {
        return TestDatabases.pool(TestDatabases.POSTGRES_URL, TestDatabases.POSTGRES_USER, "");
    }
}
