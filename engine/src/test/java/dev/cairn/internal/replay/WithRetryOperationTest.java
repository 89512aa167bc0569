package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.failedChild;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static dev.cairn.internal.replay.ReplayHarness.startedContext;
import static dev.cairn.internal.replay.ReplayHarness.startedWait;
import static dev.cairn.internal.replay.ReplayHarness.succeededWait;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.ChildContextFailedException;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.RetryStrategy;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WithRetryOperation}: each attempt is a child context of its own ({@code attempt n}) and each pause a
 * durable wait ({@code backoff n}); attempts that failed in earlier runs are replayed from their checkpoints and
 * go through the strategy again with their number, so the attempt count carries across runs.
 */
class WithRetryOperationTest {

    private static final String SUB_TYPE = WithRetryOperation.SUB_TYPE;
    private static final ErrorInfo DECLINED_1 = ErrorInfo.of(IllegalStateException.class.getName(), "declined 1");

    private final ReplayHarness h = new ReplayHarness();
    private final AtomicInteger bodies = new AtomicInteger();

    @AfterEach
    void close() {
        h.close();
    }

    /**
     * A block that always fails. Its message numbers the attempt as if attempt 1 were recorded already (as most tests
     * seed it): the first body that runs here fails with "declined 2".
     */
    private RunResult<String> reserve(RetryStrategy strategy) {
        return h.run(ctx -> ctx.withRetry("reserve", String.class, strategy, c -> {
            int n = bodies.incrementAndGet();
            c.step("try", String.class, s -> "tried");
            throw new IllegalStateException("declined " + (n + 1));
        }));
    }

    @Test
    void aFailedAttemptIsRecordedAsAFailedChildFollowedByADurableBackoff() {
        RunResult<String> r = h.run(ctx -> ctx.withRetry("reserve", String.class,
                RetryStrategies.fixedDelay(3, Duration.ofMinutes(1)), c -> {
                    throw new IllegalStateException("declined 1");
                }));

        assertEquals(T0.plus(Duration.ofMinutes(1)), r.wakeAt());
        assertEquals(List.of("1", "1-1", "1-2"), h.operationIds());
        OperationRecord block = h.operation("1");
        assertEquals(SUB_TYPE, block.subType());
        assertEquals(OperationStatus.STARTED, block.status());
        OperationRecord attempt = h.operation("1-1");
        assertEquals(OperationType.CONTEXT, attempt.type());
        assertEquals(ChildContextOperation.SUB_TYPE, attempt.subType());
        assertEquals("attempt 1", attempt.name());
        assertEquals(OperationStatus.FAILED, attempt.status());
        assertEquals("declined 1", attempt.error().message());
        OperationRecord backoff = h.operation("1-2");
        assertEquals(OperationType.WAIT, backoff.type());
        assertEquals("backoff 1", backoff.name());
        assertEquals(T0.plus(Duration.ofMinutes(1)), backoff.scheduledAt());
    }

    @Test
    void attemptsFailedInEarlierRunsAreReplayedAndTheStrategySeesEveryAttemptNumber() {
        h.seed(startedContext("1", SUB_TYPE, "reserve"), failedChild("1-1", "attempt 1", DECLINED_1),
                startedWait("1-2", "backoff 1", T0.plus(Duration.ofMinutes(1))));
        h.clock.set(T0.plus(Duration.ofMinutes(1)));
        List<String> decided = new CopyOnWriteArrayList<>();
        RetryStrategy strategy = (error, attemptsMade) -> {
            decided.add(attemptsMade + ":" + ((ChildContextFailedException) error).error().message());
            return RetryDecision.retryAfter(Duration.ofMinutes(1));
        };

        RunResult<String> r = reserve(strategy);

        assertEquals(T0.plus(Duration.ofMinutes(2)), r.wakeAt());
        assertEquals(List.of("1:declined 1", "2:declined 2"), decided);
        assertEquals(1, bodies.get(), "attempt 1 is not run again");
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1-2").status());
        assertEquals("attempt 2", h.operation("1-3").name());
        assertEquals(OperationStatus.FAILED, h.operation("1-3").status());
        assertEquals("try", h.operation("1-3-1").name(), "attempt 2 runs in a fresh child context");
        assertEquals("backoff 2", h.operation("1-4").name());
        assertEquals(T0.plus(Duration.ofMinutes(2)), h.operation("1-4").scheduledAt());
    }

