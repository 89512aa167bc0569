package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.spi.ExecutionStore;

/**
 * A database server for one engine test class: a pool, tables under a prefix of the class's own (dropped at the
 * end), and fresh stores on them with the rows cleared.
 */
final class ServerStore implements AutoCloseable {

    private final HikariDataSource pool;
    private final String prefix = TestDatabases.randomPrefix();

    private ServerStore(HikariDataSource pool) {
        this.pool = pool;
    }

    static ServerStore postgres() {
        return new ServerStore(TestDatabases.pool(TestDatabases.POSTGRES_URL, TestDatabases.POSTGRES_USER, ""));
    }

    static ServerStore mariaDb() {
        return new ServerStore(TestDatabases.pool(TestDatabases.MARIADB_URL, TestDatabases.MARIADB_USER, ""));
    }

    /**
     * A store on empty tables. It is marked exclusive: each test runs one engine at a time, so a restarted engine
     * may take over what its predecessor left running without waiting for leases to expire.
     */
    ExecutionStore fresh() {
        JdbcExecutionStore store = JdbcExecutionStore.builder(pool).tablePrefix(prefix).exclusive(true).build();
        store.initialize();
        TestDatabases.clearTables(pool, prefix);
        return store;
    }

    /** The same tables, opened again. */
    ExecutionStore reopen() {
        return JdbcExecutionStore.builder(pool).tablePrefix(prefix).exclusive(true).build();
    }

    @Override
    public void close() {
        TestDatabases.dropTables(pool, prefix);
        pool.close();
    }
}
