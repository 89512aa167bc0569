package dev.cairn.test;

import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The test engines of {@link CairnExtension#h2()} and {@link CairnExtension#jdbc(DataSource)}. The JDBC store is an
 * optional dependency of the kit: this class is the only one that names it, and {@link #check} says what is missing
 * before it is loaded.
 */
final class JdbcStores {

    private JdbcStores() {
    }

    /**
     * @throws IllegalStateException if the JDBC store (or, for H2, its driver) is not on the class path
     */
    static void check(String what, boolean h2) {
        ClassLoader loader = JdbcStores.class.getClassLoader();
        boolean store = present("dev.cairn.jdbc.JdbcExecutionStore", loader);
        boolean driver = !h2 || present("org.h2.Driver", loader);
        if (!store || !driver) {
            throw new IllegalStateException(what + " needs " + (store ? "" : "dev.cairn:cairn-engine-jdbc")
                    + (store || driver ? "" : " and ") + (driver ? "" : "com.h2database:h2")
                    + " on the test class path; add " + (store && !driver ? "it" : "them")
                    + " to the build with test scope (the test kit does not bring the JDBC store itself)");
        }
    }

    private static boolean present(String type, ClassLoader loader) {
        try {
            Class.forName(type, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A test engine on a fresh H2 file in a temporary directory, deleted when the engine closes. */
    static TestEngine h2() {
        Path dir;
        try {
            dir = Files.createTempDirectory("cairn-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the H2 test database", e);
        }
        JdbcExecutionStore store = JdbcExecutionStore.h2(dir);
        return TestEngine.owning(store, () -> {
            try {
                store.close();
            } finally {
                delete(dir);
            }
        });
    }

    /** A test engine on the tables of {@code dataSource}, migrated if needed; the data source stays open. */
    static TestEngine on(DataSource dataSource) {
        JdbcExecutionStore store = JdbcExecutionStore.create(dataSource);
        return TestEngine.owning(store, store::close);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary directory left behind is no failure of the test.
        }
    }
}
