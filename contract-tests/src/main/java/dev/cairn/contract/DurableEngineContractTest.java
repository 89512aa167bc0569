package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackDescription;
import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.EngineClosedException;
import dev.cairn.ExecutionAlreadyExistsException;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.OperationDescription;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.ResultNotReadyException;
import dev.cairn.SerializationException;
import dev.cairn.StartOptions;
import dev.cairn.StepFailedException;
import dev.cairn.StepInterruptedException;
import dev.cairn.UnknownCallbackException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.UnknownFunctionException;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine promises, run against every store: subclasses say how to open one. Time moves only through
 * the {@link VirtualClock}; asynchronous outcomes are awaited, never slept for.
 *
 * <p>A long class of short specifications, one per promise, that a store's author runs by extending it once.
 */
public abstract class DurableEngineContractTest {

    /** For subclasses, one per store. */
    protected DurableEngineContractTest() {
    }

    /** A fresh, empty store. Called once per test. */
    protected abstract ExecutionStore openStore();

    /**
     * The same store's data opened again, as a restarted JVM would see it. {@code previous} was opened by
     * {@link #openStore()} or by this method; the engine using it has been closed.
     */
    protected abstract ExecutionStore reopenStore(ExecutionStore previous);

    /** Closes a store opened by this test. */
    protected void closeStore(ExecutionStore store) {
        store.close();
    }

    protected static final Duration RESULT_TIMEOUT = Duration.ofSeconds(20);

    protected VirtualClock clock;
    protected ExecutionStore store;
    private final List<DurableEngine> engines = new ArrayList<>();
    private final List<ExecutionStore> stores = new ArrayList<>();

    record Order(String id, int quantity) {
    }

    record Reply(int statusCode, String body) {
    }

    @BeforeEach
    void openEngineStore() {
        clock = new VirtualClock();
        store = openStore();
        stores.add(store);
    }

    @AfterEach
    void closeAll() {
        for (DurableEngine engine : engines) {
            engine.close();
        }
        for (ExecutionStore s : stores) {
            closeStore(s);
        }
    }

