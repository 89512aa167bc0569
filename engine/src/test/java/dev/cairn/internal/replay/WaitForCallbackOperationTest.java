package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.EXECUTION_ID;
import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.config.CallbackConfig;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WaitForCallbackOperation}: a child context holding the callback ({@code <id>-1}) and the step that hands
 * its id to the submitter ({@code <id>-2}); the submitter runs once across replays, and the context ends with the
 * callback's outcome.
 */
class WaitForCallbackOperationTest {

    private static final CallbackConfig ONE_HOUR = CallbackConfig.builder().timeout(Duration.ofHours(1)).build();

    private final ReplayHarness h = new ReplayHarness();
    private final List<String> submitted = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        h.close();
    }

    private RunResult<String> approval() {
        return h.run(ctx -> ctx.waitForCallback("approval", String.class, (callbackId, step) -> submitted.add(callbackId),
                ONE_HOUR));
    }

    @Test
    void theCallbackAndItsSubmitterAreTheFirstTwoOperationsOfTheChildContext() {
        RunResult<String> r = approval();

        assertEquals(T0.plus(Duration.ofHours(1)), r.wakeAt());
        assertEquals(List.of("1", "1-1", "1-2"), h.operationIds());
        OperationRecord context = h.operation("1");
        assertEquals(OperationType.CONTEXT, context.type());
        assertEquals(WaitForCallbackOperation.SUB_TYPE, context.subType());
        assertEquals(OperationStatus.STARTED, context.status());
        assertEquals(OperationType.CALLBACK, h.operation("1-1").type());
        assertEquals("approval", h.operation("1-1").name());
        OperationRecord submit = h.operation("1-2");
        assertEquals(OperationType.STEP, submit.type());
        assertEquals("submit approval", submit.name());
        assertEquals(OperationStatus.SUCCEEDED, submit.status());
        CallbackRecord callback = h.callbacks().get(0);
        assertEquals("1-1", callback.operationId());
        assertEquals(List.of(callback.id()), submitted);
    }

    @Test
    void theSubmitterRunsOnceAndTheCallbacksResultEndsTheContext() {
        assertTrue(approval().suspended());
        assertTrue(approval().suspended(), "still pending");
        String callbackId = h.callbacks().get(0).id();
        h.clock.set(T0.plus(Duration.ofMinutes(30)));
        h.complete(callbackId, "approved by Ada");

        assertEquals("approved by Ada", approval().value());

        assertEquals(List.of(callbackId), submitted);
        OperationRecord context = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, context.status());
        assertEquals(h.json("approved by Ada"), context.result());
        assertEquals(T0.plus(Duration.ofMinutes(30)), context.endedAt());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1-1").status());
    }

    @Test
    void aCallbackThatTimesOutFailsTheContextWithTheTimeout() {
        approval();
        h.clock.set(T0.plus(Duration.ofHours(1)));

        CallbackTimeoutException e = approval().error(CallbackTimeoutException.class);

        assertEquals(h.callbacks().get(0).id(), e.callbackId());
        OperationRecord context = h.operation("1");
        assertEquals(OperationStatus.FAILED, context.status());
        assertEquals(CallbackTimeoutException.class.getName(), context.error().type());
        assertEquals(e.error().message(), context.error().message());
    }

    @Test
    void aResultThatCannotBeReadAsTheResultTypeFailsTheSameWayOnReplay() {
        ReplayHarness.Workflow<String> workflow = ctx -> {
            try {
                return "read " + ctx.waitForCallback("count", Integer.class, (callbackId, step) -> { }, ONE_HOUR);
            } catch (SerializationException e) {
                return "unreadable result";
            } catch (CallbackFailedException e) {
                return "callback failed";
            }
        };
        assertTrue(h.run(workflow).suspended());
        h.complete(h.callbacks().get(0).id(), "not a number"); // the store takes it; the engine's check is bypassed

        assertEquals("unreadable result", h.run(workflow).value());
        assertEquals(OperationStatus.FAILED, h.operation("1").status());
        assertEquals("unreadable result", h.run(workflow).value(), "the replay of the recorded failure");
    }

    @Test
    void aCallbackFailedByItsCallerWithTheTypeOfASerializationExceptionIsReplayedAsCallbackFailedException() {
        ReplayHarness.Workflow<String> workflow = ctx -> {
            try {
                return "read " + ctx.waitForCallback("count", Integer.class, (callbackId, step) -> { }, ONE_HOUR);
            } catch (SerializationException e) {
                return "unreadable result";
            } catch (CallbackFailedException e) {
                return "callback failed";
            }
        };
        assertTrue(h.run(workflow).suspended());
        h.store.completeCallback(new CallbackCompletion(h.callbacks().get(0).id(), CallbackStatus.FAILED, null,
                ErrorInfo.of(SerializationException.class.getName(), "the caller could not encode it"), h.clock.now()));

        assertEquals("callback failed", h.run(workflow).value());
        assertEquals(OperationStatus.FAILED, h.operation("1").status());
        assertEquals("callback failed", h.run(workflow).value(), "the replay of the recorded failure");
    }

    @Test
    void aFailedContextIsReplayedWithTheIdOfItsCallback() {
        ErrorInfo timedOut = ErrorInfo.of(CallbackTimeoutException.class.getName(), "timed out earlier");
        h.seed(op("1", OperationType.CONTEXT, WaitForCallbackOperation.SUB_TYPE, "approval", OperationStatus.FAILED, 0,
                null, timedOut, null, T0, T0), op("1-1", OperationType.CALLBACK, null, "approval", OperationStatus.FAILED,
                0, null, timedOut, null, T0, T0));
        h.seed(new CallbackRecord("cb-9", EXECUTION_ID, "1-1", CallbackStatus.TIMED_OUT, null, timedOut, T0, null,
                null, T0, T0, null));

        CallbackTimeoutException e = approval().error(CallbackTimeoutException.class);

        assertEquals("cb-9", e.callbackId());
        assertEquals("1", e.operationId());
        assertEquals("timed out earlier", e.getMessage());
        assertEquals(List.of(), submitted);
    }
}
