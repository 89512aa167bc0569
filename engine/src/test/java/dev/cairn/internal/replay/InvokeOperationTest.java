package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.EXECUTION_ID;
import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.InvokeFailedException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.TypeRef;
import dev.cairn.UnknownFunctionException;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Transition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link InvokeOperation}: the child execution's id is the parent's, a slash and the operation id; the operation is
 * recorded before the child is created, the child is created once whatever run finds it missing, and the child's
 * end is turned into the operation's outcome, recorded with the child's status so that a replay reports it as data.
 */
class InvokeOperationTest {

    private static final TypeRef<String> STRING = TypeRef.of(String.class);

    private final ReplayHarness h = new ReplayHarness();

    @BeforeEach
    void registerTheChildFunction() {
        h.register("ship", (order, ctx) -> "shipped " + order);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private static OperationRecord invokeStarted(String id) {
        return op(id, OperationType.INVOKE, "ship", "ship it", OperationStatus.STARTED, 0, null, null, null, T0, null);
    }

    private int executions() {
        return h.store.listExecutions(null, 100).size();
    }

    @Test
    void theChildIdIsTheParentIdASlashAndTheOperationId() {
        assertEquals("order-7/3", InvokeOperation.childId("order-7", "3"));
        assertEquals("order-7/3-2-1", InvokeOperation.childId("order-7", "3-2-1"));
    }

    @Test
    void aFirstInvokeRecordsTheOperationCreatesTheChildOnceAndSuspendsUntilSignalled() {
        RunResult<String> r = h.run(ctx -> {
            ctx.step("prepare", String.class, s -> "ready");
            return ctx.invoke("ship it", "ship", "o-1", STRING);
        });

        assertTrue(r.suspended());
        assertNull(r.wakeAt(), "only the child's end wakes the parent");
        OperationRecord op = h.operation("2");
        assertEquals(OperationType.INVOKE, op.type());
        assertEquals("ship", op.subType());
        assertEquals("ship it", op.name());
        assertEquals(OperationStatus.STARTED, op.status());
        ExecutionRecord child = h.store.findExecution("exec-1/2").orElseThrow();
        assertEquals("exec-1/2", child.name(), "the id is also its unique name, so that creating it is idempotent");
        assertEquals("ship", child.function());
        assertEquals(h.json("o-1"), child.input());
        assertEquals(EXECUTION_ID, child.parentId());
        assertEquals(ExecutionStatus.PENDING, child.status());
        assertEquals(List.of("exec-1/2"), h.dispatched);
    }

    @Test
    void anInvokeInsideAChildContextNamesItsChildByTheNestedOperationId() {
        RunResult<String> r = h.run(ctx -> ctx.runInChildContext("fulfil", String.class, c ->
                c.invoke("ship it", "ship", "o-1", STRING)));

        assertTrue(r.suspended());
        assertTrue(h.store.findExecution("exec-1/1-1").isPresent());
        assertEquals(List.of("exec-1/1-1"), h.dispatched);
    }

    @Test
    void aReplayThatFindsTheOperationStartedButNoChildCreatesTheChild() {
        h.seed(invokeStarted("1"));

        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "ship", "o-1", STRING));

