package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static dev.cairn.internal.replay.ReplayHarness.startedContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.ChildContextFailedException;
import dev.cairn.DurableFuture;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChildContextOperation}: operation ids inside a child are numbered under the child's id, at any depth, and
 * asynchronous children take theirs when they start; a finished child is replayed from its checkpoint without its
 * body, a started one runs its body again over its own checkpoints; its outcome is checkpointed as one unit.
 */
class ChildContextOperationTest {

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void operationsInsideAChildAreNumberedUnderItsIdAtAnyDepthAndTheParentCountsOn() {
        RunResult<String> r = h.run(ctx -> {
            String a = ctx.step("a", String.class, s -> "a");
            String child = ctx.runInChildContext("outer", String.class, c -> {
                String x = c.step("x", String.class, s -> "x");
                String inner = c.runInChildContext("inner", String.class, g -> g.step("y", String.class, s -> "y"));
                return x + inner + c.step("z", String.class, s -> "z");
            });
            return a + child + ctx.step("b", String.class, s -> "b");
        });

        assertEquals("axyzb", r.value());
        Map<String, OperationRecord> ops = h.operations();
        assertEquals(List.of("1", "2", "2-1", "2-2", "2-2-1", "2-3", "3"), h.operationIds());
        assertEquals("y", ops.get("2-2-1").name());
        assertEquals("2-2", ops.get("2-2-1").parentId());
        assertEquals("2", ops.get("2-2").parentId());
        assertNull(ops.get("2").parentId());
        assertEquals(ChildContextOperation.SUB_TYPE, ops.get("2").subType());
        assertEquals(ChildContextOperation.SUB_TYPE, ops.get("2-2").subType());
        assertEquals(h.json("xyz"), ops.get("2").result());
        assertEquals("b", ops.get("3").name());
    }

    @Test
    void asyncChildrenTakeTheirIdsWhenTheyStartNotWhenTheyFinish() {
        CountDownLatch fastFinished = new CountDownLatch(1);

        RunResult<String> r = h.run(ctx -> {
            DurableFuture<String> slow = ctx.runInChildContextAsync("slow", String.class, c -> {
                assertTrue(fastFinished.await(10, TimeUnit.SECONDS));
                return c.step("s", String.class, s -> "S");
            });
            DurableFuture<String> fast = ctx.runInChildContextAsync("fast", String.class, c -> {
                String f = c.step("f", String.class, s -> "F");
                fastFinished.countDown();
                return f;
            });
            return slow.get() + fast.get() + ctx.step("after", String.class, s -> "!");
        });

        assertEquals("SF!", r.value());
        Map<String, OperationRecord> ops = h.operations();
        assertEquals("slow", ops.get("1").name());
        assertEquals("s", ops.get("1-1").name());
        assertEquals("fast", ops.get("2").name());
        assertEquals("f", ops.get("2-1").name());
        assertEquals("after", ops.get("3").name());
    }

    @Test
    void aFinishedChildIsReplayedWithoutItsBodyAndItsOperationsCountAsReached() {
        h.seed(op("1", OperationType.CONTEXT, ChildContextOperation.SUB_TYPE, "prepare", OperationStatus.SUCCEEDED, 0,
                h.json("ab"), null, null, T0, T0), h.succeededStep("1-1", "a", "a"), h.succeededStep("1-2", "b", "b"));
        AtomicInteger bodies = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> {
            String v = ctx.runInChildContext("prepare", String.class, c -> {
                bodies.incrementAndGet();
                return "again";
            });
            return v + " replaying=" + ctx.isReplaying();
        });

        assertEquals("ab replaying=false", r.value());
        assertEquals(0, bodies.get());
    }

    @Test
    void aStartedChildRunsItsBodyAgainReplayingWhatItsOperationsRecorded() {
        h.seed(startedContext("1", ChildContextOperation.SUB_TYPE, "prepare"), h.succeededStep("1-1", "a", "a"));
        h.clock.set(T0.plus(Duration.ofHours(1)));
        AtomicInteger stepA = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.runInChildContext("prepare", String.class, c ->
                c.step("a", String.class, s -> "a again " + stepA.incrementAndGet()) + c.step("b", String.class, s -> "b")));

        assertEquals("ab", r.value());
        assertEquals(0, stepA.get());
        OperationRecord child = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, child.status());
        assertEquals(h.json("ab"), child.result());
        assertEquals(T0, child.startedAt(), "the child started when its first run did");
        assertEquals(T0.plus(Duration.ofHours(1)), child.endedAt());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1-2").status());
    }

    @Test
    void aChildWhoseResultCannotBeSerializedIsRecordedFailedWithTheSerializationError() {
        RunResult<Object> r = h.run(ctx -> ctx.runInChildContext("opaque", Object.class, c -> new Object()));

        ChildContextFailedException e = r.error(ChildContextFailedException.class);
        assertEquals(SerializationException.class.getName(), e.error().type());
        assertEquals("1", e.operationId());
        assertTrue(e.getMessage().startsWith("child context 'opaque' (operation 1 of execution exec-1) failed: "
                + SerializationException.class.getName()), e.getMessage());
        OperationRecord child = h.operation("1");
        assertEquals(OperationStatus.FAILED, child.status());
        assertEquals(SerializationException.class.getName(), child.error().type());
    }

    @Test
    void aChildWhoseBodySwallowsItsSuspensionStillSuspendsAndStaysStarted() {
        RunResult<String> r = h.run(ctx -> ctx.runInChildContext("sneaky", String.class, c -> {
            try {
                c.wait("w", Duration.ofMinutes(1));
            } catch (Throwable swallowed) {
                // a careless catch-all
            }
            return "swallowed";
        }));

        assertEquals(T0.plus(Duration.ofMinutes(1)), r.wakeAt());
        OperationRecord child = h.operation("1");
        assertEquals(OperationStatus.STARTED, child.status());
        assertNull(child.result());
        assertFalse(h.operations().get("1-1").status().isTerminal());
    }
}
