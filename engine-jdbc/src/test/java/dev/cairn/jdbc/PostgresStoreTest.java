package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.spi.ExecutionStore;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store on the PostgreSQL server at 127.0.0.1:5432, database {@code test}. Fails if it cannot be reached.
 * Its tables have a prefix of their own, dropped at the end.
 */
class PostgresStoreTest extends JdbcStoreTestBase {

    private static HikariDataSource pool;
    private static String prefix;

    @BeforeAll
    static void connect() {
        pool = TestDatabases.pool(TestDatabases.POSTGRES_URL, TestDatabases.POSTGRES_USER, "");
        prefix = TestDatabases.randomPrefix();
    }

    @AfterAll
    static void dropAndDisconnect() {
        if (pool != null) {
            TestDatabases.dropTables(pool, prefix);
            pool.close();
        }
    }

    @Override
    protected DataSource dataSource() {
        return pool;
    }

    @Override
    protected ExecutionStore newStore() {
        JdbcExecutionStore s = JdbcExecutionStore.builder(pool).tablePrefix(prefix).build();
        s.initialize();
        TestDatabases.clearTables(pool, prefix);
        return s;
    }
}
