package dev.cairn.test;

import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A durable engine for tests, on a {@link VirtualClock}: it runs an execution until it ends or waits, skips virtual
 * time through its waits, retry backoffs, polls and timeouts, completes its callbacks by operation name, and kills
 * and resumes its engine where a test says.
 *
 * <pre>{@code
 * try (TestEngine engine = TestEngine.inMemory()) {
 *     TestResult<Receipt> r = engine.run(new OrderWorkflow(), order);          // runs to the approval callback
 *     engine.completeCallback(r.executionId(), "approval", "approved");
 *     Receipt receipt = engine.runUntilComplete(r).result();                    // skips the 24-hour wait
 * }
 * }</pre>
 *
 * <p>Nothing here sleeps: after every step of a test the kit waits for the engine to have done what it can at the
 * current virtual time (every execution of the test ended, or suspended with its next wake-up in the future), woken
 * by the engine's own writes to the store, and then moves the clock straight to the next wake-up the store records.
 * Every wait is bounded in real time by {@link #timeout(Duration)} (30 s by default), after which the test fails
 * saying what was still running.
 *
 * <p>The engine is a real {@link DurableEngine} on the store the kit was given, with a timer tick of one
 * millisecond. A TestEngine is for one test thread at a time; {@link #close()} closes the engine, and the store if
 * the kit opened it.
 */
public final class TestEngine implements AutoCloseable {

    /** How long the kit waits in real time for the engine to settle, by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How many times {@link #runUntilComplete} moves the clock before it gives up, by default. */
    public static final int DEFAULT_MAX_TIME_SKIPS = 10_000;

    private final ExecutionStore store;
    private final AutoCloseable onClose;
    private final VirtualClock clock;
    private final Serializer serializer = Serializer.jackson();
    private final String nodeId = "cairn-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final WatchedStore.Writes writes = new WatchedStore.Writes();
    private final Set<String> created = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Consumer<DurableEngine.Builder>> registrations = new ArrayList<>();
    private final Map<Class<?>, Registered> byClass = new HashMap<>();
    private final Map<String, Registered> byName = new HashMap<>();
    private final List<String> crashes = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxTimeSkips = DEFAULT_MAX_TIME_SKIPS;
    private final ExecutionProbe probe;
    private WatchedStore watched;
    private DurableEngine engine;
    private boolean closed;

    private record Registered(String name, DurableFunction<?, ?> function, Type outputType) {
    }

    private TestEngine(ExecutionStore store, AutoCloseable onClose, VirtualClock clock) {
        this.store = store;
        this.onClose = onClose;
        this.clock = clock;
        this.probe = new ExecutionProbe(store, clock, () -> engine);
        startEngine();
    }

    /** A test engine on a fresh {@link InMemoryExecutionStore}. */
    public static TestEngine inMemory() {
        InMemoryExecutionStore store = new InMemoryExecutionStore();
        return new TestEngine(store, store, new VirtualClock());
    }

    /**
     * A test engine on a store of the test's (a {@code JdbcExecutionStore} on the team's database, say), which
     * {@link #close()} leaves open.
     */
    public static TestEngine on(ExecutionStore store) {
        return new TestEngine(Objects.requireNonNull(store, "store"), () -> { }, new VirtualClock());
    }

    /** A test engine on a store that {@link #close()} closes (with {@code onClose}) after the engine. */
    static TestEngine owning(ExecutionStore store, AutoCloseable onClose) {
        return new TestEngine(store, onClose, new VirtualClock());
    }

    /** A test engine on a store that {@link #close()} closes after the engine, its clock standing at {@code now}. */
    static TestEngine owning(ExecutionStore store, AutoCloseable onClose, Instant now) {
        return new TestEngine(store, onClose, new VirtualClock(now));
    }

    /** Waits until an execution (and what it invoked) ended, or waits with nothing due now; returns its row. */
    ExecutionRecord settle(String executionId) {
        settle(List.of(executionId));
        return probe.row(executionId);
    }

    // ---------------------------------------------------------------------------------------------- configuration

    /**
     * How long, in real time, the kit waits for the engine to settle after each start, callback or clock move
     * before it fails the test (30 s by default): a step that never returns is reported instead of hanging.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public TestEngine timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * How many times {@link #runUntilComplete} may move the clock to the next wake-up before it fails the test
     * (10,000 by default): a workflow that polls forever is reported instead of looping.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public TestEngine maxTimeSkips(int maxTimeSkips) {
        if (maxTimeSkips < 1) {
            throw new IllegalArgumentException("maxTimeSkips must be at least 1, was " + maxTimeSkips);
        }
        this.maxTimeSkips = maxTimeSkips;
        return this;
    }

    /**
     * Registers a function under its {@code @DurableWorkflow} name or its class's simple name. Its input and output
     * types are read from its class, as the engine reads them.
     *
     * @throws IllegalArgumentException if a function with that name is registered already
     */
    public TestEngine register(DurableFunction<?, ?> function) {
        Objects.requireNonNull(function, "function");
        add(new Registered(FunctionTypes.nameOf(function), function, FunctionTypes.outputType(function)),
                b -> b.register(function), e -> e.register(function));
        return this;
    }

    /**
     * Registers a function, such as a lambda, under a name with explicit input and output types.
     *
     * @throws IllegalArgumentException if a function with that name is registered already
     */
    public <I, O> TestEngine register(String name, Class<I> inputType, Class<O> outputType,
            DurableFunction<I, O> function) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(function, "function");
        add(new Registered(name, function, outputType), b -> b.register(name, inputType, outputType, function),
                e -> e.register(name, inputType, outputType, function));
        return this;
    }

    private void add(Registered registered, Consumer<DurableEngine.Builder> onFreshEngine,
            Consumer<DurableEngine> onEngine) {
        checkOpen();
        if (byName.containsKey(registered.name())) {
            throw new IllegalArgumentException("a function named '" + registered.name() + "' is registered already ("
                    + byName.get(registered.name()).function().getClass().getName() + ")");
        }
        onEngine.accept(engine); // the engine checks the name and the types, and refuses before anything changes
        registrations.add(onFreshEngine);
        byName.put(registered.name(), registered);
        byClass.putIfAbsent(registered.function().getClass(), registered);
    }

    // ---------------------------------------------------------------------------------------------- running

    /**
     * Starts an execution of {@code function} (registered now if its class is not yet) and runs it until it ends
     * or suspends with nothing due at the current virtual time. The clock does not move.
     *
     * @throws IllegalArgumentException if another instance of the function's class is registered
     * @throws AssertionError           if the engine has not settled within {@link #timeout(Duration)}
     */
    public <I, O> TestResult<O> run(DurableFunction<I, O> function, I input) {
        return run(function, input, StartOptions.defaults());
    }

    /** {@link #run(DurableFunction, Object)} with start options (a unique name, an execution timeout). */
    public <I, O> TestResult<O> run(DurableFunction<I, O> function, I input, StartOptions options) {
        String id = start(registeredFor(function), input, options);
        settle(List.of(id));
        checkCrashPlanUsed();
        return result(id, registeredFor(function).outputType());
    }

    /** {@link #run(DurableFunction, Object)} for the registered function of class {@code function}. */
    public <I, O> TestResult<O> run(Class<? extends DurableFunction<I, O>> function, I input) {
        @SuppressWarnings("unchecked")
        DurableFunction<I, O> registered = (DurableFunction<I, O>) registeredOf(function).function();
        return run(registered, input);
    }

    /**
     * Starts an execution of {@code function} and runs it to its end, skipping virtual time: whenever it is
     * suspended with a wake-up in the future (a wait, a retry backoff, a {@code waitForCondition} delay, a
     * callback's timeout or heartbeat deadline, an execution timeout), the clock moves to that wake-up.
     *
     * @throws ExecutionBlockedException if it is suspended with nothing due, so that only a callback completed from
     *                                   outside could move it on; the message names the pending callbacks
     * @throws AssertionError            if it has not ended after {@link #maxTimeSkips(int)} moves of the clock, or
     *                                   the engine did not settle within {@link #timeout(Duration)}
     */
    public <I, O> TestResult<O> runUntilComplete(DurableFunction<I, O> function, I input) {
        return runUntilComplete(function, input, StartOptions.defaults());
    }

    /** {@link #runUntilComplete(DurableFunction, Object)} with start options. */
    public <I, O> TestResult<O> runUntilComplete(DurableFunction<I, O> function, I input, StartOptions options) {
        Registered registered = registeredFor(function);
        String id = start(registered, input, options);
        return complete(id, registered.outputType());
    }

    /** {@link #runUntilComplete(DurableFunction, Object)} for the registered function of class {@code function}. */
    public <I, O> TestResult<O> runUntilComplete(Class<? extends DurableFunction<I, O>> function, I input) {
        @SuppressWarnings("unchecked")
        DurableFunction<I, O> registered = (DurableFunction<I, O>) registeredOf(function).function();
        return runUntilComplete(registered, input);
    }

    /**
     * Runs an execution started earlier to its end, skipping virtual time, as
     * {@link #runUntilComplete(DurableFunction, Object)} does.
     */
    public <O> TestResult<O> runUntilComplete(TestResult<O> execution) {
        Objects.requireNonNull(execution, "execution");
        return complete(execution.executionId(), execution.outputType());
    }

    private <O> TestResult<O> complete(String id, Type outputType) {
        int skips = 0;
        while (true) {
            settle(List.of(id));
            ExecutionRecord row = probe.row(id);
            if (row.status().isTerminal()) {
                checkCrashPlanUsed();
                return result(id, outputType);
            }
            if (row.status() == ExecutionStatus.PARKED) {
                throw new AssertionError("execution " + id + " is PARKED: " + (row.error() == null ? "its function is"
                        + " not registered" : row.error().message()) + ". Register it on the test engine first");
            }
            Instant next = probe.nextWakeUp(id);
            if (next == null) {
                if (probe.firstBusy(List.of(id)) != null) {
                    continue; // it moved on since it settled (a resumed engine claimed it): settle again
                }
                throw probe.blocked(id);
            }
            if (++skips > maxTimeSkips) {
                throw new AssertionError("execution " + id + " has not ended after " + maxTimeSkips + " moves of the"
                        + " clock (now " + clock.now() + ", next wake-up " + next + "): a loop of waits or polls that"
                        + " never ends? Raise TestEngine.maxTimeSkips if it is meant to be that long.\n"
                        + ExecutionReport.of(engine, List.of(id)));
            }
            clock.set(next);
        }
    }

    /**
     * Moves the clock forward by {@code duration} and waits until the engine has run what became due.
     *
     * @return the clock's new time
     */
    public Instant advance(Duration duration) {
        checkOpen();
        Instant now = clock.advance(duration);
        settle(List.copyOf(created));
        return now;
    }

    /** The current result of an execution started earlier, as a fresh snapshot. */
    public <O> TestResult<O> result(TestResult<O> execution) {
        Objects.requireNonNull(execution, "execution");
        return result(execution.executionId(), execution.outputType());
    }

    /** The current result of any execution of this engine, its result read as JSON would be (maps, lists). */
    public TestResult<Object> result(String executionId) {
        Objects.requireNonNull(executionId, "executionId");
        return result(executionId, Object.class);
    }

    private <O> TestResult<O> result(String id, Type outputType) {
        return new TestResult<>(engine.describe(id), engine.history(id, dev.cairn.HistoryOptions.withData()),
                outputType, serializer);
    }

    private String start(Registered registered, Object input, StartOptions options) {
        checkOpen();
        Objects.requireNonNull(options, "options");
        String id = engine.startExecution(registered.name(), input, Object.class, options).executionId();
        created.add(id);
        return id;
    }

    private Registered registeredFor(DurableFunction<?, ?> function) {
        Objects.requireNonNull(function, "function");
        checkOpen();
        Registered known = byClass.get(function.getClass());
        if (known == null) {
            register(function);
            return byClass.get(function.getClass());
        }
        if (known.function() != function) {
            throw new IllegalArgumentException("another instance of " + function.getClass().getName()
                    + " is registered as '" + known.name() + "'; run the registered one (run("
                    + function.getClass().getSimpleName() + ".class, input)) or do not register it beforehand");
        }
        return known;
    }

    private Registered registeredOf(Class<?> function) {
        Objects.requireNonNull(function, "function");
        Registered known = byClass.get(function);
        if (known == null) {
            throw new IllegalArgumentException("no function of class " + function.getName() + " is registered; "
                    + "register an instance first, or pass one to run(...)");
        }
        return known;
    }

    // ---------------------------------------------------------------------------------------------- callbacks

    /**
     * The id of the callback of operation {@code operationName} ({@code createCallback(name, ...)} or
     * {@code waitForCallback(name, ...)}) of an execution. If several operations have that name, the one still
     * pending is chosen.
     *
     * @throws NoSuchElementException if the execution has no callback of that name yet
     * @throws IllegalStateException  if several callbacks of that name are pending
     */
    public String callbackId(String executionId, String operationName) {
        return callback(executionId, operationName).id();
    }

    /** Completes the callback of {@code operationName} with {@code result} and runs what it resumes. */
    public void completeCallback(String executionId, String operationName, Object result) {
        engine.completeCallback(callbackId(executionId, operationName), result);
        settle(List.of(executionId));
    }

    /**
     * Completes the callback of {@code operationName} with its result as serialized text, stored as given, and runs
     * what it resumes: how a callback whose {@code CallbackConfig} has a serializer of its own is completed (see
     * {@link DurableEngine#completeCallbackRaw}).
     */
    public void completeCallbackRaw(String executionId, String operationName, String payload) {
        engine.completeCallbackRaw(callbackId(executionId, operationName), payload);
        settle(List.of(executionId));
    }

    /**
     * Fails the callback of {@code operationName} (the workflow's {@code result()} throws
     * {@code CallbackFailedException} with this type and message) and runs what it resumes.
     */
    public void failCallback(String executionId, String operationName, String errorType, String message) {
        engine.failCallback(callbackId(executionId, operationName), errorType, message);
        settle(List.of(executionId));
    }

    /** Records a heartbeat for the callback of {@code operationName}: its heartbeat deadline moves forward. */
    public void heartbeatCallback(String executionId, String operationName) {
        engine.heartbeatCallback(callbackId(executionId, operationName));
        settle(List.of(executionId));
    }

    /**
     * Times out the callback of {@code operationName}: moves the clock to its deadline (its timeout or its
     * heartbeat deadline, whichever comes first), so that it times out as it would in production, and runs what that
     * resumes. Whatever else is due by then runs too.
     *
     * @throws IllegalStateException if the callback is not pending, or has neither a timeout nor a heartbeat timeout
     */
    public void timeoutCallback(String executionId, String operationName) {
        CallbackDescription cb = callback(executionId, operationName);
        if (cb.status() != CallbackStatus.PENDING) {
            throw new IllegalStateException("callback '" + operationName + "' (" + cb.id() + ") of execution "
                    + executionId + " is " + cb.status() + ", not PENDING: it cannot time out");
        }
        Instant deadline = cb.timeoutAt();
        if (cb.heartbeatDeadline() != null && (deadline == null || cb.heartbeatDeadline().isBefore(deadline))) {
            deadline = cb.heartbeatDeadline();
        }
        if (deadline == null) {
            throw new IllegalStateException("callback '" + operationName + "' (" + cb.id() + ") of execution "
                    + executionId + " has no timeout and no heartbeat timeout, so it never times out; give it one"
                    + " with CallbackConfig.builder().timeout(...)");
        }
        if (deadline.isAfter(clock.now())) {
            clock.set(deadline);
        }
        settle(List.copyOf(created));
    }

    private CallbackDescription callback(String executionId, String operationName) {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(operationName, "operationName");
        checkOpen();
        return probe.callback(executionId, operationName);
    }

    // ---------------------------------------------------------------------------------------------- crashes

    /**
     * Kills the engine, as {@code kill -9} would, when it is about to write the first checkpoint of an operation
     * named {@code operationName}, and resumes the execution on a fresh engine over the same store. Nothing of the
     * operation is recorded: a step's body that ran (at least once per retry) runs again. Takes effect for what runs
     * next; the run or {@link #runUntilComplete} that never reaches the operation fails.
     */
    public TestEngine crashBefore(String operationName) {
        return arm(operationName, CrashPlan.Point.BEFORE);
    }

    /**
     * Kills the engine while the operation named {@code operationName} is under way: the first checkpoint that would
     * record an outcome of it (a result, an error, a retry) is lost, and what was checkpointed before (an
     * at-most-once step's start, a wait, a callback created) survives. An at-most-once step interrupted this way
     * fails its attempt with {@code StepInterruptedException} on the fresh engine, which its retry strategy handles.
     * For an operation checkpointed only once it is done (an at-least-once step), the same as {@link #crashBefore}.
     */
    public TestEngine crashAt(String operationName) {
        return arm(operationName, CrashPlan.Point.AT);
    }

    /**
     * Kills the engine right after the checkpoint that ended the operation named {@code operationName} (succeeded or
     * failed) was acknowledged: the engine's next write is lost.
     */
    public TestEngine crashAfter(String operationName) {
        return arm(operationName, CrashPlan.Point.AFTER);
    }

    private TestEngine arm(String operationName, CrashPlan.Point point) {
        Objects.requireNonNull(operationName, "operationName");
        checkOpen();
        if (watched.armed() != null) {
            throw new IllegalStateException(watched.armed().describe() + " is armed already; one crash at a time");
        }
        watched.arm(new CrashPlan(operationName, point));
        return this;
    }

    /** Where engines were killed so far, in order: one line per crash, such as "before operation 'charge' ...". */
    public List<String> crashes() {
        return List.copyOf(crashes);
    }

    private void checkCrashPlanUsed() {
        CrashPlan plan = watched.armed();
        if (plan != null) {
            watched.arm(null);
            throw new AssertionError(plan.describe() + " was never reached: the execution did not checkpoint an"
                    + " operation named '" + plan.operationName + "' there. Operations checkpointed: "
                    + probe.operationNames(List.copyOf(created)));
        }
    }

    /** The engine is dead: drop it as a killed process is dropped, and resume on a fresh one over the same store. */
    private void restartAfterCrash() {
        crashes.add(watched.crashedAt());
        engine.close(); // every write it still tries fails, so this loses what was not acknowledged, and only that
        startEngine();
    }

    private void startEngine() {
        watched = new WatchedStore(store, writes, created::add);
        DurableEngine.Builder builder = DurableEngine.builder()
                .store(watched)
                .clock(clock)
                .nodeId(nodeId)
                .tick(Duration.ofMillis(1))
                .schedulerWindow(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .shutdownGrace(Duration.ofMillis(200));
        registrations.forEach(r -> r.accept(builder));
        engine = builder.build();
        engine.start();
    }

    // ---------------------------------------------------------------------------------------------- settling

    /**
     * Waits until every execution of {@code ids} (and every execution they invoked) has ended, or is suspended or
     * parked with nothing due now. Woken by each write of the engine; a crash met meanwhile is carried out.
     */
    private void settle(List<String> ids) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = writes.count();
            if (watched.crashedAt() != null) {
                restartAfterCrash();
                continue;
            }
            String busy = probe.firstBusy(ids);
            if (busy == null) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("execution " + busy + " is still " + probe.row(busy).status() + " after "
                        + timeout.toMillis() + " ms of real time at virtual time " + clock.now() + ": a step that"
                        + " does not return, or code that waits for something other than the engine?\n"
                        + ExecutionReport.of(engine, ids));
            }
            if (!writes.awaitAfter(seen, Math.min(50, Math.max(1, left / 1_000_000)))) {
                throw new AssertionError("interrupted while waiting for execution " + busy);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- the rest

    /**
     * The recorded checkpoints of an execution as a JSON document that {@link WorkflowReplayer#replay} replays
     * against new code: keep it under {@code src/test/resources} to check that a change does not break executions
     * that are running.
     */
    public String exportHistory(String executionId) {
        return WorkflowReplayer.exportHistory(store, executionId);
    }

    /**
     * What a failing test shows: every execution started on this engine (and every execution they invoked) with
     * its status, error, operations and callbacks.
     */
    public String report() {
        return ExecutionReport.of(engine, List.copyOf(created));
    }

    /** The ids of every execution started on this engine, and of those they invoked, in the order they started. */
    public List<String> executionIds() {
        return List.copyOf(created);
    }

    /** The virtual clock the engine runs on: {@code clock().now()} is the test's "now". */
    public VirtualClock clock() {
        return clock;
    }

    /**
     * The engine as it is now (a fresh one after each crash), for what the kit does not wrap. Waits it causes are not
     * awaited: follow a direct call with {@link #advance(Duration)} (by {@code Duration.ZERO}) to let it settle.
     */
    public DurableEngine engine() {
        return engine;
    }

    /** The store the engine checkpoints to. */
    public ExecutionStore store() {
        return store;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this TestEngine is closed");
        }
    }

    /** Closes the engine, then the store if the kit opened it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.close();
        } finally {
            try {
                onClose.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the test store failed: " + e.getMessage(), e);
            }
        }
    }
}
