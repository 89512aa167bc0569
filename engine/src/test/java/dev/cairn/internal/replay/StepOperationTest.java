package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StepFailedException;
import dev.cairn.StepInterruptedException;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.RetryStrategy;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StepOperation}'s own decisions: how attempts are counted, what a recorded attempt that started but did not
 * finish means under at-most-once semantics, what the retry strategy's decision leads to (a retry in the same run,
 * a suspension until the retry time, or the step's failure), and how a recorded outcome is replayed.
 */
class StepOperationTest {

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static StepConfig retrying(RetryStrategy strategy) {
        return StepConfig.builder().retryStrategy(strategy).build();
    }

    private static StepConfig atMostOnce(RetryStrategy strategy) {
        return StepConfig.builder().retryStrategy(strategy).semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY).build();
    }

    private static OperationRecord step(String name, OperationStatus status, int attempt, ErrorInfo error,
            java.time.Instant scheduledAt) {
        return op("1", OperationType.STEP, null, name, status, attempt, null, error, scheduledAt, T0, null);
    }

    // ================================================================ replay of a recorded outcome

    @Test
    void aRecordedSuccessIsReturnedWithoutRunningTheBody() {
        OperationRecord recorded = op("1", OperationType.STEP, null, "charge", OperationStatus.SUCCEEDED, 2,
                h.json("paid"), null, null, T0, T0);
        h.seed(recorded);
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("charge", String.class, s -> "charged again " + runs.incrementAndGet()));

        assertEquals("paid", r.value());
        assertEquals(0, runs.get());
        assertEquals(recorded, h.operation("1"), "the checkpoint is not written again");
    }

    @Test
    void aRecordedFailureIsRethrownWithItsAttemptsAndErrorWithoutRunningTheBody() {
        ErrorInfo error = ErrorInfo.of(IOException.class.getName(), "connection reset");
        h.seed(op("1", OperationType.STEP, null, "charge", OperationStatus.FAILED, 3, null, error, null, T0, T0));
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("charge", String.class, s -> "charged " + runs.incrementAndGet()));

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals(3, e.attempts());
        assertEquals(error, e.error());
        assertEquals("1", e.operationId());
        assertEquals("step 'charge' (operation 1 of execution exec-1) failed after 3 attempts:"
                + " java.io.IOException: connection reset", e.getMessage());
        assertEquals(0, runs.get());
    }

    // ================================================================ attempts and retry decisions

    @Test
    void attemptsAreCountedFromOneAndARetryWithoutDelayRunsInTheSameRun() {
        List<Integer> bodyAttempts = new CopyOnWriteArrayList<>();
        List<Integer> strategyAttempts = new CopyOnWriteArrayList<>();
        RetryStrategy immediately = (error, attemptsMade) -> {
            strategyAttempts.add(attemptsMade);
            return RetryDecision.retryAfter(Duration.ZERO);
        };

        RunResult<String> r = h.run(ctx -> ctx.step("call", String.class, s -> {
            bodyAttempts.add(s.attempt());
            h.clock.advance(Duration.ofSeconds(1));
            if (s.attempt() < 3) {
                throw new IOException("reset " + s.attempt());
            }
            return "ok on " + s.attempt();
        }, retrying(immediately)));

        assertEquals("ok on 3", r.value());
        assertEquals(List.of(1, 2, 3), bodyAttempts);
        assertEquals(List.of(1, 2), strategyAttempts, "the strategy is told how many attempts were made, failed one included");
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(3, op.attempt());
        assertEquals(T0, op.startedAt(), "a step started when its first attempt did");
        assertEquals(T0.plusSeconds(3), op.endedAt());
        assertNull(op.error());
        assertNull(op.scheduledAt());
    }

    @Test
    void aFailedAttemptWithABackoffIsRecordedRetryPendingAndSuspendsUntilItsRetryTime() {
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("call", String.class, s -> {
            runs.incrementAndGet();
            throw new IOException("reset");
        }, retrying(RetryStrategies.fixedDelay(3, Duration.ofMinutes(5)))));

        assertEquals(T0.plus(Duration.ofMinutes(5)), r.wakeAt());
        assertEquals(1, runs.get(), "the backoff is not slept through");
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.RETRY_PENDING, op.status());
        assertEquals(1, op.attempt());
        assertEquals(T0.plus(Duration.ofMinutes(5)), op.scheduledAt());
        assertEquals(IOException.class.getName(), op.error().type());
        assertEquals("reset", op.error().message());
        assertNull(op.endedAt());
    }

    @Test
    void aPendingRetryThatIsNotDueSuspendsUntilItsScheduledTimeWithoutRunningTheBody() {
        OperationRecord pending = step("call", OperationStatus.RETRY_PENDING, 2, ErrorInfo.of("java.io.IOException",
                "reset"), T0.plus(Duration.ofMinutes(10)));
        h.seed(pending);
        h.clock.set(T0.plus(Duration.ofMinutes(9)));
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("call", String.class, s -> "ok " + runs.incrementAndGet(),
                retrying(RetryStrategies.fixedDelay(5, Duration.ofMinutes(10)))));

        assertEquals(T0.plus(Duration.ofMinutes(10)), r.wakeAt());
        assertEquals(0, runs.get());
        assertEquals(pending, h.operation("1"));
    }

    @Test
    void aPendingRetryIsDueAtItsScheduledTimeAndRunsTheNextAttemptNumber() {
        h.seed(step("call", OperationStatus.RETRY_PENDING, 2, ErrorInfo.of("java.io.IOException", "reset"),
                T0.plus(Duration.ofMinutes(10))));
        h.clock.set(T0.plus(Duration.ofMinutes(10)));
        List<Integer> bodyAttempts = new CopyOnWriteArrayList<>();

        RunResult<String> r = h.run(ctx -> ctx.step("call", String.class, s -> {
            bodyAttempts.add(s.attempt());
            return "ok on " + s.attempt();
        }, retrying(RetryStrategies.fixedDelay(5, Duration.ofMinutes(10)))));

        assertEquals("ok on 3", r.value());
        assertEquals(List.of(3), bodyAttempts);
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(3, op.attempt());
        assertEquals(T0, op.startedAt(), "the first attempt's start is kept");
        assertEquals(T0.plus(Duration.ofMinutes(10)), op.endedAt());
    }

    @Test
    void aRetryStrategyThatThrowsFailsTheStepWithTheStrategysError() {
        AtomicInteger runs = new AtomicInteger();
        RetryStrategy broken = (error, attemptsMade) -> {
            throw new IllegalStateException("strategy broken");
        };

        RunResult<String> r = h.run(ctx -> ctx.step("call", String.class, s -> {
            runs.incrementAndGet();
            throw new IOException("reset");
        }, retrying(broken)));

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals(1, e.attempts());
        assertEquals(IllegalStateException.class.getName(), e.error().type());
        assertEquals("strategy broken", e.error().message());
        assertEquals(1, runs.get());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.FAILED, op.status());
        assertEquals(1, op.attempt());
        assertEquals("strategy broken", op.error().message());
        assertEquals(T0, op.endedAt());
    }

    // ================================================================ at-most-once semantics

    @Test
    void anAtMostOnceAttemptIsDurablyRecordedStartedBeforeItsBodyRuns() {
        AtomicReference<OperationRecord> seenByBody = new AtomicReference<>();

        RunResult<String> r = h.run(ctx -> ctx.step("pay", String.class, s -> {
            seenByBody.set(h.durable("1"));
            return "paid";
        }, atMostOnce(RetryStrategies.none())));

        assertEquals("paid", r.value());
        OperationRecord started = seenByBody.get();
        assertEquals(OperationStatus.STARTED, started.status());
        assertEquals(1, started.attempt());
        assertEquals(T0, started.startedAt());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1").status());
    }

    @Test
    void anAtLeastOnceAttemptWritesNothingBeforeItsBodyRuns() {
        AtomicReference<OperationRecord> seenByBody = new AtomicReference<>();

        RunResult<String> r = h.run(ctx -> ctx.step("pay", String.class, s -> {
            seenByBody.set(h.durable("1"));
            return "paid";
        }, retrying(RetryStrategies.none())));

        assertEquals("paid", r.value());
        assertNull(seenByBody.get());
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1").status());
    }

    @Test
    void anAtMostOnceAttemptFoundStartedCountsAsFailedAndTheRetryIsTheNextAttempt() {
        h.seed(step("pay", OperationStatus.STARTED, 1, null, null));
        h.clock.set(T0.plus(Duration.ofHours(1)));
        List<String> decided = new CopyOnWriteArrayList<>();
        RetryStrategy immediately = (error, attemptsMade) -> {
            decided.add(error.getClass().getSimpleName() + "@" + attemptsMade);
            return RetryDecision.retryAfter(Duration.ZERO);
        };
        List<Integer> bodyAttempts = new CopyOnWriteArrayList<>();
        AtomicReference<OperationRecord> seenByBody = new AtomicReference<>();

        RunResult<String> r = h.run(ctx -> ctx.step("pay", String.class, s -> {
            bodyAttempts.add(s.attempt());
            seenByBody.set(h.durable("1"));
            return "paid on " + s.attempt();
        }, atMostOnce(immediately)));

        assertEquals("paid on 2", r.value());
        assertEquals(List.of("StepInterruptedException@1"), decided);
        assertEquals(List.of(2), bodyAttempts, "the attempt cut short is not run again");
        assertEquals(OperationStatus.STARTED, seenByBody.get().status());
        assertEquals(2, seenByBody.get().attempt(), "the retry is recorded started before its body runs");
        assertEquals(T0, seenByBody.get().startedAt());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(2, op.attempt());
    }

    @Test
    void anAtMostOnceAttemptFoundStartedWithABackoffLeftIsRecordedRetryPendingAndSuspends() {
        h.seed(step("pay", OperationStatus.STARTED, 2, null, null));
        h.clock.set(T0.plus(Duration.ofHours(1)));
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("pay", String.class, s -> "paid " + runs.incrementAndGet(),
                atMostOnce(RetryStrategies.fixedDelay(5, Duration.ofMinutes(1)))));

        assertEquals(T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(1)), r.wakeAt());
        assertEquals(0, runs.get());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.RETRY_PENDING, op.status());
        assertEquals(2, op.attempt());
        assertEquals(T0.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(1)), op.scheduledAt());
        assertEquals(StepInterruptedException.class.getName(), op.error().type());
        assertEquals("attempt 2 of step 'pay' (operation 1 of execution exec-1) started but did not finish before its"
                + " run stopped; at-most-once semantics forbid running it again", op.error().message());
    }

    @Test
    void anAtMostOnceAttemptFoundStartedFailsTheStepWhenNoAttemptIsLeft() {
        h.seed(step("pay", OperationStatus.STARTED, 3, null, null));
        h.clock.set(T0.plus(Duration.ofHours(1)));
        AtomicInteger runs = new AtomicInteger();

        RunResult<String> r = h.run(ctx -> ctx.step("pay", String.class, s -> "paid " + runs.incrementAndGet(),
                atMostOnce(RetryStrategies.fixedDelay(3, Duration.ofMinutes(1)))));

        StepFailedException e = r.error(StepFailedException.class);
        assertEquals(3, e.attempts());
        assertEquals(StepInterruptedException.class.getName(), e.error().type());
        assertEquals(0, runs.get());
        OperationRecord op = h.operation("1");
        assertEquals(OperationStatus.FAILED, op.status());
        assertEquals(3, op.attempt());
        assertEquals(T0, op.startedAt());
        assertEquals(T0.plus(Duration.ofHours(1)), op.endedAt());
    }
}