    protected DurableEngine.Builder builder() {
        return DurableEngine.builder()
                .store(store)
                .clock(clock)
                .tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ofMillis(500));
    }

    protected DurableEngine started(DurableEngine.Builder builder) {
        DurableEngine engine = builder.build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    /** Restarts on the same data: closes {@code engine}, reopens the store, builds from {@code next}. */
    protected DurableEngine restart(DurableEngine engine, java.util.function.UnaryOperator<DurableEngine.Builder> next) {
        engine.close();
        store = reopenStore(store);
        if (!stores.contains(store)) {
            stores.add(store);
        }
        return started(next.apply(builder()));
    }

    private void awaitStatus(DurableEngine engine, String id, ExecutionStatus status) {
        await().atMost(RESULT_TIMEOUT).pollInterval(Duration.ofMillis(10)).ignoreException(UnknownExecutionException.class)
                .until(() -> engine.describe(id).status() == status);
    }

    // ================================================================== steps and waits

    @Test
    void stepResultIsCheckpointedAndTheExecutionResumesAfterAWait() {
        AtomicInteger stepRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("hello", String.class, Reply.class, (name, ctx) -> {
            String msg = ctx.step("my-step", String.class, step -> {
                stepRuns.incrementAndGet();
                return "from my_step: " + 123;
            });
            ctx.wait("pause", Duration.ofSeconds(10));
            return new Reply(200, msg + " for " + name);
        }));
        ExecutionHandle<Reply> h = engine.startExecution("hello", "ada", Reply.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertThrows(ResultNotReadyException.class, () -> h.result(Duration.ofMillis(100)));

        clock.advance(Duration.ofSeconds(10));

        assertEquals(new Reply(200, "from my_step: 123 for ada"), h.result(RESULT_TIMEOUT));
        assertEquals(1, stepRuns.get(), "a checkpointed step is replayed, not run again");
        assertEquals(ExecutionStatus.SUCCEEDED, h.status());
    }

    @Test
    void aWaitThatIsNotDueHoldsNoThread() {
        DurableEngine engine = started(builder().concurrency(1)
                .register("sleeper", String.class, String.class, (in, ctx) -> {
                    ctx.wait("long", Duration.ofDays(3));
                    return "woke";
                })
                .register("quick", String.class, String.class, (in, ctx) -> ctx.step("s", String.class, s -> in + "!")));
        List<ExecutionHandle<String>> sleepers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sleepers.add(engine.startExecution("sleeper", "x" + i, String.class, StartOptions.defaults()));
        }
        // With a single worker thread, this can only finish if the five suspended executions released it.
        assertEquals("hi!", engine.startExecution("quick", "hi", String.class, StartOptions.defaults()).result(RESULT_TIMEOUT));
        for (ExecutionHandle<String> s : sleepers) {
            awaitStatus(engine, s.executionId(), ExecutionStatus.SUSPENDED);
        }
        clock.advance(Duration.ofDays(3));
        for (ExecutionHandle<String> s : sleepers) {
            assertEquals("woke", s.result(RESULT_TIMEOUT));
        }
    }

    @Test
    void describeListsEveryOperationWithItsTimes() {
        DurableEngine engine = started(builder().register("described", String.class, String.class, (in, ctx) -> {
            String a = ctx.step("first", String.class, s -> "a");
            ctx.wait("nap", Duration.ofMinutes(1));
            return a + ctx.step("second", String.class, s -> "b");
        }));
        Instant t0 = clock.now();
        ExecutionHandle<String> h = engine.startExecution("described", "in", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        assertEquals("ab", h.result(RESULT_TIMEOUT));

        ExecutionDescription d = engine.describe(h.executionId());
        assertEquals(ExecutionStatus.SUCCEEDED, d.status());
        assertEquals("\"in\"", d.input());
        assertEquals("\"ab\"", d.result());
        assertEquals("described", d.function());
        assertEquals(t0, d.createdAt());
        assertEquals(t0.plus(Duration.ofMinutes(1)), d.endedAt());
        assertEquals(3, d.operations().size());
        OperationDescription first = d.operations().get(0);
        assertEquals(List.of("1", "2", "3"), d.operations().stream().map(OperationDescription::id).toList());
        assertEquals(OperationType.STEP, first.type());
        assertEquals("first", first.name());
        assertEquals(OperationStatus.SUCCEEDED, first.status());
        assertEquals(1, first.attempts());
        assertEquals("\"a\"", first.result());
        assertEquals(t0, first.startedAt());
        OperationDescription nap = d.operations().get(1);
        assertEquals(OperationType.WAIT, nap.type());
        assertEquals(OperationStatus.SUCCEEDED, nap.status());
        assertEquals(t0, nap.startedAt());
        assertEquals(t0.plus(Duration.ofMinutes(1)), nap.endedAt());
        assertThrows(UnknownExecutionException.class, () -> engine.describe("no-such-execution"));
    }

    // ================================================================== starts

    @Test
    void aNamedStartWithTheSameInputReturnsTheExistingExecution() {
        AtomicInteger runs = new AtomicInteger();
        DurableEngine engine = started(builder().register("order", Order.class, String.class, (o, ctx) ->
                ctx.step("ship", String.class, s -> "shipped " + o.id() + " #" + runs.incrementAndGet())));
        ExecutionHandle<String> first = engine.startExecution("order", new Order("42", 1), String.class,
                StartOptions.named("order-42"));
        ExecutionHandle<String> second = engine.startExecution("order", new Order("42", 1), String.class,
                StartOptions.named("order-42"));
        assertEquals(first.executionId(), second.executionId());
        assertEquals("shipped 42 #1", second.result(RESULT_TIMEOUT));
        assertEquals(1, runs.get());
    }

    @Test
    void aNamedStartWithAnotherInputIsRejected() {
        DurableEngine engine = started(builder().register("order", Order.class, String.class, (o, ctx) -> "ok"));
        ExecutionHandle<String> first = engine.startExecution("order", new Order("42", 1), String.class,
                StartOptions.named("order-42"));
        ExecutionAlreadyExistsException e = assertThrows(ExecutionAlreadyExistsException.class, () ->
                engine.startExecution("order", new Order("42", 2), String.class, StartOptions.named("order-42")));
        assertEquals(first.executionId(), e.existingExecutionId());
        assertTrue(e.getMessage().contains("order-42"), e.getMessage());
    }

    @Test
    void startingAnUnregisteredFunctionIsRejected() {
        DurableEngine engine = started(builder().register("known", String.class, String.class, (in, ctx) -> in));
        UnknownFunctionException e = assertThrows(UnknownFunctionException.class, () ->
                engine.startExecution("unknown", "x", String.class, StartOptions.defaults()));
        assertTrue(e.getMessage().contains("unknown") && e.getMessage().contains("known"), e.getMessage());
    }

    @Test
    void aNullInputIsRejected() {
        DurableEngine engine = started(builder().register("f", String.class, String.class, (in, ctx) -> in));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                engine.startExecution("f", null, String.class, StartOptions.defaults()));
        assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
    }

    @Test
    void anOversizedInputIsRejectedWithTheLimit() {
        DurableEngine engine = started(builder().maxPayloadBytes(1024)
                .register("f", String.class, String.class, (in, ctx) -> in));
        SerializationException e = assertThrows(SerializationException.class, () ->
                engine.startExecution("f", "x".repeat(2000), String.class, StartOptions.defaults()));
        assertTrue(e.getMessage().contains("limit is 1024 bytes"), e.getMessage());
        assertEquals(0, store.listExecutions(null, 10).size(), "nothing is written");
    }

    // ================================================================== failures

    @Test
    void aHandlerThatThrowsFailsTheExecutionWithTheErrorRecorded() {
        DurableEngine engine = started(builder().register("broken", String.class, String.class, (in, ctx) -> {
            ctx.step("fine", String.class, s -> "ok");
            throw new IllegalStateException("inventory mismatch for " + in);
        }));
        ExecutionHandle<String> h = engine.startExecution("broken", "sku-1", String.class, StartOptions.defaults());
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.FAILED, e.status());
        assertEquals(IllegalStateException.class.getName(), e.error().type());
        assertEquals("inventory mismatch for sku-1", e.error().message());
        assertTrue(e.error().stackTrace().contains("DurableEngineContractTest"), e.error().stackTrace());
        assertEquals(ExecutionStatus.FAILED, engine.describe(h.executionId()).status());
    }

    @Test
    void aFailedStepIsRetriedDurablyAndABackoffSuspends() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("flaky", String.class, String.class, (in, ctx) ->
                ctx.step("call", String.class, s -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new java.io.IOException("connection reset " + s.attempt());
                    }
                    return "ok on attempt " + s.attempt();
                }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(5, Duration.ofMinutes(5))).build())));
        ExecutionHandle<String> h = engine.startExecution("flaky", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        OperationDescription pending = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationStatus.RETRY_PENDING, pending.status());
        assertEquals(1, pending.attempts());
        assertEquals("connection reset 1", pending.error().message());
        assertEquals(clock.now().plus(Duration.ofMinutes(5)), pending.scheduledAt());

        clock.advance(Duration.ofMinutes(5));
        await().atMost(RESULT_TIMEOUT).until(() -> attempts.get() == 2);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(5));
        assertEquals("ok on attempt 3", h.result(RESULT_TIMEOUT));
        assertEquals(3, engine.describe(h.executionId()).operations().get(0).attempts());
    }

    @Test
    void aStepThatExhaustsItsRetriesThrowsStepFailedExceptionWhichTheWorkflowCanCatch() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("compensating", String.class, String.class, (in, ctx) -> {
            try {
                return ctx.step("charge", String.class, s -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("card declined");
                }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(2, Duration.ZERO)).build());
            } catch (StepFailedException e) {
                return ctx.step("refund", String.class, s -> "compensated after " + e.attempts() + ": "
                        + e.error().message());
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("compensating", "x", String.class, StartOptions.defaults());
        assertEquals("compensated after 2: card declined", h.result(RESULT_TIMEOUT));
        assertEquals(2, attempts.get());
        OperationDescription charge = engine.describe(h.executionId()).operations().get(0);
        assertEquals(OperationStatus.FAILED, charge.status());
        assertEquals(IllegalStateException.class.getName(), charge.error().type());
    }

    @Test
    void onlyErrorsThatTheRetryPredicateAcceptsAreRetried() {
        AtomicInteger attempts = new AtomicInteger();
        DurableEngine engine = started(builder().register("picky", String.class, String.class, (in, ctx) ->
                ctx.step("validate", String.class, s -> {
                    attempts.incrementAndGet();
                    throw new IllegalArgumentException("bad input");
                }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(5, Duration.ZERO))
                        .retryIf(e -> e instanceof java.io.IOException).build())));
        ExecutionHandle<String> h = engine.startExecution("picky", "x", String.class, StartOptions.defaults());
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(StepFailedException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("bad input"), e.error().message());
        assertEquals(1, attempts.get());
    }

    @Test
    void aStepResultThatCannotBeSerializedFailsTheStepAndWritesNothing() {
        DurableEngine engine = started(builder().register("unserializable", String.class, String.class, (in, ctx) -> {
            try {
                ctx.step("bad", Object.class, s -> new Object() {
                    public Object getSelf() {
                        throw new IllegalStateException("cannot read me");
                    }
                }, StepConfig.builder().retryStrategy(RetryStrategies.none()).build());
                return "unexpected";
            } catch (SerializationException e) {
                return e.getMessage();
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("unserializable", "x", String.class, StartOptions.defaults());
        String message = h.result(RESULT_TIMEOUT);
        assertTrue(message.contains("step 'bad'") && message.contains(h.executionId()), message);
        assertTrue(engine.describe(h.executionId()).operations().isEmpty(), "no checkpoint for the step");
    }

    @Test
    void anOversizedStepResultFailsTheStepNamingTheLimit() {
        DurableEngine engine = started(builder().maxPayloadBytes(1024)
                .register("big", String.class, String.class, (in, ctx) ->
                        ctx.step("huge", String.class, s -> "y".repeat(5000))));
        ExecutionHandle<String> h = engine.startExecution("big", "x", String.class, StartOptions.defaults());
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(SerializationException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("step 'huge'") && e.error().message().contains("limit is 1024"),
                e.error().message());
    }

    @Test
    void anOperationInsideAStepIsRejected() {
        DurableEngine engine = started(builder().register("nested", String.class, String.class, (in, ctx) ->
                ctx.step("outer", String.class, s -> ctx.step("inner", String.class, s2 -> "no"),
                        StepConfig.builder().retryStrategy(RetryStrategies.none()).build())));
        ExecutionHandle<String> h = engine.startExecution("nested", "x", String.class, StartOptions.defaults());
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertTrue(e.error().message().contains("inside the body of step 'outer'"), e.error().message());
    }

    // ================================================================== replay

    @Test
    void nowAndRandomUuidAreTheSameOnEveryReplay() {
        List<Instant> nows = new CopyOnWriteArrayList<>();
        List<UUID> uuids = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("recorded", String.class, String.class, (in, ctx) -> {
            nows.add(ctx.now());
            uuids.add(ctx.randomUUID());
            ctx.wait("w", Duration.ofHours(1));
            return "done";
        }));
        Instant start = clock.now();
        ExecutionHandle<String> h = engine.startExecution("recorded", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        assertEquals("done", h.result(RESULT_TIMEOUT));
        assertEquals(2, nows.size());
        assertEquals(List.of(start, start), nows);
        assertEquals(uuids.get(0), uuids.get(1));
    }

    @Test
    void isReplayingIsTrueUntilTheCodeReachesItsFirstNewOperation() {
        List<String> seen = new CopyOnWriteArrayList<>();
        DurableEngine engine = started(builder().register("replaying", String.class, String.class, (in, ctx) -> {
            seen.add("start:" + ctx.isReplaying());
            ctx.step("a", String.class, s -> "a");
            ctx.wait("w", Duration.ofSeconds(1));
            seen.add("after-wait:" + ctx.isReplaying());
            return "ok";
        }));
        ExecutionHandle<String> h = engine.startExecution("replaying", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(1));
        h.result(RESULT_TIMEOUT);
        assertEquals(List.of("start:false", "start:true", "after-wait:false"), seen);
    }

    @Test
    void codeChangedUnderARunningExecutionFailsItWithNonDeterminism() {
        AtomicReference<String> stepName = new AtomicReference<>("reserve");
        AtomicInteger runs = new AtomicInteger();
        DurableEngine engine = started(builder().register("evolving", String.class, String.class, (in, ctx) -> {
            runs.incrementAndGet();
            ctx.step(stepName.get(), String.class, s -> "r");
            ctx.wait("w", Duration.ofMinutes(1));
            return "ok";
        }));
        ExecutionHandle<String> h = engine.startExecution("evolving", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        stepName.set("reserve-v2");
        clock.advance(Duration.ofMinutes(1));

        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(NonDeterministicExecutionException.class.getName(), e.error().type());
        assertTrue(e.error().message().contains("operation 1") && e.error().message().contains("'reserve'")
                && e.error().message().contains("'reserve-v2'"), e.error().message());
        clock.advance(Duration.ofHours(1));
        await().during(Duration.ofMillis(300)).atMost(RESULT_TIMEOUT).until(() -> runs.get() == 2);
        assertEquals(ExecutionStatus.FAILED, h.status());
    }

    @Test
    void nonDeterminismCaughtByTheWorkflowStillFailsTheExecution() {
        AtomicReference<String> stepName = new AtomicReference<>("a");
        DurableEngine engine = started(builder().register("swallowing", String.class, String.class, (in, ctx) -> {
            try {
                ctx.step(stepName.get(), String.class, s -> "r");
            } catch (RuntimeException ignored) {
                // a careless catch-all
            }
            ctx.wait("w", Duration.ofMinutes(1));
            return "ok";
        }));
        ExecutionHandle<String> h = engine.startExecution("swallowing", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        stepName.set("b");
        clock.advance(Duration.ofMinutes(1));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(NonDeterministicExecutionException.class.getName(), e.error().type());
    }

    // ================================================================== callbacks

    @Test
    void aCallbackCompletedByMethodCallResumesTheExecution() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("approval", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("approve", String.class,
                    CallbackConfig.builder().timeout(Duration.ofMinutes(2)).build());
            ctx.step("send", String.class, s -> {
                callbackId.set(cb.id());
                return cb.id();
            });
            return "approved by " + cb.result();
        }));
        ExecutionHandle<String> h = engine.startExecution("approval", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertTrue(callbackId.get().length() >= 22, "at least 128 random bits");

        engine.completeCallback(callbackId.get(), "grace");

        assertEquals("approved by grace", h.result(RESULT_TIMEOUT));
        CallbackDescription cb = engine.describe(h.executionId()).callbacks().get(0);
        assertEquals(CallbackStatus.SUCCEEDED, cb.status());
        assertEquals("\"grace\"", cb.result());
    }

    @Test
    void aFailedCallbackThrowsCallbackFailedExceptionWithItsTypeAndMessage() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("failing", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class);
            callbackId.set(cb.id());
            try {
                return cb.result();
            } catch (CallbackFailedException e) {
                return e.error().type() + "/" + e.error().message();
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("failing", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.failCallback(callbackId.get(), "ModelRefused", "prompt not supported");
        assertEquals("ModelRefused/prompt not supported", h.result(RESULT_TIMEOUT));
    }

    @Test
    void anUnknownCallbackIdIsRejected() {
        DurableEngine engine = started(builder().register("f", String.class, String.class, (in, ctx) -> in));
        assertThrows(UnknownCallbackException.class, () -> engine.completeCallback("no-such-callback", "x"));
        assertThrows(UnknownCallbackException.class, () -> engine.failCallback("no-such-callback", "T", "m"));
        assertThrows(UnknownCallbackException.class, () -> engine.heartbeatCallback("no-such-callback"));
    }

    @Test
    void aCallbackCompletedTwiceIsRejectedAndTheFirstResultStands() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("once", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class);
            callbackId.set(cb.id());
            ctx.wait("let both arrive", Duration.ofSeconds(5));
            return cb.result();
        }));
        ExecutionHandle<String> h = engine.startExecution("once", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(callbackId.get(), "first");
        CallbackAlreadyCompletedException e = assertThrows(CallbackAlreadyCompletedException.class,
                () -> engine.completeCallback(callbackId.get(), "second"));
        assertEquals(CallbackStatus.SUCCEEDED, e.status());
        assertThrows(CallbackAlreadyCompletedException.class, () -> engine.failCallback(callbackId.get(), "T", "m"));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(5));
        assertEquals("first", h.result(RESULT_TIMEOUT));
    }

    @Test
    void aCallbackTimeoutSurfacesAsCallbackTimeoutExceptionWhichTheWorkflowCanCompensate() {
        DurableEngine engine = started(builder().register("timing-out", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class,
                    CallbackConfig.builder().timeout(Duration.ofMinutes(2)).build());
            try {
                return cb.result();
            } catch (CallbackTimeoutException e) {
                return ctx.step("escalate", String.class, s -> "escalated: " + e.getMessage());
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("timing-out", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(2));
        String result = h.result(RESULT_TIMEOUT);
        assertTrue(result.startsWith("escalated: ") && result.contains("PT2M"), result);
        CallbackDescription cb = engine.describe(h.executionId()).callbacks().get(0);
        assertEquals(CallbackStatus.TIMED_OUT, cb.status());
        assertThrows(CallbackAlreadyCompletedException.class, () -> engine.completeCallback(cb.id(), "too late"));
    }

    @Test
    void heartbeatsKeepACallbackAliveAndAMissedHeartbeatTimesItOut() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("heartbeat", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class,
                    CallbackConfig.builder().timeout(Duration.ofHours(1)).heartbeatTimeout(Duration.ofSeconds(60)).build());
            callbackId.set(cb.id());
            try {
                return cb.result();
            } catch (CallbackTimeoutException e) {
                return "timed out: " + e.getMessage();
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("heartbeat", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(45));
            engine.heartbeatCallback(callbackId.get());
        }
        assertThrows(ResultNotReadyException.class, () -> h.result(Duration.ofMillis(200)));
        assertEquals(CallbackStatus.PENDING, engine.describe(h.executionId()).callbacks().get(0).status());
        clock.advance(Duration.ofSeconds(61));
        String result = h.result(RESULT_TIMEOUT);
        assertTrue(result.startsWith("timed out: ") && result.contains("heartbeat"), result);
    }

    @Test
    void aCompletionThatArrivesWhileTheExecutionIsStillRunningIsNotLost() throws Exception {
        CountDownLatch idHandedOut = new CountDownLatch(1);
        CountDownLatch completed = new CountDownLatch(1);
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("racy", String.class, String.class, (in, ctx) -> {
            DurableCallback<String> cb = ctx.createCallback("answer", String.class);
            ctx.step("hand out", String.class, s -> {
                callbackId.set(cb.id());
                idHandedOut.countDown();
                // The external system answers before this execution gets to suspend.
                assertTrue(completed.await(10, TimeUnit.SECONDS));
                return "sent";
            });
            return cb.result();
        }));
        ExecutionHandle<String> h = engine.startExecution("racy", "x", String.class, StartOptions.defaults());
        assertTrue(idHandedOut.await(10, TimeUnit.SECONDS));
        engine.completeCallback(callbackId.get(), "fast answer");
        completed.countDown();
        assertEquals("fast answer", h.result(RESULT_TIMEOUT));
    }

    @Test
    void waitForCallbackHandsTheIdToTheSubmitterAndReturnsTheResult() {
        ConcurrentHashMap<String, String> external = new ConcurrentHashMap<>();
        AtomicInteger submissions = new AtomicInteger();
        DurableEngine engine = started(builder().register("ask", String.class, String.class, (prompt, ctx) ->
                ctx.waitForCallback("model", String.class, (id, step) -> {
                    submissions.incrementAndGet();
                    external.put("pending", id);
                }, CallbackConfig.builder().timeout(Duration.ofMinutes(5)).build())));
        ExecutionHandle<String> h = engine.startExecution("ask", "hello?", String.class, StartOptions.defaults());
        await().atMost(RESULT_TIMEOUT).until(() -> external.containsKey("pending"));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallback(external.get("pending"), "# Answer");
        assertEquals("# Answer", h.result(RESULT_TIMEOUT));
        assertEquals(1, submissions.get());
        List<OperationDescription> ops = engine.describe(h.executionId()).operations();
        assertEquals(List.of("1", "1-1", "1-2"), ops.stream().map(OperationDescription::id).toList());
        assertEquals(OperationType.CONTEXT, ops.get(0).type());
        assertEquals(OperationStatus.SUCCEEDED, ops.get(0).status());
    }

    @Test
    void aFailingSubmitterFailsTheCallbackInsteadOfHanging() {
        AtomicReference<String> submittedId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("unreachable", String.class, String.class, (prompt, ctx) -> {
            try {
                return ctx.waitForCallback("model", String.class, (id, step) -> {
                    submittedId.set(id);
                    throw new java.net.ConnectException("model service unreachable");
                }, CallbackConfig.builder().submitterConfig(StepConfig.builder()
                        .retryStrategy(RetryStrategies.fixedDelay(2, Duration.ZERO)).build()).build());
            } catch (CallbackFailedException e) {
                return "gave up: " + e.getMessage();
            }
        }));
        ExecutionHandle<String> h = engine.startExecution("unreachable", "x", String.class, StartOptions.defaults());
        String result = h.result(RESULT_TIMEOUT);
        assertTrue(result.startsWith("gave up: ") && result.contains("model service unreachable"), result);
        assertThrows(CallbackAlreadyCompletedException.class, () -> engine.completeCallback(submittedId.get(), "late"));
    }

    // ================================================================== cancel

    @Test
    void cancellingASuspendedExecutionStopsItAtOnce() {
        DurableEngine engine = started(builder().register("cancellable", String.class, String.class, (in, ctx) -> {
            ctx.wait("forever-ish", Duration.ofDays(365));
            return "never";
        }));
        ExecutionHandle<String> h = engine.startExecution("cancellable", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals(ExecutionStatus.CANCELLED, engine.cancel(h.executionId(), "customer changed their mind"));
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.CANCELLED, e.status());
        assertTrue(e.getMessage().contains("customer changed their mind"), e.getMessage());
    }

    @Test
    void cancellingARunningExecutionStopsItAtItsNextCheckpoint() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger afterCancel = new AtomicInteger();
        DurableEngine engine = started(builder().register("busy", String.class, String.class, (in, ctx) -> {
            ctx.step("long", String.class, s -> {
                inStep.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
                return "done";
            });
            ctx.step("next", String.class, s -> "n" + afterCancel.incrementAndGet());
            return "finished";
        }));
        ExecutionHandle<String> h = engine.startExecution("busy", "x", String.class, StartOptions.defaults());
        assertTrue(inStep.await(10, TimeUnit.SECONDS));
        assertEquals(ExecutionStatus.RUNNING, engine.cancel(h.executionId(), "stop"));
        release.countDown();
        ExecutionFailedException e = assertThrows(ExecutionFailedException.class, () -> h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.CANCELLED, e.status());
        assertEquals(0, afterCancel.get(), "nothing runs after the cancelled checkpoint");
    }

    @Test
    void cancellingAFinishedExecutionChangesNothing() {
        DurableEngine engine = started(builder().register("quick", String.class, String.class, (in, ctx) -> "done"));
        ExecutionHandle<String> h = engine.startExecution("quick", "x", String.class, StartOptions.defaults());
        assertEquals("done", h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.SUCCEEDED, engine.cancel(h.executionId(), "too late"));
        assertEquals("done", h.result(RESULT_TIMEOUT));
        assertThrows(UnknownExecutionException.class, () -> engine.cancel("no-such-execution", "r"));
    }

    // ================================================================== restarts

    @Test
    void executionsWaitingWhenTheEngineClosesResumeAfterARestart() {
        AtomicInteger stepRuns = new AtomicInteger();
        DurableFunction<String, String> fn = (in, ctx) -> {
            String a = ctx.step("a", String.class, s -> "a" + stepRuns.incrementAndGet());
            ctx.wait("w", Duration.ofMinutes(10));
            return a + ctx.step("b", String.class, s -> "b" + stepRuns.incrementAndGet());
        };
        DurableEngine engine = started(builder().register("restartable", String.class, String.class, fn));
        ExecutionHandle<String> h = engine.startExecution("restartable", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        DurableEngine next = restart(engine, b -> b.register("restartable", String.class, String.class, fn));
        clock.advance(Duration.ofMinutes(10));
        assertEquals("a1b2", next.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void anExecutionRunningWhenTheEngineClosesResumesOnTheNextStart() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        DurableFunction<String, String> fn = (in, ctx) -> {
            String a = ctx.step("a", String.class, s -> "a");
            return a + ctx.step("slow", String.class, s -> {
                if (runs.incrementAndGet() == 1) {
                    inStep.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }
                return "b";
            });
        };
        DurableEngine engine = started(builder().register("slow", String.class, String.class, fn));
        ExecutionHandle<String> h = engine.startExecution("slow", "x", String.class, StartOptions.defaults());
        assertTrue(inStep.await(10, TimeUnit.SECONDS));
        engine.close(); // the step is still running: its result is never checkpointed
        release.countDown();

        DurableEngine next = restart(engine, b -> b.register("slow", String.class, String.class, fn));
        assertEquals("ab", next.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
        assertEquals(2, runs.get(), "an at-least-once step cut short runs again");
    }

    @Test
    void anAtMostOnceAttemptCutShortCountsAsFailedAndIsNotRunAgain() throws Exception {
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        DurableFunction<String, String> fn = (in, ctx) -> {
            try {
                return ctx.step("pay", String.class, s -> {
                    runs.incrementAndGet();
                    inStep.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return "paid";
                }, StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
                        .retryStrategy(RetryStrategies.none()).build());
            } catch (StepFailedException e) {
                return "not paid: " + e.error().type();
            }
        };
        DurableEngine engine = started(builder().register("pay", String.class, String.class, fn));
        ExecutionHandle<String> h = engine.startExecution("pay", "x", String.class, StartOptions.defaults());
        assertTrue(inStep.await(10, TimeUnit.SECONDS));
        engine.close();
        release.countDown();

        DurableEngine next = restart(engine, b -> b.register("pay", String.class, String.class, fn));
        assertEquals("not paid: " + StepInterruptedException.class.getName(),
                next.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
        assertEquals(1, runs.get());
    }

    @Test
    void anExecutionWhoseFunctionIsNoLongerRegisteredIsParkedAndResumesWhenItIsRegisteredAgain() {
        DurableFunction<String, String> fn = (in, ctx) -> {
            ctx.wait("w", Duration.ofMinutes(1));
            return "resumed " + in;
        };
        DurableEngine engine = started(builder().register("legacy", String.class, String.class, fn));
        ExecutionHandle<String> h = engine.startExecution("legacy", "x", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        DurableEngine without = restart(engine, b -> b.register("other", String.class, String.class, (in, ctx) -> in));
        clock.advance(Duration.ofMinutes(1));
        awaitStatus(without, h.executionId(), ExecutionStatus.PARKED);
        ExecutionDescription parked = without.describe(h.executionId());
        assertTrue(parked.error().message().contains("'legacy' is not registered"), parked.error().message());
        // The engine keeps running other work.
        assertEquals("ok", without.startExecution("other", "ok", String.class, StartOptions.defaults()).result(RESULT_TIMEOUT));

        DurableEngine with = restart(without, b -> b.register("legacy", String.class, String.class, fn));
        assertEquals("resumed x", with.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
    }

    @Test
    void aParkedExecutionResumesWhenItsFunctionIsRegisteredOnTheRunningEngine() {
        DurableFunction<String, String> fn = (in, ctx) -> {
            ctx.wait("w", Duration.ofMinutes(1));
            return "resumed " + in;
        };
        DurableEngine engine = started(builder().register("late", String.class, String.class, fn));
        ExecutionHandle<String> h = engine.startExecution("late", "y", String.class, StartOptions.defaults());
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        DurableEngine without = restart(engine, b -> b);
        clock.advance(Duration.ofMinutes(1));
        awaitStatus(without, h.executionId(), ExecutionStatus.PARKED);
        without.register("late", String.class, String.class, fn);
        assertEquals("resumed y", without.handle(h.executionId(), String.class).result(RESULT_TIMEOUT));
    }

    // ================================================================== API misuse

    @Test
    void theBuilderRejectsBadSettingsNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DurableEngine.builder().concurrency(0))
                .getMessage().contains("concurrency"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DurableEngine.builder().leaseDuration(Duration.ZERO))
                .getMessage().contains("leaseDuration"));
        assertTrue(assertThrows(IllegalStateException.class, () -> DurableEngine.builder().build())
                .getMessage().contains("store"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder()
                .register("same", String.class, String.class, (in, ctx) -> in)
                .register("same", String.class, String.class, (in, ctx) -> in).build())
                .getMessage().contains("'same' is already registered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder()
                .register((DurableFunction<String, String>) (in, ctx) -> in).build())
                .getMessage().contains("cannot read the input and output types"));
    }

    @Test
    void usingTheEngineBeforeStartIsRejected() {
        DurableEngine engine = builder().register("f", String.class, String.class, (in, ctx) -> in).build();
        engines.add(engine);
        EngineClosedException e = assertThrows(EngineClosedException.class, () ->
                engine.startExecution("f", "x", String.class, StartOptions.defaults()));
        assertTrue(e.getMessage().contains("start()"), e.getMessage());
    }

    @DurableWorkflow(name = "greeting")
    static final class Greeting implements DurableFunction<String, Reply> {
        @Override
        public Reply handle(String name, DurableContext ctx) {
            return new Reply(200, ctx.step("greet", String.class, s -> "hello " + name));
        }
    }

    @Test
    void aFunctionClassIsRegisteredUnderItsAnnotatedNameWithItsDeclaredTypes() {
        DurableEngine engine = started(builder().register(new Greeting()));
        ExecutionHandle<Reply> h = engine.startExecution(Greeting.class, "ada");
        assertEquals(new Reply(200, "hello ada"), h.result(RESULT_TIMEOUT));
        assertEquals("greeting", engine.describe(h.executionId()).function());
        assertNull(engine.describe(h.executionId()).error());
        assertNotNull(h.future().join());
        assertFalse(Collections.emptyList().contains(h.executionId()));
    }
}
