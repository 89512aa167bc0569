package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.startedWait;
import static dev.cairn.internal.replay.ReplayHarness.succeededWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.DurableFuture;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WaitOperation}: a new wait is recorded with its due time and suspends until then; a recorded wait is due
 * by its recorded time (not by the duration the code passes now), at that instant exactly, and is marked SUCCEEDED
 * by the run that finds it due.
 */
class WaitOperationTest {

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aNewWaitIsRecordedStartedWithItsDueTimeAndSuspendsUntilThen() {
        AtomicInteger after = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> {
            ctx.wait("cooling-off", Duration.ofHours(2));
            after.incrementAndGet();
            return "done";
        });

        assertEquals(T0.plus(Duration.ofHours(2)), r.wakeAt());
        assertEquals(0, after.get());
        OperationRecord op = h.operation("1");
        assertEquals(OperationType.WAIT, op.type());
        assertEquals("cooling-off", op.name());
        assertEquals(OperationStatus.STARTED, op.status());
        assertEquals(T0.plus(Duration.ofHours(2)), op.scheduledAt());
        assertEquals(T0, op.startedAt());
        assertNull(op.endedAt());
    }

    @Test
    void aRecordedWaitNotYetDueSuspendsUntilItsRecordedDueTimeWhateverDurationTheCodePassesNow() {
        OperationRecord recorded = startedWait("1", "cooling-off", T0.plus(Duration.ofHours(2)));
        h.seed(recorded);
        h.clock.set(T0.plus(Duration.ofHours(1)));

        RunResult<String> r = h.run(ctx -> {
            ctx.wait("cooling-off", Duration.ofMinutes(1));
            return "done";
        });

        assertEquals(T0.plus(Duration.ofHours(2)), r.wakeAt());
        assertEquals(recorded, h.operation("1"), "a wait not due writes nothing");
    }

    @Test
    void aRecordedWaitIsDueAtItsDueTimeExactlyAndIsMarkedSucceededThen() {
        h.seed(startedWait("1", "cooling-off", T0.plus(Duration.ofHours(2))));
        h.clock.set(T0.plus(Duration.ofHours(2)));

        RunResult<String> r = h.run(ctx -> {
            ctx.wait("cooling-off", Duration.ofHours(2));
            return ctx.step("after", String.class, s -> "after the wait");
        });

        assertEquals("after the wait", r.value());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(T0.plus(Duration.ofHours(2)), op.scheduledAt());
        assertEquals(T0, op.startedAt());
        assertEquals(T0.plus(Duration.ofHours(2)), op.endedAt());
    }

    @Test
    void aRecordedWaitPastItsDueTimeEndsWhenTheRunReachesIt() {
        h.seed(startedWait("1", "cooling-off", T0.plus(Duration.ofHours(2))));
        h.clock.set(T0.plus(Duration.ofHours(5)));

        RunResult<String> r = h.run(ctx -> {
            ctx.wait("cooling-off", Duration.ofHours(2));
            return "done";
        });

        assertEquals("done", r.value());
        assertEquals(T0.plus(Duration.ofHours(5)), h.operation("1").endedAt());
    }

    @Test
    void aSucceededWaitIsReplayedWithoutBeingWrittenAgain() {
        OperationRecord done = succeededWait("1", "cooling-off", T0.plus(Duration.ofHours(2)));
        h.seed(done);
        h.clock.set(T0.plus(Duration.ofHours(7)));

        RunResult<String> r = h.run(ctx -> {
            ctx.wait("cooling-off", Duration.ofHours(2));
            return "done";
        });

        assertEquals("done", r.value());
        assertEquals(done, h.operation("1"));
    }

    @Test
    void waitAsyncDoesNotSuspendUntilItsResultIsAskedForAndIsDoneOnceDue() {
        List<Boolean> doneBeforeGet = new CopyOnWriteArrayList<>();
        AtomicInteger meanwhile = new AtomicInteger();
        ReplayHarness.Workflow<String> workflow = ctx -> {
            DurableFuture<Void> w = ctx.waitAsync("timer", Duration.ofHours(1));
            doneBeforeGet.add(w.isDone());
            ctx.step("meanwhile", Integer.class, s -> meanwhile.incrementAndGet());
            w.get();
            return "after";
        };

        RunResult<String> first = h.run(workflow);
        assertEquals(T0.plus(Duration.ofHours(1)), first.wakeAt());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("2").status(), "the code went on past waitAsync");

        h.clock.set(T0.plus(Duration.ofHours(1)));
        RunResult<String> second = h.run(workflow);
        assertEquals("after", second.value());
        assertEquals(List.of(false, true), doneBeforeGet);
        assertEquals(1, meanwhile.get());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1").status());
        assertEquals(T0.plus(Duration.ofHours(1)), h.operation("1").endedAt());
    }
}
