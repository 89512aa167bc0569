package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableEngine;
import dev.cairn.EngineClosedException;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.OperationFailedException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.StartOptions;
import dev.cairn.StepFailedException;
import dev.cairn.StepTimeoutException;
import dev.cairn.UnknownCallbackException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.WriteRejectedException;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine promises when user code, user input or the clock misbehave: fatal errors, values that do not
 * round-trip, text a database refuses, callbacks completed late or with the wrong type, steps that never return,
 * interrupted threads. Every acknowledged execution ends, and says why. Run against every store; time moves only
 * through the {@link VirtualClock}.
 *
 * <p>A long class of short specifications, one per promise, that a store's author runs by extending it once.
 */
public abstract class FailureContractTest extends EngineContractSupport {

    /** For subclasses, one per store. */
    protected FailureContractTest() {
    }

    private final List<CountDownLatch> toRelease = new ArrayList<>();

    @AfterEach
    void releaseLatches() {
        toRelease.forEach(CountDownLatch::countDown);
    }

    private CountDownLatch latch() {
        CountDownLatch latch = new CountDownLatch(1);
        toRelease.add(latch);
        return latch;
    }

    // ================================================================== fatal errors

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void aStepThatOverflowsItsStackFailsAndTheExecutionEnds() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("deep", String.class, String.class, (in, ctx) ->
                ctx.step("recurse", String.class, s -> {
                    attempts.incrementAndGet();
                    return "depth " + recurse(0);
                }, NO_RETRY)));
        ExecutionHandle<String> h = start(engine, "deep", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals(StepFailedException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains(StackOverflowError.class.getName()), e.error().message());
        assertEquals(1, attempts.get());
        OperationDescription step = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationStatus.FAILED, step.status());
        assertEquals(StackOverflowError.class.getName(), step.error().type());
    }

    @Test
    void aFatalErrorInAStepIsRetriedByItsStrategy() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("oom-once", String.class, String.class, (in, ctx) ->
                ctx.step("allocate", String.class, s -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("simulated: Java heap space");
                    }
                    return "allocated on attempt " + s.attempt();
                }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(3, Duration.ZERO)).build())));
        ExecutionHandle<String> h = start(engine, "oom-once", "x", String.class);
        assertEquals("allocated on attempt 2", h.result(RESULT_TIMEOUT));
        assertEquals(2, attempts.get());
    }

    @Test
    void aWorkflowThatThrowsAnErrorEndsFailedWithTheErrorRecorded() {
        DurableEngine engine = started(builder().register("fatal", String.class, String.class, (in, ctx) -> {
            ctx.step("fine", String.class, s -> "ok");
            throw new OutOfMemoryError("simulated: Metaspace");
        }));
        ExecutionHandle<String> h = start(engine, "fatal", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals(OutOfMemoryError.class.getName(), e.error().type());
        assertEquals("simulated: Metaspace", e.error().message());
        assertEquals(ExecutionStatus.FAILED, engine.describe(h.executionId()).status());
    }

    @Test
    void everyOperationFailureNamesItsOperationAndCarriesItsError() {
        DurableEngine engine = started(builder().register("failures", String.class, String.class, (in, ctx) -> {
            List<String> seen = new ArrayList<>();
            try {
                ctx.step("step", String.class, s -> {
                    throw new IllegalStateException("step broke");
                }, NO_RETRY);
            } catch (OperationFailedException e) {
                seen.add(e.getClass().getSimpleName() + "@" + e.operationId() + ":" + e.error().message());
            }
            try {
                ctx.runInChildContext("child", String.class, child -> {
                    throw new IllegalStateException("child broke");
                });
            } catch (OperationFailedException e) {
                seen.add(e.getClass().getSimpleName() + "@" + e.operationId() + ":" + e.error().message());
            }
            DurableCallback<String> cb = ctx.createCallback("callback", String.class,
                    CallbackConfig.builder().timeout(Duration.ofMinutes(1)).build());
            try {
                cb.result();
            } catch (OperationFailedException e) {
                seen.add(e.getClass().getSimpleName() + "@" + e.operationId());
            }
            return String.join(" | ", seen);
        }));
        ExecutionHandle<String> h = start(engine, "failures", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("StepFailedException@1:step broke | ChildContextFailedException@2:child broke"
                + " | CallbackTimeoutException@3", h.result(RESULT_TIMEOUT));
    }

    // ================================================================== values that must round-trip

    /** A value whose state Jackson cannot see: no getters, no public fields. */
    public static final class Opaque {
        private final String secret;

        public Opaque(String secret) {
            this.secret = secret;
        }

        @Override
        public String toString() {
            return "Opaque[" + secret + "]";
        }
    }

    @Test
    void aStepResultWithNoVisiblePropertiesFailsTheStepInsteadOfReplayingAsSomethingElse() {
        DurableEngine engine = started(builder().register("opaque", String.class, String.class, (in, ctx) -> {
            Opaque value = ctx.step("hide", Opaque.class, s -> new Opaque("the value"), NO_RETRY);
            ctx.wait("w", Duration.ofMinutes(1));
            return String.valueOf(value);
        }));
        ExecutionHandle<String> h = start(engine, "opaque", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(SerializationException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("step 'hide'"), e.error().message());
        assertTrue(engine.describe(h.executionId()).operations().isEmpty(), "nothing was checkpointed");
    }

    @Test
    void aStepResultThatDoesNotReadBackTheSameFailsTheStep() {
        DurableEngine engine = started(builder().register("thread", String.class, String.class, (in, ctx) -> {
            try {
                Thread t = ctx.step("spawn", Thread.class, s -> new Thread(() -> { }, "worker-7"), NO_RETRY);
                return "accepted " + t.getName();
            } catch (SerializationException e) {
                return "rejected: " + e.getMessage();
            }
        }));
        String result = start(engine, "thread", "x", String.class).result(RESULT_TIMEOUT);
        assertTrue(result.startsWith("rejected: ") && result.contains("step 'spawn'"), result);
    }

    @Test
    void aLoneSurrogateInAResultIsRejectedNotReplaced() {
        DurableEngine engine = started(builder().register("surrogate", String.class, String.class, (in, ctx) -> {
            try {
                String r = ctx.step("text", String.class, s -> "abc\uD800def", NO_RETRY);
                ctx.wait("w", Duration.ofMinutes(1));
                return "kept " + r.length();
            } catch (SerializationException e) {
                return "rejected: " + e.getMessage();
            }
        }));
        ExecutionHandle<String> h = start(engine, "surrogate", "x", String.class);
        String result = h.result(RESULT_TIMEOUT);
        assertTrue(result.startsWith("rejected: ") && result.contains("surrogate"), result);
    }

    @Test
    void aLargeResultWithinTheConfiguredLimitRoundTripsExactly() {
        String big = "0123456789".repeat(200_000); // 2,000,000 characters
        DurableEngine engine = started(builder().maxPayloadBytes(20 * 1024 * 1024)
                .register("large", String.class, Integer.class, (in, ctx) -> {
                    String r = ctx.step("produce", String.class, s -> big);
                    ctx.wait("w", Duration.ofMinutes(1));
                    return r.equals(big) ? r.length() : -1;
                }));
        ExecutionHandle<Integer> h = start(engine, "large", "x", Integer.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(2_000_000, h.result(RESULT_TIMEOUT), "the replayed result is the checkpointed one, whole");
    }

    // ================================================================== names and text a database refuses

    @Test
    void aControlCharacterInAStepNameIsRejectedOnceWithoutRunningTheStep() {
        AtomicInteger bodyRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("nul-name", String.class, String.class, (in, ctx) ->
                ctx.step("bad\u0000name", String.class, s -> "ran " + bodyRuns.incrementAndGet())));
        ExecutionHandle<String> h = start(engine, "nul-name", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(IllegalArgumentException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("control character"), e.error().message());
        assertEquals(0, bodyRuns.get());
    }

    @Test
    void anExceptionMessageWithANulCharacterIsRecordedAndTheExecutionEnds() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("nul-message", String.class, String.class, (in, ctx) ->
                ctx.step("parse", String.class, s -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("unexpected byte \u0000 at offset 7");
                }, NO_RETRY)));
        ExecutionHandle<String> h = start(engine, "nul-message", "x", String.class);
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(StepFailedException.class.getName(), e.error().type());
        assertEquals(1, attempts.get(), "the step ran once, not in a loop");
        OperationDescription step = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationStatus.FAILED, step.status());
        assertTrue(step.error().message().startsWith("unexpected byte "), step.error().message());
        assertTrue(step.error().message().endsWith(" at offset 7"), step.error().message());
        assertFalse(step.error().message().contains("\u0000"), "the NUL is escaped, not stored raw");
    }

    @Test
    void aCheckpointTheStoreRefusesFailsTheExecutionOnceAndOthersGoOn() {
        AtomicInteger poisonRuns = new AtomicInteger();
        ExecutionStore refusing = new ForwardingStore(store) {
            @Override
            public List<CommitOutcome> commit(List<Checkpoint> batch) {
                for (Checkpoint cp : batch) {
                    for (OperationRecord op : cp.operationInserts()) {
                        if ("\"poison\"".equals(op.result())) {
                            throw new WriteRejectedException("commit failed: value too long for its column");
                        }
                    }
                }
                return delegate.commit(batch);
            }
        };
        DurableEngine engine = started(builderOn(refusing)
                .register("refused", String.class, String.class, (in, ctx) -> {
                    String r = ctx.step("write", String.class, s -> {
                        if (in.equals("bad")) {
                            poisonRuns.incrementAndGet();
                            return "poison";
                        }
                        return "fine " + in;
                    });
                    return ctx.step("after", String.class, s -> r + "!");
                }));
        List<ExecutionHandle<String>> good = new ArrayList<>();
        ExecutionHandle<String> bad = start(engine, "refused", "bad", String.class);
        for (int i = 0; i < 10; i++) {
            good.add(start(engine, "refused", "n" + i, String.class));
        }
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> bad.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals(SerializationException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("refused by the store")
                && e.error().message().contains("value too long"), e.error().message());
        for (int i = 0; i < 10; i++) {
            assertEquals("fine n" + i + "!", good.get(i).result(RESULT_TIMEOUT));
        }
        await().during(Duration.ofMillis(300)).atMost(RESULT_TIMEOUT).until(() -> poisonRuns.get() == 1);
    }

    @Test
    void anErrorThrownByTheStoreDoesNotStopTheCheckpointWriter() {
        AtomicInteger commits = new AtomicInteger();
        ExecutionStore flaky = new ForwardingStore(store) {
            @Override
            public List<CommitOutcome> commit(List<Checkpoint> batch) {
                if (commits.incrementAndGet() <= 2) {
                    // As a JDBC driver does when a connection is cut in the middle of a batch and assertions are on.
                    throw new AssertionError("pgStatement.getConnection().getAutoCommit() should not throw");
                }
                return delegate.commit(batch);
            }
        };
        DurableEngine engine = started(builderOn(flaky).concurrency(1)
                .register("steady", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in + "!")));
        List<ExecutionHandle<String>> handles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            handles.add(start(engine, "steady", "e" + i, String.class));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("e" + i + "!", handles.get(i).result(RESULT_TIMEOUT));
        }
    }

    @Test
    void aFunctionNameTheStoreCannotHoldIsRejectedWhenItIsRegistered() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder()
                .register("f".repeat(300), String.class, String.class, (in, ctx) -> in).build());
        assertTrue(e.getMessage().contains("300 characters") && e.getMessage().contains("200"), e.getMessage());
        assertTrue(e.getMessage().length() < 500, "the message quotes a bounded part of the name");
    }

    @Test
    void anExecutionNameWithAControlCharacterIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StartOptions.named("order\n42"));
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
    }

    // ================================================================== callbacks: type and deadlines

    @Test
    void completingACallbackWithAValueOfTheWrongTypeIsRejectedAndTheCallbackStaysPending() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("typed", String.class, Integer.class, (in, ctx) -> {
            DurableCallback<Integer> cb = ctx.createCallback("count", Integer.class);
            callbackId.set(cb.id());
            return cb.result() + 1;
        }));
        ExecutionHandle<Integer> h = start(engine, "typed", "x", Integer.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        SerializationException e = assertThrows(SerializationException.class,
                () -> engine.completeCallback(callbackId.get(), "hello"));
        assertTrue(e.getMessage().contains(callbackId.get()) && e.getMessage().contains("java.lang.Integer"),
                e.getMessage());
        assertEquals(CallbackStatus.PENDING, engine.describe(h.executionId()).callbacks().get(0).status());

        engine.completeCallback(callbackId.get(), 41);
        assertEquals(42, h.result(RESULT_TIMEOUT));
    }

    @Test
    void aCallbackTimesOutAtItsDeadlineWhileTheExecutionSleepsOnSomethingElse() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("late", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class,
                    CallbackConfig.builder().timeout(Duration.ofSeconds(3)).build());
            callbackId.set(cb.id());
            ctx.wait("meanwhile", Duration.ofSeconds(6));
            try {
                return "answered " + cb.result();
            } catch (CallbackTimeoutException e) {
                return "timed out";
            }
        }));
        ExecutionHandle<String> h = start(engine, "late", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        clock.advance(Duration.ofSeconds(4));
        await().atMost(RESULT_TIMEOUT).until(() ->
                engine.describe(h.executionId()).callbacks().get(0).status() == CallbackStatus.TIMED_OUT);
        CallbackAlreadyCompletedException e = assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.completeCallback(callbackId.get(), "too late"));
        assertEquals(CallbackStatus.TIMED_OUT, e.status());

        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(2));
        assertEquals("timed out", h.result(RESULT_TIMEOUT));
    }

    @Test
    void aCompletionOrHeartbeatAfterTheDeadlineIsRefused() {
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> second = new AtomicReference<>();
        DurableEngine engine = started(builder().register("deadlines", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> a = ctx.createCallback("a", String.class,
                    CallbackConfig.builder().timeout(Duration.ofMinutes(1)).build());
            DurableCallback<String> b = ctx.createCallback("b", String.class,
                    CallbackConfig.builder().heartbeatTimeout(Duration.ofMinutes(1)).build());
            first.set(a.id());
            second.set(b.id());
            ctx.wait("long", Duration.ofHours(1));
            return "done";
        }));
        ExecutionHandle<String> h = start(engine, "deadlines", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        // Whether or not the timer has fired yet, the store refuses what comes after the deadline.
        clock.advance(Duration.ofMinutes(2));

        assertEquals(CallbackStatus.TIMED_OUT, assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.completeCallback(first.get(), "late")).status());
        assertEquals(CallbackStatus.TIMED_OUT, assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.heartbeatCallback(second.get())).status());
    }

    // ================================================================== operations end in a terminal status

    @Test
    void aWaitForConditionWhoseCheckFailsIsRecordedFailed() {
        DurableEngine engine = started(builder().register("poll", String.class, String.class, (in, ctx) -> {
            try {
                return ctx.waitForCondition("job", Integer.class, (state, step) -> {
                    throw new IllegalStateException("job service returned 500");
                }, WaitForConditionConfig.builder(0).until(s -> s > 3).checkConfig(NO_RETRY).build()).toString();
            } catch (StepFailedException e) {
                return "caught " + e.error().message();
            }
        }));
        ExecutionHandle<String> h = start(engine, "poll", "x", String.class);
        assertEquals("caught job service returned 500", h.result(RESULT_TIMEOUT));
        OperationDescription wait = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationType.CONTEXT, wait.type());
        assertEquals("job", wait.name());
        assertEquals(OperationStatus.FAILED, wait.status());
        assertEquals("job service returned 500", wait.error().message());
    }

    // ================================================================== steps that never return

    @Test
    void aStepThatRunsPastItsTimeoutFailsTheAttemptWithoutWaitingForTheBody() {
        CountDownLatch never = latch();
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("stuck", String.class, String.class, (in, ctx) -> {
            try {
                return ctx.step("call", String.class, s -> {
                    attempts.incrementAndGet();
                    never.await();
                    return "returned";
                }, StepConfig.builder().timeout(Duration.ofSeconds(10))
                        .retryStrategy(RetryStrategies.fixedDelay(2, Duration.ZERO)).build());
            } catch (StepFailedException e) {
                return e.attempts() + " attempts, " + e.error().type();
            }
        }));
        ExecutionHandle<String> h = start(engine, "stuck", "x", String.class);
        await().atMost(RESULT_TIMEOUT).until(() -> attempts.get() == 1);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(RESULT_TIMEOUT).until(() -> attempts.get() == 2);
        clock.advance(Duration.ofSeconds(10));
        assertEquals("2 attempts, " + StepTimeoutException.class.getName(), h.result(RESULT_TIMEOUT));
        OperationDescription step = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationStatus.FAILED, step.status());
        assertTrue(step.error().message().contains("PT10S"), step.error().message());
    }

    @Test
    void aStepThatFinishesWithinItsTimeoutReturnsItsResult() {
        DurableEngine engine = started(builder().register("quick", String.class, String.class, (in, ctx) ->
                ctx.step("call", String.class, s -> "fast " + in, StepConfig.builder()
                        .timeout(Duration.ofSeconds(10)).build())));
        assertEquals("fast x", start(engine, "quick", "x", String.class).result(RESULT_TIMEOUT));
    }

    // ================================================================== interrupts, bounded messages, closed engines

    @Test
    void aWorkflowThatLeavesItsThreadInterruptedDoesNotBreakTheStore() {
        DurableEngine engine = started(builder().register("interrupting", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class,
                    CallbackConfig.builder().timeout(Duration.ofMinutes(1)).build());
            ctx.step("poll", String.class, s -> {
                try {
                    Thread.sleep(1); // user code that is interrupted while it blocks ...
                    Thread.currentThread().interrupt();
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // ... and restores the flag, as it should
                }
                clock.advance(Duration.ofMinutes(2)); // the callback's deadline passes while the run goes on
                return "polled";
            });
            try {
                return cb.result();
            } catch (CallbackTimeoutException e) {
                return "timed out";
            }
        }).register("plain", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in + "!")));
        assertEquals("timed out", start(engine, "interrupting", "x", String.class).result(RESULT_TIMEOUT));
        assertEquals("next!", start(engine, "plain", "next", String.class).result(RESULT_TIMEOUT),
                "the store still works");
    }

    @Test
    void aHugeUnknownCallbackIdIsRejectedWithABoundedMessage() {
        DurableEngine engine = started(builder().register("f", String.class, String.class, (in, ctx) -> in));
        String huge = "x".repeat(10_000_000);
        UnknownCallbackException e = assertThrows(UnknownCallbackException.class,
                () -> engine.completeCallback(huge, "v"));
        assertTrue(e.getMessage().length() < 1_000, "message of " + e.getMessage().length() + " characters");
        assertTrue(assertThrows(UnknownCallbackException.class, () -> engine.heartbeatCallback(huge))
                .getMessage().length() < 1_000);
        assertTrue(assertThrows(UnknownExecutionException.class, () -> engine.describe(huge))
                .getMessage().length() < 1_000);
    }

    @Test
    void waitingForAResultOnAClosedEngineSaysSoAtOnce() {
        DurableEngine engine = started(builder().register("sleepy", String.class, String.class, (in, ctx) -> {
            ctx.wait("w", Duration.ofHours(1));
            return "woke";
        }));
        ExecutionHandle<String> h = start(engine, "sleepy", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.close();
        EngineClosedException e = assertThrows(EngineClosedException.class, () -> h.result(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
