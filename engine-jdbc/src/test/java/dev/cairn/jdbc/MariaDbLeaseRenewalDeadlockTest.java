package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariDataSource;

/** Lease renewal against group commits on the MariaDB server at 127.0.0.1:3306. */
class MariaDbLeaseRenewalDeadlockTest extends LeaseRenewalDeadlockTest {

    @Override
    protected HikariDataSource openPool() {
        return TestDatabases.pool(TestDatabases.MARIADB_URL, TestDatabases.MARIADB_USER, "");
    }
}
