package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static dev.cairn.internal.replay.ReplayHarness.startedContext;
import static dev.cairn.internal.replay.ReplayHarness.startedWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayValidator}: a checkpoint of another type, sub-type or name than the operation the code calls at its
 * id fails the run with one message naming the operation and execution, what was recorded and what is called.
 */
class ReplayValidatorTest {

    private static final String ADVICE = ". The code changed under a running execution; its checkpoints no longer"
            + " fit, so it is failed. Keep the old code registered until such executions end, or start new executions.";

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static OperationRecord step(String id, String subType, String name) {
        return op(id, OperationType.STEP, subType, name, OperationStatus.SUCCEEDED, 1, "\"x\"", null, null, T0, T0);
    }

    @Test
    void aCheckpointOfTheSameTypeSubTypeAndNameIsReturned() {
        OperationRecord recorded = step("1", "Now", "now");
        h.seed(recorded);
        ExecutionRun run = h.newRun();

        assertEquals(recorded, ReplayValidator.validate(run, "1", OperationType.STEP, "Now", "now"));
        assertNull(ReplayValidator.validate(run, "2", OperationType.STEP, null, "next"), "no checkpoint yet");
        assertNull(run.nonDeterminism);
    }

    @Test
    void aTypeMismatchNamesTheOperationTheExecutionAndBothTypes() {
        h.seed(step("1", null, "reserve"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException e = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "1", OperationType.WAIT, null, "reserve"));

        assertEquals("operation 1 of execution exec-1 was recorded as STEP 'reserve' but the code now calls"
                + " WAIT 'reserve'" + ADVICE, e.getMessage());
        assertEquals("1", e.operationId());
        assertEquals("exec-1", e.executionId());
    }

    @Test
    void aNameMismatchNamesBothNames() {
        h.seed(step("1", null, "reserve"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException e = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "1", OperationType.STEP, null, "reserve-v2"));

        assertEquals("operation 1 of execution exec-1 was recorded as STEP 'reserve' but the code now calls"
                + " STEP 'reserve-v2'" + ADVICE, e.getMessage());
    }

    @Test
    void aSubTypeMismatchNamesBothSubTypes() {
        h.seed(startedContext("3", ChildContextOperation.SUB_TYPE, "quote"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException e = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "3", OperationType.CONTEXT, WithRetryOperation.SUB_TYPE, "quote"));

        assertTrue(e.getMessage().startsWith("operation 3 of execution exec-1 was recorded as"
                + " CONTEXT/RunInChildContext 'quote' but the code now calls CONTEXT/WithRetry 'quote'. "),
                e.getMessage());
    }

    @Test
    void aRecordedSubTypeAgainstACallWithoutOneIsAMismatch() {
        h.seed(step("1", "Now", "now"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException e = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "1", OperationType.STEP, null, "now"));

        assertTrue(e.getMessage().startsWith("operation 1 of execution exec-1 was recorded as STEP/Now 'now' but the"
                + " code now calls STEP 'now'. "), e.getMessage());
    }

    @Test
    void theFirstMismatchIsKeptOnTheRunSoThatCatchingItHidesNothing() {
        h.seed(step("1", null, "a"), step("2", null, "b"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException first = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "1", OperationType.STEP, null, "x"));
        assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "2", OperationType.STEP, null, "y"));

        assertSame(first, run.nonDeterminism);
    }

    @Test
    void anOperationCalledWhereAnotherIsRecordedFailsBeforeItRunsOrWritesAnything() {
        OperationRecord recorded = startedWait("1", "w", T0.plus(Duration.ofHours(1)));
        h.seed(recorded);
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("w", String.class, s -> "ran " + runs.incrementAndGet()));

        NonDeterministicExecutionException e = r.error(NonDeterministicExecutionException.class);
        assertTrue(e.getMessage().startsWith("operation 1 of execution exec-1 was recorded as WAIT 'w' but the code"
                + " now calls STEP 'w'. "), e.getMessage());
        assertEquals(0, runs.get());
        assertEquals(recorded, h.operation("1"));
        assertEquals(1, h.operations().size());
    }

    @Test
    void aMismatchInsideAChildContextNamesTheNestedOperationId() {
        h.seed(startedContext("1", ChildContextOperation.SUB_TYPE, "child"), step("1-2", null, "b"));

        RunResult<String> r = h.run(ctx -> ctx.runInChildContext("child", String.class, c -> {
            c.step("a", String.class, s -> "a");
            return c.step("b-renamed", String.class, s -> "b");
        }));

        NonDeterministicExecutionException e = r.error(NonDeterministicExecutionException.class);
        assertEquals("1-2", e.operationId());
        assertTrue(e.getMessage().startsWith("operation 1-2 of execution exec-1 was recorded as STEP 'b' but the code"
                + " now calls STEP 'b-renamed'. "), e.getMessage());
    }

    @Test
    void anUnnamedOperationWhereANamedOneWasRecordedIsNamedSoInTheMessage() {
        h.seed(step("1", null, "charge"));
        ExecutionRun run = h.newRun();

        NonDeterministicExecutionException e = assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(run, "1", OperationType.STEP, null, null));
        assertTrue(e.getMessage().startsWith("operation 1 of execution exec-1 was recorded as STEP 'charge' but the"
                + " code now calls STEP (unnamed)."), e.getMessage());
    }

    @Test
    void anUnnamedOperationReplaysAnUnnamedCheckpointOfItsType() {
        h.seed(step("1", null, null));
        ExecutionRun run = h.newRun();

        assertEquals(null, ReplayValidator.validate(run, "1", OperationType.STEP, null, null).name());
        assertThrows(NonDeterministicExecutionException.class,
                () -> ReplayValidator.validate(h.newRun(), "1", OperationType.WAIT, null, null));
    }
}
