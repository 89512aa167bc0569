package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.ExecutionStatus;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default, {@link JdbcExecutionStore#h2(Path)}: an H2 file, a fresh one for each test. */
class H2FileStoreTest extends JdbcStoreTestBase {

    @TempDir
    Path dir;

    @TempDir
    static Path sharedDir;

    private static HikariDataSource shared;

    @BeforeAll
    static void openShared() {
        shared = TestDatabases.pool(JdbcExecutionStore.h2Url(sharedDir.resolve("shared").toString()), "sa", "");
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
        }
    }

    @Override
    protected DataSource dataSource() {
        return shared;
    }

    @Override
    protected ExecutionStore newStore() {
        ExecutionStore s = JdbcExecutionStore.h2(dir.resolve("db"));
        s.initialize();
        return s;
    }

    @Test
    void itIsExclusiveAndKeepsItsFileInTheDirectory() {
        assertTrue(store.isExclusive());
        assertTrue(Files.exists(dir.resolve("db").resolve("cairn.mv.db")));
    }

    @Test
    void whatWasCommittedIsThereAfterReopening() {
        ExecutionStore first = store;
        var e = running("e1");
        commitOne(checkpoint(e, List.of(op("e1", "1", dev.cairn.OperationStatus.SUCCEEDED)), List.of(),
                List.of(callback("cb1", "e1", null)), dev.cairn.spi.Transition.suspend(null, 0), t(1)));
        first.close();

        store = JdbcExecutionStore.h2(dir.resolve("db"));
        store.initialize();
        assertEquals(ExecutionStatus.SUSPENDED, get("e1").status());
        assertEquals(1, store.loadHistory("e1").operations().size());
        assertEquals(1, store.loadHistory("e1").callbacks().size());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        StoreException e = assertThrows(StoreException.class, () -> JdbcExecutionStore.h2(dir.resolve("db")));
        assertTrue(e.getMessage().contains("cairn.mv.db"), e.getMessage());
    }
}
