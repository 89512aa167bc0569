package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableFuture;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StepFailedException;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Combinators}: {@code anyOf} records the index of the future that settled first and a replay returns that
 * future's outcome, whatever else has settled since; {@code allOf} returns every value in the order of its futures,
 * suspends until the earliest of those still waiting, and fails with the first failure in that order.
 */
class CombinatorsTest {

    private static final StepConfig NO_RETRY = StepConfig.builder().retryStrategy(RetryStrategies.none()).build();

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private OperationRecord anyOfWinner(String id, int index) {
        return op(id, OperationType.STEP, "AnyOf", "anyOf", OperationStatus.SUCCEEDED, 1, h.json(index), null, null,
                T0, T0);
    }

    // ================================================================ anyOf

    @Test
    void anyOfRecordsTheIndexOfTheFutureThatSettledFirst() {
        RunResult<Object> r = h.run(ctx -> {
            DurableFuture<Void> timeout = ctx.waitAsync("timeout", Duration.ofMinutes(5));
            DurableFuture<String> fast = ctx.stepAsync("fast", String.class, s -> "fast");
            return DurableFuture.anyOf(timeout, fast).get();
        });

        assertEquals("fast", r.value());
        OperationRecord choice = h.operation("3");
        assertEquals(OperationType.STEP, choice.type());
        assertEquals("AnyOf", choice.subType());
        assertEquals("anyOf", choice.name());
        assertEquals(OperationStatus.SUCCEEDED, choice.status());
        assertEquals(1, (int) h.read(choice.result(), Integer.class));
        assertEquals(OperationStatus.STARTED, h.operation("1").status(), "the losing wait is left as it was");
    }

    @Test
    void aReplayedAnyOfReturnsTheRecordedWinnerEvenWhenAnEarlierFutureHasSettledToo() {
        h.seed(h.succeededStep("1", "a", "A"), h.succeededStep("2", "b", "B"), anyOfWinner("3", 1));
        AtomicInteger bodies = new AtomicInteger();

        RunResult<Object> r = h.run(ctx -> {
            DurableFuture<String> a = ctx.stepAsync("a", String.class, s -> "A again " + bodies.incrementAndGet());
            DurableFuture<String> b = ctx.stepAsync("b", String.class, s -> "B again " + bodies.incrementAndGet());
            return DurableFuture.anyOf(a, b).get();
        });

        assertEquals("B", r.value());
        assertEquals(0, bodies.get());
    }

    @Test
    void aRecordedWinnerBeyondTheFuturesTheCodeNowPassesIsNonDeterministic() {
        h.seed(h.succeededStep("1", "a", "A"), h.succeededStep("2", "b", "B"), anyOfWinner("3", 2));

        RunResult<Object> r = h.run(ctx -> DurableFuture.anyOf(ctx.stepAsync("a", String.class, s -> "A"),
                ctx.stepAsync("b", String.class, s -> "B")).get());

        NonDeterministicExecutionException e = r.error(NonDeterministicExecutionException.class);
        assertEquals("3", e.operationId());
        assertTrue(e.getMessage().contains("won by future 2") && e.getMessage().contains("passes 2 futures"),
                e.getMessage());
    }

    @Test
    void anyOfOfFuturesThatAllWaitSuspendsUntilTheEarliestAndRecordsNoWinnerUntilOneIsDue() {
        ReplayHarness.Workflow<String> workflow = ctx -> {
            DurableFuture<Void> slow = ctx.waitAsync("slow", Duration.ofMinutes(10));
            DurableFuture<Void> quick = ctx.waitAsync("quick", Duration.ofMinutes(5));
            DurableFuture.anyOf(slow, quick).get();
            return slow.isDone() ? "slow" : "quick";
        };

        RunResult<String> first = h.run(workflow);
        assertEquals(T0.plus(Duration.ofMinutes(5)), first.wakeAt());
        assertNull(h.operation("3"), "no winner yet");

        h.clock.set(T0.plus(Duration.ofMinutes(5)));
        RunResult<String> second = h.run(workflow);
        assertEquals("quick", second.value());
        assertEquals(1, (int) h.read(h.operation("3").result(), Integer.class));
        assertEquals(OperationStatus.SUCCEEDED, h.operation("2").status());
        assertEquals(OperationStatus.STARTED, h.operation("1").status());
    }

