package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.orders.OrderWorkflow.Order;
import dev.cairn.ExecutionStatus;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.test.CairnExtension;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import dev.cairn.test.WorkflowReplayer;
import dev.cairn.testing.InMemoryExecutionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded histories replayed against new code: unchanged code passes without side effects, a renamed step fails
 * as the engine would fail the execution, and every document kept under src/test/resources/histories is checked in
 * one test.
 */
class ReplayTest {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.inMemory();

    /** An execution waiting for its approval, 24 hours in. */
    private static String awaitingApproval(TestEngine engine, FakePayments payments) {
        TestResult<?> r = engine.run(new OrderWorkflow(payments), new Order("o-7", 30));
        engine.advance(Duration.ofHours(24));
        assertEquals(ExecutionStatus.SUSPENDED, engine.result(r).status());
        return engine.exportHistory(r.executionId());
    }

    /** An execution that was approved and charged after a failed attempt. */
    private static String completed(TestEngine engine, FakePayments payments) {
        TestResult<?> r = engine.run(new OrderWorkflow(payments), new Order("o-8", 12));
        engine.advance(Duration.ofHours(24));
        engine.completeCallback(r.executionId(), "approval", "approved");
        assertEquals(ExecutionStatus.SUCCEEDED, engine.runUntilComplete(r).status());
        return engine.exportHistory(r.executionId());
    }

    @Test
    void unchangedCodeReplaysWithoutRunningItsSteps(TestEngine engine) {
        String json = completed(engine, new FakePayments(1));
        FakePayments replayed = new FakePayments(0);

        assertDoesNotThrow(() -> WorkflowReplayer.replay(json, new OrderWorkflow(replayed)));

        assertEquals(0, replayed.calls(), "the recorded charge is not made again");
    }

    @Test
    void aRenamedStepFailsWithTheMessageTheEngineFailsTheExecutionWith() {
        InMemoryExecutionStore store = new InMemoryExecutionStore();
        String json;
        String id;
        try (TestEngine v1 = TestEngine.on(store)) {
            json = awaitingApproval(v1, new FakePayments(0));
            id = v1.executionIds().get(0);
        }

        NonDeterministicExecutionException replayed = assertThrows(NonDeterministicExecutionException.class,
                () -> WorkflowReplayer.replay(json, new OrderWorkflowVersions.RenamedReserve()));

        assertTrue(replayed.getMessage().contains("was recorded as STEP 'reserve' but the code now calls STEP"
                + " 'hold stock'"), replayed.getMessage());
        assertEquals(id, replayed.executionId());
        assertEquals("1", replayed.operationId());
        // The same code deployed for real: the execution resumes on it and fails with the same message.
        try (TestEngine v2 = TestEngine.on(store).register(new OrderWorkflowVersions.RenamedReserve())) {
            v2.completeCallback(id, "approval", "approved");
            TestResult<Object> failed = v2.result(id);
            assertEquals(ExecutionStatus.FAILED, failed.status());
            assertEquals(NonDeterministicExecutionException.class.getName(), failed.error().type());
            assertEquals(failed.error().message(), replayed.getMessage());
        }
    }

    @Test
    void workTheRecordDoesNotCoverIsNotDone(TestEngine engine) {
        String json = completed(engine, new FakePayments(0));
        OrderWorkflowVersions.NotifiesAtTheEnd v2 = new OrderWorkflowVersions.NotifiesAtTheEnd(new FakePayments(0));

        assertDoesNotThrow(() -> WorkflowReplayer.replay(json, v2));

        assertEquals(0, v2.notifications.get(), "the new step after the record is not run");
    }

    @Test
    void theExportIsStable(TestEngine engine) {
        String json = awaitingApproval(engine, new FakePayments(0));
        String id = engine.executionIds().get(0);

        assertEquals(json, engine.exportHistory(id));
        assertEquals(json, WorkflowReplayer.exportHistory(engine.store(), id));
        assertTrue(json.contains("\"format\" : \"cairn-history\""), json);
        assertTrue(json.contains("\"name\" : \"reserve\""), json);
    }

    @Test
    void everyKeptHistoryReplaysOnTheCurrentCode() {
        WorkflowReplayer.replayAll("histories", new OrderWorkflow(new FakePayments(0)));
    }

    @Test
    void aKeptHistoryThatNoLongerFitsFailsReplayAllNamingItsFile() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> WorkflowReplayer.replayAll("histories", new OrderWorkflowVersions.RenamedReserve()));

        assertTrue(e.getMessage().contains("order-awaiting-approval.json: "), e.getMessage());
        assertTrue(e.getMessage().contains("recorded as STEP 'reserve'"), e.getMessage());
    }

    @Test
    void replayAllOfAFolderWithoutHistoriesFails(@TempDir Path empty) throws Exception {
        Files.writeString(empty.resolve("notes.txt"), "not a history");

        AssertionError e = assertThrows(AssertionError.class,
                () -> WorkflowReplayer.replayAll(empty, new OrderWorkflow(new FakePayments(0))));

        assertTrue(e.getMessage().contains("nothing was replayed"), e.getMessage());
    }

    /**
     * Writes the history kept in src/test/resources/histories; run it again (and commit the file) only to record a
     * new one: {@code -Dcairn.recordHistories=src/test/resources/histories}.
     */
    @Test
    void recordsTheKeptHistoryWhenAsked(TestEngine engine) throws Exception {
        String target = System.getProperty("cairn.recordHistories");
        if (target == null) {
            return;
        }
        Files.createDirectories(Path.of(target));
        Files.writeString(Path.of(target, "order-awaiting-approval.json"), awaitingApproval(engine, new FakePayments(0)));
    }
}
