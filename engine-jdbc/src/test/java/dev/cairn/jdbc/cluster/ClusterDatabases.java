package dev.cairn.jdbc.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.jdbc.TestDatabases;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Database servers, pools and table housekeeping for the cluster tests (a copy of what {@code
 * dev.cairn.jdbc.TestDatabases} does, which is package-private there).
 */
final class ClusterDatabases {

    /** A database server the tests connect to. */
    record Server(String name, String url, String user, String password) {
    }

    static final Server POSTGRES = new Server("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    static final Server MARIADB = new Server("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test", "root", "");


    private ClusterDatabases() {
    }

    /** A pool; fails at once if the database cannot be reached. */
    static HikariDataSource pool(Server server, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(server.url());
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(5_000);
        return new HikariDataSource(config);
    }

    /** A table prefix no other test run uses: {@code c<random hex>_}. */
    static String randomPrefix() {
        byte[] bytes = new byte[5];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "c" + HexFormat.of().formatHex(bytes) + "_";
    }

    /** Drops the store's and the side-effect tables, those that exist. */
    static void dropTables(DataSource ds, String prefix) {
        TestDatabases.dropTables(ds, prefix, SideEffects.TABLE_SUFFIX);
    }
}
