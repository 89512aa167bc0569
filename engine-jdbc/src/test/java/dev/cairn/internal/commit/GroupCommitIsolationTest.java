package dev.cairn.internal.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.jdbc.TestDatabases;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.WriteRejectedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The group commit on every database: one write the database refuses fails alone, and the writes that shared its
 * transaction are committed; the refusal names no value it carried. The writer is queued before it starts, so
 * that every write lands in one batch.
 */
class GroupCommitIsolationTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MARKER = "SECRET-PAYLOAD-7f3a";

    @TempDir
    Path h2Directory;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private CheckpointWriter writer;

    @AfterEach
    void close() throws Exception {
        if (writer != null) {
            writer.stop(5_000);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("H2"), Arguments.of("PostgreSQL"), Arguments.of("MariaDB"));
    }

    private ExecutionStore open(String database) {
        if (database.equals("H2")) {
            JdbcExecutionStore store = JdbcExecutionStore.h2(h2Directory);
            toClose.add(store);
            store.initialize();
            return store;
        }
        HikariDataSource pool = database.equals("PostgreSQL")
                ? TestDatabases.pool(TestDatabases.POSTGRES_URL, TestDatabases.POSTGRES_USER, "")
                : TestDatabases.pool(TestDatabases.MARIADB_URL, TestDatabases.MARIADB_USER, "");
        String prefix = TestDatabases.randomPrefix();
        toClose.add(pool);
        toClose.add(() -> TestDatabases.dropTables(pool, prefix));
        JdbcExecutionStore store = JdbcExecutionStore.builder(pool).tablePrefix(prefix).build();
        store.initialize();
        return store;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStartTheDatabaseRefusesFailsAloneAndTheOthersAreInserted(String database) {
        ExecutionStore store = open(database);
        writer = new CheckpointWriter(store, "test");
        List<CompletableFuture<ExecutionRecord>> valid = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            valid.add(writer.submitStart(start("e" + i, "fn", "\"input " + i + "\"")));
        }
        // A function name longer than its column, which the engine would have refused at registration.
        CompletableFuture<ExecutionRecord> refused = writer.submitStart(start("bad", "f".repeat(300),
                "\"" + MARKER + "\""));
        writer.start();

        for (int i = 0; i < 20; i++) {
            assertEquals("e" + i, valid.get(i).join().id());
            assertEquals(ExecutionStatus.RUNNING, store.findExecution("e" + i).orElseThrow().status());
        }
        WriteRejectedException e = rejection(refused);
        assertNamesNoValue(e);
        assertTrue(store.findExecution("bad").isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCheckpointTheDatabaseRefusesFailsAloneAndTheOthersAreCommitted(String database) {
        ExecutionStore store = open(database);
        List<ExecutionRecord> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runs.add(store.createExecution(start("e" + i, "fn", "1")).record());
        }
        writer = new CheckpointWriter(store, "test");
        List<CompletableFuture<CommitOutcome>> outcomes = new ArrayList<>();
        for (ExecutionRecord run : runs) {
            // Operation ids are at most 255 characters in every dialect: the one of e3 is not.
            String operationId = run.id().equals("e3") ? "9".repeat(300) : "1";
            outcomes.add(writer.submit(run.id(), run.version(), List.of(step(run.id(), operationId,
                    "\"" + MARKER + " of " + run.id() + "\"")), List.of(), List.of(), null, T0));
        }
        writer.start();

        for (int i = 0; i < 10; i++) {
            if (i == 3) {
                assertNamesNoValue(rejection(outcomes.get(i)));
                assertTrue(store.loadHistory("e3").operations().isEmpty());
            } else {
                assertEquals(CommitOutcome.APPLIED, outcomes.get(i).join());
                assertEquals(1, store.loadHistory("e" + i).operations().size());
            }
        }
    }

    private static NewExecution start(String id, String function, String input) {
        return new NewExecution(id, null, function, input, T0, "node", T0.plusSeconds(3600), null);
    }

    private static OperationRecord step(String executionId, String operationId, String result) {
        return new OperationRecord(executionId, operationId, null, OperationType.STEP, null, "step",
                OperationStatus.SUCCEEDED, 1, result, null, null, T0, T0);
    }

    private static WriteRejectedException rejection(CompletableFuture<?> future) {
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, future::join);
        return assertInstanceOf(WriteRejectedException.class, e.getCause());
    }

    /** Neither the message nor anything printed with the exception (its causes) quotes a value written. */
    private static void assertNamesNoValue(WriteRejectedException e) {
        StringWriter printed = new StringWriter();
        e.printStackTrace(new PrintWriter(printed));
        assertFalse(printed.toString().contains(MARKER), printed.toString());
        assertFalse(printed.toString().contains("ffffffffff"), printed.toString());
        assertFalse(printed.toString().contains("9999999999"), printed.toString());
        assertTrue(e.getMessage().contains("SQLState"), e.getMessage());
    }
}