    @Test
    void aRetryWithoutDelayStillPausesOnAOneMillisecondDurableWait() {
        RunResult<String> r = reserve(RetryStrategies.fixedDelay(3, Duration.ZERO));

        assertEquals(T0.plusMillis(1), r.wakeAt());
        assertEquals(T0.plusMillis(1), h.operation("1-2").scheduledAt());
        assertEquals(1, bodies.get());
    }

    @Test
    void givingUpRecordsTheLastAttemptsErrorAndSaysHowManyAttemptsWereMade() {
        h.seed(startedContext("1", SUB_TYPE, "reserve"), failedChild("1-1", "attempt 1", DECLINED_1),
                succeededWait("1-2", "backoff 1", T0.plus(Duration.ofMinutes(1))));
        h.clock.set(T0.plus(Duration.ofMinutes(5)));

        RunResult<String> r = reserve(RetryStrategies.fixedDelay(2, Duration.ofMinutes(1)));

        ChildContextFailedException e = r.error(ChildContextFailedException.class);
        assertEquals("withRetry 'reserve' (operation 1 of execution exec-1) gave up after 2 attempt(s):"
                + " java.lang.IllegalStateException: declined 2", e.getMessage());
        assertEquals("1", e.operationId());
        assertEquals("declined 2", e.error().message());
        OperationRecord block = h.operation("1");
        assertEquals(OperationStatus.FAILED, block.status());
        assertEquals("declined 2", block.error().message());
        assertEquals(T0.plus(Duration.ofMinutes(5)), block.endedAt());
        assertEquals(T0, block.startedAt());
    }

    @Test
    void aStrategyThatThrowsGivesUpAfterTheAttempt() {
        RunResult<String> r = h.run(ctx -> ctx.withRetry("reserve", String.class, (error, attemptsMade) -> {
            throw new IllegalStateException("strategy broken");
        }, c -> {
            c.step("try", String.class, s -> "tried");
            throw new IllegalStateException("declined 1");
        }));

        ChildContextFailedException e = r.error(ChildContextFailedException.class);
        assertEquals("declined 1", e.error().message(), "the attempt's error is kept, not the strategy's");
        assertEquals(OperationStatus.FAILED, h.operation("1").status());
        assertEquals(List.of("1", "1-1", "1-1-1"), h.operationIds(), "no backoff");
    }

    @Test
    void aFailedBlockIsReplayedThroughItsAttemptsWithoutRunningThemAgain() {
        h.seed(op("1", OperationType.CONTEXT, SUB_TYPE, "reserve", OperationStatus.FAILED, 0, null, DECLINED_1, null,
                T0, T0), failedChild("1-1", "attempt 1", DECLINED_1));

        RunResult<String> r = reserve(RetryStrategies.none());

        ChildContextFailedException e = r.error(ChildContextFailedException.class);
        assertEquals("withRetry 'reserve' (operation 1 of execution exec-1) gave up after 1 attempt(s):"
                + " java.lang.IllegalStateException: declined 1", e.getMessage());
        assertEquals(0, bodies.get());
    }

    @Test
    void aSucceededBlockIsReplayedFromItsRecordWithoutRunningAnyAttempt() {
        h.seed(op("1", OperationType.CONTEXT, SUB_TYPE, "reserve", OperationStatus.SUCCEEDED, 0, h.json("reserved"),
                null, null, T0, T0), failedChild("1-1", "attempt 1", DECLINED_1));

        RunResult<String> r = h.run(ctx -> ctx.withRetry("reserve", String.class, RetryStrategies.none(), c ->
                "reserved again " + bodies.incrementAndGet()) + " replaying=" + ctx.isReplaying());

        assertEquals("reserved replaying=false", r.value());
        assertEquals(0, bodies.get());
    }
}
