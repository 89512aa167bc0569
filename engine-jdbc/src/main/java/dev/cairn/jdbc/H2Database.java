package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The embedded H2 database file behind {@link JdbcExecutionStore#h2}: its URL settings, its connection pool, and
 * the rule that one store at a time in this JVM opens a given directory (H2 itself keeps other processes out).
 */
final class H2Database {

    /** The directories of the H2 stores open in this JVM. */
    private static final Map<Path, Boolean> OPEN_DIRECTORIES = new ConcurrentHashMap<>();

    /** An opened database: its pool, and what closes the pool and releases the directory. */
    record Opened(DataSource pool, AutoCloseable closer) {
    }

    private H2Database() {
    }

    /**
     * Opens the database file {@code cairn.mv.db} in {@code directory} (created if needed) on a pool of its own.
     *
     * @throws StoreException if the directory cannot be created or the database opened, or if another store of
     *         this JVM has it open
     */
    static Opened open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir;
        try {
            Files.createDirectories(directory);
            dir = directory.toRealPath();
        } catch (IOException e) {
            throw new StoreException("could not create the H2 database directory " + directory, e);
        }
        String file = dir.resolve("cairn").toString();
        if (file.contains(";")) {
            throw new IllegalArgumentException("the H2 database directory must not contain ';': " + dir);
        }
        // H2 locks the file against other processes; within this JVM it would share it: refuse that too.
        if (OPEN_DIRECTORIES.putIfAbsent(dir, Boolean.TRUE) != null) {
            throw new StoreException("the H2 database " + file + ".mv.db is already open in this JVM: "
                    + "one store at a time may use it");
        }
        Runnable release = () -> OPEN_DIRECTORIES.remove(dir);
        HikariConfig config = new HikariConfig();
        config.setPoolName("cairn-h2");
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(url(file));
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        // embedded connections do not go stale; retiring the last one would close and reopen the database
        config.setMaxLifetime(0);
        // every use of a connection ends in an explicit commit or rollback; switching auto-commit back on after
        // each transaction would cost H2 another write to the file
        config.setAutoCommit(false);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            release.run();
            throw new StoreException("could not open the H2 database " + file + ".mv.db: " + rootMessage(e), e);
        }
        AutoCloseable closer = () -> {
            try {
                pool.close();
            } finally {
                release.run();
            }
        };
        return new Opened(pool, closer);
    }

    /** The JDBC URL of the embedded H2 database file {@code file} (without its {@code .mv.db} suffix). */
    static String url(String file) {
        // "retry:" reopens the file when an interrupt closed its channel: a thread interrupted while it writes
        // (user code that interrupts itself, a shutdown) must not close the database for everyone.
        return "jdbc:h2:retry:" + file
                // write every commit to the file at commit time, not up to 500 ms later
                + ";WRITE_DELAY=0"
                // no JVM shutdown hook closing the database under the engine's feet; close() closes it
                + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";LOCK_TIMEOUT=10000";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
