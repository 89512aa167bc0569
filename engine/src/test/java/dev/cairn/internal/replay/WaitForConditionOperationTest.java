package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static dev.cairn.internal.replay.ReplayHarness.startedContext;
import static dev.cairn.internal.replay.ReplayHarness.startedWait;
import static dev.cairn.internal.replay.ReplayHarness.succeededWait;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.ConditionNotMetException;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.config.Jitter;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WaitForConditionOperation}: each poll is a step ({@code check n}) and each pause a wait ({@code delay n})
 * in the condition's own context; the state a poll returned is what the next poll receives, also when the earlier
 * poll is replayed from its checkpoint; a failed condition is replayed through its polls, not from its record.
 */
class WaitForConditionOperationTest {

    private static final String SUB_TYPE = WaitForConditionOperation.SUB_TYPE;

    private final ReplayHarness h = new ReplayHarness();
    private final List<Integer> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        h.close();
    }

    private static WaitForConditionConfig.Builder<Integer> config() {
        return WaitForConditionConfig.builder(0).until(s -> s >= 10).initialDelay(Duration.ofSeconds(10))
                .maxDelay(Duration.ofSeconds(10)).jitter(Jitter.NONE);
    }

    private RunResult<Integer> poll(WaitForConditionConfig<Integer> config) {
        return h.run(ctx -> ctx.waitForCondition("job", Integer.class, (state, step) -> {
            received.add(state);
            return state + 5;
        }, config));
    }

    @Test
    void aPollThatDoesNotMeetTheConditionIsFollowedByADurablePauseInTheConditionsContext() {
        RunResult<Integer> r = poll(config().build());

        assertEquals(T0.plus(Duration.ofSeconds(10)), r.wakeAt());
        assertEquals(List.of(0), received, "the first poll receives the initial state");
        assertEquals(List.of("1", "1-1", "1-2"), h.operationIds());
        OperationRecord condition = h.operation("1");
        assertEquals(OperationType.CONTEXT, condition.type());
        assertEquals(SUB_TYPE, condition.subType());
        assertEquals(OperationStatus.STARTED, condition.status());
        OperationRecord check = h.operation("1-1");
        assertEquals(OperationType.STEP, check.type());
        assertEquals("check 1", check.name());
        assertEquals(h.json(5), check.result());
        OperationRecord delay = h.operation("1-2");
        assertEquals(OperationType.WAIT, delay.type());
        assertEquals("delay 1", delay.name());
        assertEquals(T0.plus(Duration.ofSeconds(10)), delay.scheduledAt());
    }

    @Test
    void eachPollReceivesTheStateThePreviousPollRecordedAcrossReplays() {
        h.seed(startedContext("1", SUB_TYPE, "job"), h.succeededStep("1-1", "check 1", 5),
                startedWait("1-2", "delay 1", T0.plus(Duration.ofSeconds(10))));
        h.clock.set(T0.plus(Duration.ofSeconds(10)));

        RunResult<Integer> r = poll(config().build());

        assertEquals(10, r.value());
        assertEquals(List.of(5), received, "check 1 is replayed; check 2 receives its recorded state");
        assertEquals(OperationStatus.SUCCEEDED, h.operation("1-2").status());
        assertEquals("check 2", h.operation("1-3").name());
        assertEquals(h.json(10), h.operation("1-3").result());
        OperationRecord condition = h.operation("1");
        assertEquals(OperationStatus.SUCCEEDED, condition.status());
        assertEquals(h.json(10), condition.result());
    }

    @Test
    void pausesGrowByTheBackoffRateUpToTheMaxDelay() {
        h.seed(startedContext("1", SUB_TYPE, "job"),
                h.succeededStep("1-1", "check 1", 1), succeededWait("1-2", "delay 1", T0.plusSeconds(1)),
                h.succeededStep("1-3", "check 2", 2), succeededWait("1-4", "delay 2", T0.plusSeconds(3)));
        h.clock.set(T0.plus(Duration.ofMinutes(1)));

        RunResult<Integer> r = h.run(ctx -> ctx.waitForCondition("job", Integer.class, (state, step) -> {
            received.add(state);
            return state + 1;
        }, WaitForConditionConfig.builder(0).until(s -> s >= 10).initialDelay(Duration.ofSeconds(1)).backoffRate(2.0)
                .maxDelay(Duration.ofSeconds(3)).jitter(Jitter.NONE).build()));

        assertEquals(List.of(2), received);
        OperationRecord delay3 = h.operation("1-6");
        assertEquals("delay 3", delay3.name());
        assertEquals(T0.plus(Duration.ofMinutes(1)).plusSeconds(3), delay3.scheduledAt(), "1s * 2^2 capped at 3s");
        assertEquals(delay3.scheduledAt(), r.wakeAt());
    }

    @Test
    void aFailedConditionIsReplayedThroughItsPollsAndFailsAgainWithoutPolling() {
        h.seed(op("1", OperationType.CONTEXT, SUB_TYPE, "job", OperationStatus.FAILED, 0, null,
                ErrorInfo.of(ConditionNotMetException.class.getName(), "recorded"), null, T0, T0),
                h.succeededStep("1-1", "check 1", 5));

        RunResult<Integer> r = poll(config().maxAttempts(1).build());

        ConditionNotMetException e = r.error(ConditionNotMetException.class);
        assertEquals("5", e.lastState());
        assertEquals("1", e.operationId());
        assertEquals("waitForCondition 'job' (operation 1 of execution exec-1) polled 1 times and the condition was"
                + " not met; last state: 5", e.getMessage());
        assertEquals(List.of(), received);
        assertEquals(OperationStatus.FAILED, h.operation("1").status());
    }

    @Test
    void aSucceededConditionIsReplayedFromItsRecordWithoutPolling() {
        h.seed(op("1", OperationType.CONTEXT, SUB_TYPE, "job", OperationStatus.SUCCEEDED, 0, h.json(42), null, null,
                T0, T0), h.succeededStep("1-1", "check 1", 42));

        RunResult<String> r = h.run(ctx -> ctx.waitForCondition("job", Integer.class, (state, step) -> {
            received.add(state);
            return state;
        }, config().build()) + " replaying=" + ctx.isReplaying());

        assertEquals("42 replaying=false", r.value());
        assertEquals(List.of(), received);
    }
}