    @Test
    void anyOfOverARunningStepAndAWaitSleepsUntilTheClockReachesTheWaitWithoutLookingMeanwhile() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CompletableFuture<RunResult<String>> run = CompletableFuture.supplyAsync(() -> h.run(ctx -> {
                DurableFuture<String> slow = ctx.stepAsync("slow", String.class, s -> {
                    started.countDown();
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                    return "slow";
                }, NO_RETRY);
                DurableFuture<Void> timeout = ctx.waitAsync("timeout", Duration.ofMinutes(5));
                DurableFuture.anyOf(slow, timeout).get();
                return timeout.isDone() ? "timeout" : "slow";
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));

            // While the step runs and the wait is not due, the run reads the clock no more: it does not poll.
            AtomicInteger seen = new AtomicInteger(-1);
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> seen.getAndSet(h.clockReads.get()) == h.clockReads.get());
            assertFalse(run.isDone());

            h.clock.advance(Duration.ofMinutes(5));
            assertEquals("timeout", run.get(10, TimeUnit.SECONDS).value());
            assertEquals(1, (int) h.read(h.operation("3").result(), Integer.class));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFailedFutureCanWinAnyOfAndItsFailureIsRecordedAsTheWinner() {
        RunResult<Object> r = h.run(ctx -> {
            DurableFuture<String> failing = ctx.stepAsync("call", String.class, s -> {
                throw new IllegalStateException("down");
            }, NO_RETRY);
            DurableFuture<Void> timeout = ctx.waitAsync("timeout", Duration.ofMinutes(5));
            return DurableFuture.anyOf(failing, timeout).get();
        });

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals("call", e.stepName());
        assertEquals("down", e.error().message());
        assertEquals(0, (int) h.read(h.operation("3").result(), Integer.class));
    }

    // ================================================================ allOf

    @Test
    void allOfReturnsTheValuesInTheOrderOfItsFuturesNotTheOrderTheyFinished() {
        CountDownLatch secondDone = new CountDownLatch(1);

        RunResult<List<Object>> r = h.run(ctx -> {
            DurableFuture<String> a = ctx.stepAsync("a", String.class, s -> {
                assertTrue(secondDone.await(10, TimeUnit.SECONDS));
                return "A";
            });
            DurableFuture<String> b = ctx.stepAsync("b", String.class, s -> {
                secondDone.countDown();
                return "B";
            });
            return DurableFuture.allOf(a, b).get();
        });

        assertEquals(List.of("A", "B"), r.value());
        assertEquals(List.of("1", "2"), h.operationIds(), "allOf checkpoints nothing of its own");
    }

    @Test
    void allOfSuspendsUntilTheEarliestOfTheFuturesStillWaiting() {
        ReplayHarness.Workflow<List<Object>> workflow = ctx -> DurableFuture.allOf(
                ctx.waitAsync("slow", Duration.ofMinutes(10)), ctx.waitAsync("quick", Duration.ofMinutes(5))).get();

        assertEquals(T0.plus(Duration.ofMinutes(5)), h.run(workflow).wakeAt());

        h.clock.set(T0.plus(Duration.ofMinutes(5)));
        assertEquals(T0.plus(Duration.ofMinutes(10)), h.run(workflow).wakeAt());

        h.clock.set(T0.plus(Duration.ofMinutes(10)));
        assertEquals(java.util.Arrays.asList(null, null), h.run(workflow).value());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1").status());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("2").status());
    }

    @Test
    void allOfFailsAtOnceWhenAFutureFailedEvenIfAnotherIsStillWaiting() {
        RunResult<List<Object>> r = h.run(ctx -> DurableFuture.allOf(
                ctx.waitAsync("timer", Duration.ofMinutes(10)),
                ctx.stepAsync("call", String.class, s -> {
                    throw new IllegalStateException("down");
                }, NO_RETRY)).get());

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals("call", e.stepName());
        assertTrue(!r.suspended());
    }

    @Test
    void allOfFailsWithTheFirstFailureInTheOrderOfItsFutures() {
        CountDownLatch secondFailed = new CountDownLatch(1);

        RunResult<List<Object>> r = h.run(ctx -> {
            DurableFuture<String> a = ctx.stepAsync("a", String.class, s -> {
                assertTrue(secondFailed.await(10, TimeUnit.SECONDS));
                throw new IllegalStateException("a failed last");
            }, NO_RETRY);
            DurableFuture<String> b = ctx.stepAsync("b", String.class, s -> {
                secondFailed.countDown();
                throw new IllegalStateException("b failed first");
            }, NO_RETRY);
            return DurableFuture.allOf(a, b).get();
        });

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals("a", e.stepName());
        assertEquals("a failed last", e.error().message());
    }
}