        assertTrue(r.suspended());
        assertEquals(ExecutionStatus.PENDING, h.store.findExecution("exec-1/1").orElseThrow().status());
        assertEquals(List.of("exec-1/1"), h.dispatched);
    }

    @Test
    void aReplayThatFindsTheChildStillRunningCreatesNoSecondChildAndSuspends() {
        h.seed(invokeStarted("1"));
        h.seedExecution("exec-1/1", "ship", EXECUTION_ID, null);

        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "ship", "o-1", STRING));

        assertTrue(r.suspended());
        assertNull(r.wakeAt());
        assertEquals(2, executions());
        assertEquals(List.of(), h.dispatched);
        assertEquals(OperationStatus.STARTED, h.operation("1").status());
    }

    @Test
    void aSucceededChildsOutputIsReturnedAndRecordedAsTheOperationsResult() {
        h.seed(invokeStarted("1"));
        h.seedExecution("exec-1/1", "ship", EXECUTION_ID, Transition.succeed(h.json("shipped o-1")));
        h.clock.set(T0.plus(Duration.ofHours(1)));

        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "ship", "o-1", STRING));

        assertEquals("shipped o-1", r.value());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(h.json("shipped o-1"), op.result());
        assertEquals(T0.plus(Duration.ofHours(1)), op.endedAt());
    }

    @Test
    void aFailedChildIsRecordedWithItsStatusAsResultAndItsErrorMessagePrefixedWithIt() {
        h.seed(invokeStarted("1"));
        h.seedExecution("exec-1/1", "ship", EXECUTION_ID, Transition.end(ExecutionStatus.FAILED,
                ErrorInfo.of(IllegalStateException.class.getName(), "cannot ship")));

        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "ship", "o-1", STRING));

        InvokeFailedException e = r.error(InvokeFailedException.class);
        assertEquals(ExecutionStatus.FAILED, e.childStatus());
        assertEquals("exec-1/1", e.childExecutionId());
        assertEquals("1", e.operationId());
        assertEquals(IllegalStateException.class.getName(), e.error().type());
        assertEquals("[FAILED] cannot ship", e.error().message());
        assertEquals("invoke 'ship it' of function 'ship' (operation 1 of execution exec-1, child execution exec-1/1)"
                + " ended FAILED: java.lang.IllegalStateException: [FAILED] cannot ship", e.getMessage());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.FAILED, op.status());
        assertEquals(h.json("FAILED"), op.result());
        assertEquals("[FAILED] cannot ship", op.error().message());
    }

    @Test
    void aFailedInvokeIsReplayedFromItsRecordWithTheRecordedChildStatus() {
        ErrorInfo timedOut = ErrorInfo.of("dev.cairn.ExecutionTimedOut", "[TIMED_OUT] ran past its timeout");
        h.seed(
                // the child's status recorded as the result: it wins over the message
                op("1", OperationType.INVOKE, "ship", "a", OperationStatus.FAILED, 0, h.json("CANCELLED"), timedOut,
                        null, T0, T0),
                // recorded before the status was: read from the message's prefix
                op("2", OperationType.INVOKE, "ship", "b", OperationStatus.FAILED, 0, null, timedOut, null, T0, T0),
                op("3", OperationType.INVOKE, "ship", "c", OperationStatus.FAILED, 0, null,
                        ErrorInfo.of("dev.cairn.Cancelled", "[CANCELLED] no stock"), null, T0, T0),
                op("4", OperationType.INVOKE, "ship", "d", OperationStatus.FAILED, 0, null,
                        ErrorInfo.of(IllegalStateException.class.getName(), "cannot ship"), null, T0, T0));

        RunResult<List<ExecutionStatus>> r = h.run(ctx -> {
            List<ExecutionStatus> statuses = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                try {
                    ctx.invoke(name, "ship", "o-1", STRING);
                } catch (InvokeFailedException e) {
                    statuses.add(e.childStatus());
                }
            }
            return statuses;
        });

        assertEquals(List.of(ExecutionStatus.CANCELLED, ExecutionStatus.TIMED_OUT, ExecutionStatus.CANCELLED,
                ExecutionStatus.FAILED), r.value());
        assertEquals(1, executions(), "a recorded outcome reads no child");
    }

    @Test
    void aChildOutputThatCannotBeReadAsTheResultTypeFailsTheSameWayOnReplay() {
        h.seed(invokeStarted("1"));
        h.seedExecution("exec-1/1", "ship", EXECUTION_ID, Transition.succeed(h.json("shipped o-1")));
        ReplayHarness.Workflow<String> workflow = ctx -> {
            try {
                return "read " + ctx.invoke("ship it", "ship", "o-1", TypeRef.of(Integer.class));
            } catch (SerializationException e) {
                return "unreadable output";
            } catch (InvokeFailedException e) {
                return "child ended " + e.childStatus();
            }
        };

        assertEquals("unreadable output", h.run(workflow).value());
        assertEquals(OperationStatus.FAILED, h.operation("1").status());
        assertEquals("unreadable output", h.run(workflow).value(), "the replay of the recorded failure");
    }

    @Test
    void anUnreadableChildOutputRecordedWithoutTheChildStatusIsReplayedAsTheSameSerializationException() {
        String message = "the checkpointed result of invoke 'ship it' cannot be read as java.lang.Integer";
        h.seed(op("1", OperationType.INVOKE, "ship", "ship it", OperationStatus.FAILED, 0, null,
                ErrorInfo.of(SerializationException.class.getName(), message), null, T0, T0));

        RunResult<Integer> r = h.run(ctx -> ctx.invoke("ship it", "ship", "o-1", TypeRef.of(Integer.class)));

        assertEquals(message, r.error(SerializationException.class).getMessage());
        assertEquals(1, executions(), "a recorded outcome reads no child");
    }

    @Test
    void invokingAnUnregisteredFunctionFailsBeforeAnythingIsWritten() {
        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "no-such-function", "o-1", STRING));

        UnknownFunctionException e = r.error(UnknownFunctionException.class);
        assertTrue(e.getMessage().contains("no-such-function") && e.getMessage().contains("ship"), e.getMessage());
        assertEquals(List.of(), h.operationIds());
        assertEquals(1, executions());
    }

    @Test
    void aNullInputIsRejectedBeforeAnythingIsWritten() {
        RunResult<String> r = h.run(ctx -> ctx.invoke("ship it", "ship", null, STRING));

        IllegalArgumentException e = r.error(IllegalArgumentException.class);
        assertEquals("the input of invoke 'ship it' of function 'ship' (operation 1 of execution exec-1, child"
                + " execution exec-1/1) must not be null", e.getMessage());
        assertEquals(List.of(), h.operationIds());
        assertEquals(1, executions());
    }
}
