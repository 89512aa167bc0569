package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.orders.OrderWorkflow.Order;
import com.example.orders.OrderWorkflow.Receipt;
import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryEventType;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.Jitter;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.test.ExecutionBlockedException;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time skipping through every kind of timer, and callbacks completed, failed, timed out and heartbeated by name,
 * as a team would test its workflows; run on each store by a subclass that registers the extension.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TimersAndCallbacksSpec {

    static final StepConfig NO_RETRY = StepConfig.builder().retryStrategy(RetryStrategies.none()).build();

    // ------------------------------------------------------------------------------------------ time skipping

    static class DailyReport implements DurableFunction<String, String> {
        @Override
        public String handle(String who, DurableContext ctx) {
            ctx.wait("a day", Duration.ofDays(1));
            return ctx.step("report", String.class, step -> "report for " + who);
        }
    }

    @Test
    void runStopsAtAWaitAndRunUntilCompleteSkipsIt(TestEngine engine) {
        Instant start = engine.clock().now();

        TestResult<String> waiting = engine.run(new DailyReport(), "ada");

        assertEquals(ExecutionStatus.SUSPENDED, waiting.status());
        assertEquals(OperationStatus.STARTED, waiting.operation("a day").status());
        assertEquals(start, engine.clock().now(), "run() does not move the clock");

        TestResult<String> done = engine.runUntilComplete(waiting);

        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
        assertEquals("report for ada", done.result());
        assertEquals(start.plus(Duration.ofDays(1)), engine.clock().now());
        assertEquals(OperationType.WAIT, done.operation("a day").type());
        assertEquals(OperationStatus.SUCCEEDED, done.operation("a day").status());
    }

    @Test
    void advanceRunsWhatBecameDueAndNothingElse(TestEngine engine) {
        TestResult<String> r = engine.run(new DailyReport(), "bob");

        engine.advance(Duration.ofHours(23));
        assertEquals(ExecutionStatus.SUSPENDED, engine.result(r).status());

        engine.advance(Duration.ofHours(1));
        assertEquals("report for bob", engine.result(r).result());
    }

    static class FlakyStep implements DurableFunction<String, String> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String handle(String input, DurableContext ctx) {
            return ctx.step("flaky", String.class, step -> {
                if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet");
                }
                return "ok after " + step.attempt();
            }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(5, Duration.ofHours(1))).build());
        }
    }

    @Test
    void retryBackoffsAreSkipped(TestEngine engine) {
        Instant start = engine.clock().now();
        FlakyStep fn = new FlakyStep();

        TestResult<String> r = engine.runUntilComplete(fn, "x");

        assertEquals("ok after 3", r.result());
        assertEquals(3, r.operation("flaky").attempts());
        assertEquals(3, fn.calls.get());
        assertEquals(start.plus(Duration.ofHours(2)), engine.clock().now(), "two backoffs of an hour");
        List<HistoryEvent> failures = r.history(HistoryEventType.STEP_FAILED);
        assertEquals(List.of(1, 2), failures.stream().map(HistoryEvent::attempt).toList(), "each failed attempt");
        assertEquals(List.of(start.plus(Duration.ofHours(1)), start.plus(Duration.ofHours(2))),
                failures.stream().map(HistoryEvent::scheduledAt).toList(), "when each retry was due");
        assertEquals("\"ok after 3\"", r.history(HistoryEventType.STEP_SUCCEEDED).get(0).payload());
    }

    static class PollJob implements DurableFunction<String, Integer> {
        @Override
        public Integer handle(String job, DurableContext ctx) {
            return ctx.waitForCondition("job done", Integer.class, (polls, step) -> polls + 1,
                    WaitForConditionConfig.builder(0).until(polls -> polls >= 4)
                            .initialDelay(Duration.ofMinutes(5)).backoffRate(1.0).jitter(Jitter.NONE).build());
        }
    }

    @Test
    void waitForConditionPausesAreSkipped(TestEngine engine) {
        Instant start = engine.clock().now();

        TestResult<Integer> r = engine.runUntilComplete(new PollJob(), "job-1");

        assertEquals(4, r.result());
        assertEquals(start.plus(Duration.ofMinutes(15)), engine.clock().now(), "three pauses of 5 minutes");
    }

    static class Approval implements DurableFunction<String, String> {
        private final CallbackConfig config;

        Approval(CallbackConfig config) {
            this.config = config;
        }

        @Override
        public String handle(String request, DurableContext ctx) {
            DurableCallback<String> cb = ctx.createCallback("approval", String.class, config);
            try {
                return "answer: " + cb.result();
            } catch (CallbackTimeoutException e) {
                return "timed out: " + e.getMessage();
            } catch (CallbackFailedException e) {
                return "failed: " + e.error().type() + ": " + e.error().message();
            }
        }
    }

    static Approval withTimeout(Duration timeout) {
        return new Approval(CallbackConfig.builder().timeout(timeout).build());
    }

    static Approval withHeartbeat(Duration heartbeat) {
        return new Approval(CallbackConfig.builder().heartbeatTimeout(heartbeat).build());
    }

    @Test
    void callbackTimeoutsAreSkipped(TestEngine engine) {
        Instant start = engine.clock().now();

        TestResult<String> r = engine.runUntilComplete(withTimeout(Duration.ofDays(2)), "req-1");

        assertTrue(r.result().startsWith("timed out: "), r.result());
        assertTrue(r.result().contains("not completed within PT48H"), r.result());
        assertEquals(start.plus(Duration.ofDays(2)), engine.clock().now());
    }

    @Test
    void heartbeatTimeoutsAreSkipped(TestEngine engine) {
        Instant start = engine.clock().now();

        TestResult<String> r = engine.runUntilComplete(withHeartbeat(Duration.ofMinutes(1)), "req-1");

        assertTrue(r.result().contains("no heartbeat within PT1M"), r.result());
        assertEquals(start.plus(Duration.ofMinutes(1)), engine.clock().now());
    }

    // ------------------------------------------------------------------------------------------ callbacks by name

    @Test
    void aCallbackIsCompletedByName(TestEngine engine) {
        TestResult<String> r = engine.run(withTimeout(Duration.ofDays(2)), "req-1");
        assertEquals(ExecutionStatus.SUSPENDED, r.status());

        engine.completeCallback(r.executionId(), "approval", "yes");

        TestResult<String> done = engine.result(r);
        assertEquals("answer: yes", done.result());
        assertEquals(OperationStatus.SUCCEEDED, done.operation("approval").status());
        assertEquals("yes", done.operation("approval").result(String.class));
    }

    /** Upper-case text: a format of its own, which the engine's JSON serializer cannot read. */
    static final class ShoutingSerializer implements Serializer {
        @Override
        public String serialize(Object value) {
            return value == null ? null : "!" + value.toString().toUpperCase(java.util.Locale.ROOT);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T deserialize(String data, Type type) {
            if (!data.startsWith("!")) {
                throw new IllegalArgumentException("not shouted: " + data);
            }
            return (T) data.substring(1);
        }
    }

    @Test
    void aCallbackWithItsOwnSerializerIsCompletedRawByName(TestEngine engine) {
        TestResult<String> r = engine.run(new Approval(CallbackConfig.builder().serializer(new ShoutingSerializer())
                .build()), "req-1");

        assertThrows(dev.cairn.SerializationException.class,
                () -> engine.completeCallback(r.executionId(), "approval", "yes"));
        engine.completeCallbackRaw(r.executionId(), "approval", "!YES");

        assertEquals("answer: YES", engine.result(r).result());
        assertEquals("!YES", engine.result(r).operation("approval").resultJson());
    }

    @Test
    void aCallbackIsFailedByName(TestEngine engine) {
        TestResult<String> r = engine.run(withTimeout(Duration.ofDays(2)), "req-1");

        engine.failCallback(r.executionId(), "approval", "Rejected", "over budget");

        assertEquals("failed: Rejected: over budget", engine.result(r).result());
    }

    @Test
    void aCallbackIsTimedOutByName(TestEngine engine) {
        Instant start = engine.clock().now();
        TestResult<String> r = engine.run(withTimeout(Duration.ofHours(6)), "req-1");

        engine.timeoutCallback(r.executionId(), "approval");

        assertTrue(engine.result(r).result().startsWith("timed out: "), engine.result(r).result());
        assertEquals(start.plus(Duration.ofHours(6)), engine.clock().now());
    }

    @Test
    void aHeartbeatByNameKeepsACallbackAlive(TestEngine engine) {
        TestResult<String> r = engine.run(withHeartbeat(Duration.ofSeconds(60)), "req-1");

        engine.advance(Duration.ofSeconds(50));
        engine.heartbeatCallback(r.executionId(), "approval");
        engine.advance(Duration.ofSeconds(50));
        assertEquals(ExecutionStatus.SUSPENDED, engine.result(r).status(), "100 s in, but 50 s since the heartbeat");

        engine.advance(Duration.ofSeconds(10));
        assertTrue(engine.result(r).result().contains("no heartbeat within PT1M"), engine.result(r).result());
    }

    @Test
    void theCallbackIdIsFoundByName(TestEngine engine) {
        TestResult<String> r = engine.run(withTimeout(Duration.ofDays(2)), "req-1");

        String id = engine.callbackId(r.executionId(), "approval");

        assertEquals(r.description().callbacks().get(0).id(), id);
        engine.engine().completeCallback(id, "direct");
        assertEquals("answer: direct", engine.runUntilComplete(r).result());
    }

    @Test
    void runUntilCompleteOnAnExecutionOnlyACallbackCanMoveFailsNamingTheCallback(TestEngine engine) {
        Approval noTimeout = new Approval(CallbackConfig.defaults());

        ExecutionBlockedException e = assertThrows(ExecutionBlockedException.class,
                () -> engine.runUntilComplete(noTimeout, "req-1"));

        String callbackId = engine.callbackId(e.executionId(), "approval");
        assertTrue(e.getMessage().contains("callback 'approval' (operation 1, callback id " + callbackId + ")"),
                e.getMessage());
        assertTrue(e.getMessage().contains("only something from outside"), e.getMessage());
        assertEquals(1, e.pendingCallbacks().size());
        assertEquals("approval", e.pendingCallbacks().get(0).operationName());

        engine.completeCallback(e.executionId(), "approval", "late");
        assertEquals("answer: late", engine.result(e.executionId()).result());
    }

    // ------------------------------------------------------------------------------------------ the whole workflow

    @Test
    void anOrderIsApprovedAndChargedAfterTwoFailedAttempts(TestEngine engine) {
        FakePayments payments = new FakePayments(2);
        Instant start = engine.clock().now();

        TestResult<Receipt> r = engine.run(new OrderWorkflow(payments), new Order("o-1", 42));
        assertEquals(ExecutionStatus.SUSPENDED, r.status(), "in its 24-hour wait");

        engine.advance(Duration.ofHours(24));
        engine.completeCallback(r.executionId(), "approval", "approved by Ada");
        TestResult<Receipt> done = engine.runUntilComplete(r);

        assertEquals(new Receipt("reserved o-1", "approved by Ada", "charged 42 for o-1"), done.result());
        assertEquals(3, done.operation("charge").attempts());
        assertEquals(3, payments.calls());
        assertEquals(start.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(20)), engine.clock().now());
    }

    @Test
    void anOrderNobodyApprovesIsNotCharged(TestEngine engine) {
        FakePayments payments = new FakePayments(0);

        TestResult<Receipt> r = engine.runUntilComplete(new OrderWorkflow(payments), new Order("o-2", 7));

        assertEquals(new Receipt("reserved o-2", "no answer", "not charged"), r.result());
        assertEquals(0, payments.calls());
    }
}
