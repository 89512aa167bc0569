package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.EXECUTION_ID;
import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.config.CallbackConfig;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CallbackOperation}: the callback row and its STARTED operation are durable when {@code createCallback}
 * returns; a recorded callback keeps its id on replay; reading the result suspends until the earliest deadline,
 * times the callback out once it has passed, and checkpoints the outcome on the operation.
 */
class CallbackOperationTest {

    private static final String CALLBACK_ID = "cb-1";

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static OperationRecord callbackStarted() {
        return op("1", OperationType.CALLBACK, null, "approve", OperationStatus.STARTED, 0, null, null, null, T0, null);
    }

    private static CallbackRecord callback(CallbackStatus status, String result, ErrorInfo error, Instant timeoutAt) {
        return new CallbackRecord(CALLBACK_ID, EXECUTION_ID, "1", status, result, error, timeoutAt, null, null, T0,
                status == CallbackStatus.PENDING ? null : T0, String.class.getTypeName());
    }

    private RunResult<String> approve() {
        return h.run(ctx -> ctx.createCallback("approve", String.class).result());
    }

    @Test
    void theCallbackRowAndItsOperationAreDurableWhenCreateCallbackReturns() {
        List<CallbackRecord> rows = new ArrayList<>();
        AtomicReference<OperationRecord> operation = new AtomicReference<>();
        AtomicReference<String> id = new AtomicReference<>();

        RunResult<String> r = h.run(ctx -> {
            DurableCallback<String> cb = ctx.createCallback("approve", String.class, CallbackConfig.builder()
                    .timeout(Duration.ofHours(2)).heartbeatTimeout(Duration.ofMinutes(10)).build());
            id.set(cb.id());
            rows.addAll(h.store.loadCallbacks(EXECUTION_ID));
            operation.set(h.durable("1"));
            return cb.result();
        });

        assertEquals(T0.plus(Duration.ofMinutes(10)), r.wakeAt(), "the earlier of the two deadlines");
        assertEquals(1, rows.size());
        CallbackRecord row = rows.get(0);
        assertEquals(id.get(), row.id());
        assertEquals("1", row.operationId());
        assertEquals(CallbackStatus.PENDING, row.status());
        assertEquals(T0.plus(Duration.ofHours(2)), row.timeoutAt());
        assertEquals(Duration.ofMinutes(10), row.heartbeatTimeout());
        assertEquals(T0.plus(Duration.ofMinutes(10)), row.heartbeatDeadline());
        assertEquals(T0, row.createdAt());
        assertEquals(String.class.getTypeName(), row.resultType());
        assertEquals(OperationType.CALLBACK, operation.get().type());
        assertEquals("approve", operation.get().name());
        assertEquals(OperationStatus.STARTED, operation.get().status());
    }

    @Test
    void eachCallbackGetsAnIdOfItsOwn() {
        RunResult<List<String>> r = h.run(ctx -> List.of(ctx.createCallback("a", String.class).id(),
                ctx.createCallback("b", String.class).id()));

        List<String> ids = r.value();
        assertNotEquals(ids.get(0), ids.get(1));
        assertTrue(ids.get(0).length() >= 22, "128 random bits: " + ids.get(0));
    }

    @Test
    void aRecordedCallbackKeepsItsIdOnReplayAndIsNotCreatedAgain() {
        h.seed(callbackStarted());
        h.seed(callback(CallbackStatus.PENDING, null, null, null));

        RunResult<String> r = h.run(ctx -> ctx.createCallback("approve", String.class).id());

        assertEquals(CALLBACK_ID, r.value());
        assertEquals(1, h.callbacks().size());
    }

    @Test
    void aPendingCallbackWithoutDeadlineSuspendsUntilSignalled() {
        h.seed(callbackStarted());
        h.seed(callback(CallbackStatus.PENDING, null, null, null));

        RunResult<String> r = approve();

        assertTrue(r.suspended());
        assertNull(r.wakeAt());
        assertEquals(OperationStatus.STARTED, h.operation("1").status());
    }

    @Test
    void aCallbackOperationWithoutItsRowIsReportedAsAnInconsistentStore() {
        h.seed(callbackStarted());

        IllegalStateException e = approve().error(IllegalStateException.class);

        assertEquals("callback operation 1 of execution exec-1 has a checkpoint but no callback row; the store is"
                + " inconsistent", e.getMessage());
    }

    @Test
    void aCompletedCallbacksResultIsReturnedAndCheckpointedOnTheOperation() {
        h.seed(callbackStarted());
        h.seed(callback(CallbackStatus.SUCCEEDED, h.json("approved"), null, null));
        h.clock.set(T0.plus(Duration.ofMinutes(3)));

        assertEquals("approved", approve().value());

        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(h.json("approved"), op.result());
        assertEquals(T0.plus(Duration.ofMinutes(3)), op.endedAt());
    }

    @Test
    void aPendingCallbackPastItsDeadlineIsTimedOutWhenItsResultIsRead() {
        h.seed(callbackStarted());
        h.seed(callback(CallbackStatus.PENDING, null, null, T0.plus(Duration.ofMinutes(1))));
        h.clock.set(T0.plus(Duration.ofMinutes(1)));

        CallbackTimeoutException e = approve().error(CallbackTimeoutException.class);

        assertEquals(CALLBACK_ID, e.callbackId());
        assertEquals("callback cb-1 (operation 1 of execution exec-1) timed out: not completed within PT1M",
                e.getMessage());
        assertEquals(CallbackStatus.TIMED_OUT, h.callbacks().get(0).status());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.FAILED, op.status());
        assertEquals(CallbackTimeoutException.class.getName(), op.error().type());
    }

    @Test
    void aCallbackFailedWithAnErrorOfItsOwnTypeSaysWhichCallbackWasFailed() {
        h.seed(callbackStarted());
        h.seed(callback(CallbackStatus.FAILED, null, ErrorInfo.of("com.acme.Rejected", "not today"), null));

        CallbackFailedException e = approve().error(CallbackFailedException.class);

        assertEquals(CallbackFailedException.class, e.getClass());
        assertEquals("callback 'approve' (id cb-1, operation 1 of execution exec-1) was failed: com.acme.Rejected:"
                + " not today", e.getMessage());
        assertEquals("com.acme.Rejected", e.error().type());
        assertEquals("com.acme.Rejected", h.operation("1").error().type());
    }

    @Test
    void theRecordedErrorTypeChoosesTheExceptionACallbackFailureSurfacesAs() {
        ErrorInfo timeout = ErrorInfo.of(CallbackTimeoutException.class.getName(), "timed out");
        ErrorInfo failed = ErrorInfo.of(CallbackFailedException.class.getName(), "submitter failed");
        ErrorInfo other = ErrorInfo.of("com.acme.Rejected", "no");

        CallbackFailedException t = CallbackOperation.callbackError("callback 'x'", "cb", "4", timeout);
        CallbackFailedException f = CallbackOperation.callbackError("callback 'x'", "cb", "4", failed);
        CallbackFailedException o = CallbackOperation.callbackError("callback 'x'", "cb", "4", other);

        assertInstanceOf(CallbackTimeoutException.class, t);
        assertEquals("timed out", t.getMessage());
        assertEquals(CallbackFailedException.class, f.getClass());
        assertEquals("submitter failed", f.getMessage());
        assertEquals(CallbackFailedException.class, o.getClass());
        assertEquals("callback 'x' was failed: com.acme.Rejected: no", o.getMessage());
        assertSame(other, o.error());
        assertEquals("4", o.operationId());
        assertEquals("cb", o.callbackId());
    }
}
