package dev.cairn;

import dev.cairn.internal.UserText;
import dev.cairn.internal.engine.EngineSettings;
import dev.cairn.internal.engine.Engines;
import dev.cairn.internal.run.Registration;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs durable functions in this JVM and checkpoints them to an {@link ExecutionStore}.
 *
 * <pre>{@code
 * DurableEngine engine = DurableEngine.builder()
 *     .store(JdbcExecutionStore.h2(Path.of("cairn-data")))
 *     .register(new Greeting())
 *     .build();
 * engine.start();
 * ExecutionHandle<Reply> h = engine.startExecution(Greeting.class, request);
 * Reply reply = h.result();
 * }</pre>
 *
 * <p>{@link #start()} creates or migrates the schema, resumes executions that were running when a JVM stopped,
 * and starts the scheduler. {@link #close()} stops taking work and waits briefly for running executions to reach
 * a checkpoint; any that are still running resume on the next start (here or on another node).
 */
public interface DurableEngine extends AutoCloseable {

    /** A builder. */
    static Builder builder() {
        return new Builder();
    }

    /** Recovers unfinished executions and starts the scheduler. Idempotent. */
    void start();

    /**
     * Registers a function on a running engine. Executions of it that were parked for want of it resume.
     *
     * @throws IllegalArgumentException if the name is already registered
     */
    void register(DurableFunction<?, ?> function);

    /**
     * Registers a function, such as a lambda, on a running engine under an explicit name and types. Executions of
     * it that were parked for want of it resume.
     *
     * @throws IllegalArgumentException if the name is already registered
     */
    <I, O> void register(String name, Class<I> inputType, Class<O> outputType, DurableFunction<I, O> function);

    /**
     * Starts an execution of a registered function class.
     *
     * @throws UnknownFunctionException if no function of that class is registered
     * @throws SerializationException   if the input cannot be serialized or exceeds the payload limit
     * @throws IllegalArgumentException if the input is null
     */
    <I, O> ExecutionHandle<O> startExecution(Class<? extends DurableFunction<I, O>> function, I input);

    /**
     * Starts an execution with options, such as a unique name.
     *
     * @throws ExecutionAlreadyExistsException if the name is taken by an execution with another function or input
     */
    <I, O> ExecutionHandle<O> startExecution(Class<? extends DurableFunction<I, O>> function, I input, StartOptions options);

    /**
     * Starts an execution of a function by its registered name.
     *
     * @param outputType the class the result is read as
     */
    <O> ExecutionHandle<O> startExecution(String functionName, Object input, Class<O> outputType, StartOptions options);

    /** A handle on an existing execution, reading its result as {@code outputType}. */
    <O> ExecutionHandle<O> handle(String executionId, Class<O> outputType);

    /** A handle on an existing execution, reading its result as a generic type. */
    <O> ExecutionHandle<O> handle(String executionId, TypeRef<O> outputType);

    /**
     * An execution with its status, input, result or error, timestamps, operations and callbacks.
     *
     * @throws UnknownExecutionException if there is none with that id
     */
    ExecutionDescription describe(String executionId);

    /**
     * Lists executions, newest first, one page at a time: those that pass the query's filters, from its cursor on.
     * A page reads only the executions' rows, not their inputs, results or operations.
     *
     * <pre>{@code
     * ExecutionPage page = engine.listExecutions(ExecutionQuery.builder().function("order")
     *         .statuses(EnumSet.of(ExecutionStatus.FAILED)).limit(100).build());
     * }</pre>
     *
     * @return the page, with the cursor of the next one if there are more
     */
    ExecutionPage listExecutions(ExecutionQuery query);

    /** How many executions there are in each status; every status is present, with 0 if there is none. */
    java.util.Map<ExecutionStatus, Long> countByStatus();

    /**
     * How many timers this node's scheduler holds and has not fired yet: one for each suspended execution whose
     * wait, retry backoff, callback timeout or execution timeout is due within the scheduler's window
     * ({@link Builder#schedulerWindow}), loaded from the store or set by a run on this node. Timers due later are
     * only in the store until the window reaches them. Reads no store: cheap enough for a gauge. An execution woken
     * early (by a callback, say) may keep its timer here until it is due; firing it then is harmless.
     *
     * @return the number of timers held, 0 for an engine without a scheduler of its own
     */
    default int scheduledTimers() {
        return 0;
    }

    /**
     * An execution's history: its events in the order they happened, without payloads (see {@link HistoryEvent}).
     *
     * @throws UnknownExecutionException if there is none with that id
     */
    default List<HistoryEvent> history(String executionId) {
        return history(executionId, HistoryOptions.DEFAULT);
    }

    /**
     * An execution's history, with payloads and full errors if the options say so.
     *
     * @throws UnknownExecutionException if there is none with that id
     */
    List<HistoryEvent> history(String executionId, HistoryOptions options);

    /**
     * Completes a callback with a result; its execution resumes.
     *
     * @throws UnknownCallbackException           if no callback has that id
     * @throws CallbackAlreadyCompletedException  if it was already completed, failed or timed out (the first
     *                                            outcome stands), or its execution has ended
     * @throws SerializationException             if the result cannot be serialized or is too large, cannot be
     *                                            read as the type the workflow declared, or the callback's
     *                                            operation reads it with a serializer of its own (complete it with
     *                                            {@link #completeCallbackRaw}); the callback stays pending
     */
    void completeCallback(String callbackId, Object result);

    /**
     * Completes a callback with its result as serialized text, stored as given: the way to complete a callback
     * whose operation reads its result with a serializer of its own
     * ({@link dev.cairn.config.CallbackConfig.Builder#serializer}), which {@link #completeCallback} refuses. That
     * serializer reads the text when the workflow asks for the result; text it cannot read makes the workflow's
     * {@code result()} throw {@link SerializationException} there. For a callback read with the engine's serializer,
     * the text must be what that serializer reads as the declared type (JSON with the default serializer:
     * {@code "\"approved\""}, {@code "{\"approve\": true}"}), and is checked before anything is written. A
     * {@code null} payload is a {@code null} result.
     *
     * @param payload the result as the callback's serializer writes it
     * @throws UnknownCallbackException          if no callback has that id
     * @throws CallbackAlreadyCompletedException if it was already completed, failed or timed out (the first
     *                                           outcome stands), or its execution has ended
     * @throws SerializationException            if the text is larger than the payload limit or holds what the store
     *                                           cannot, or the engine's serializer cannot read it as the declared
     *                                           type; the callback stays pending
     */
    void completeCallbackRaw(String callbackId, String payload);

    /**
     * Fails a callback; its execution resumes and {@link DurableCallback#result()} throws
     * {@link CallbackFailedException} with this type and message.
     *
     * @throws UnknownCallbackException          if no callback has that id
     * @throws CallbackAlreadyCompletedException if it was already completed, failed or timed out
     */
    void failCallback(String callbackId, String errorType, String message);

    /**
     * Records a heartbeat: the callback's heartbeat deadline moves to now plus its heartbeat timeout.
     *
     * @throws UnknownCallbackException          if no callback has that id
     * @throws CallbackAlreadyCompletedException if it was already completed, failed or timed out
     */
    void heartbeatCallback(String callbackId);

    /**
     * Cancels an execution: a suspended or pending one at once, a running one at its next checkpoint.
     *
     * @return the status after the request: CANCELLED, RUNNING (cancel requested), or the terminal status it
     *         already had (nothing changed then)
     * @throws UnknownExecutionException if there is none with that id
     */
    ExecutionStatus cancel(String executionId, String reason);

    /**
     * Cancels an execution and, if the options say so, the executions it invoked.
     *
     * @see #cancel(String, String)
     */
    ExecutionStatus cancel(String executionId, String reason, CancelOptions options);

    /**
     * When this node last renewed the leases of the executions it runs, on the lease clock
     * ({@link Builder#leaseClock}, real time unless a test changed it), for health checks; empty unless the engine is
     * started and not closed.
     *
     * <p>The scheduler renews leases every third of {@link Builder#leaseDuration leaseDuration}, and counts a pass
     * with no lease to renew as a renewal; until its first pass this is the time the engine started. A renewal
     * further back than a third of the lease is late: the scheduler's thread is stuck, or the store fails (an
     * outage). One further back than the whole lease duration means that other nodes sharing the database may
     * already have taken over executions that this node is still running.
     *
     * @return the lease-clock time of the last renewal that succeeded, or empty if the engine is not running
     */
    Optional<Instant> lastLeaseRenewal();

    /**
     * Stops the engine: no new work is taken, running executions get {@code shutdownGrace} (builder) to reach a
     * checkpoint, and whatever is still running resumes on the next start.
     */
    @Override
    void close();

    /** Builds a {@link DurableEngine}. */
    final class Builder {
        private ExecutionStore store;
        private boolean closeStore;
        private final List<Registration> registrations = new ArrayList<>();
        private Serializer serializer = Serializer.jackson();
        private Clock clock = Clock.system();
        private Clock leaseClock = Clock.system();
        private int concurrency = 32;
        private int maxPayloadBytes = 256 * 1024;
        private Duration leaseDuration = Duration.ofSeconds(30);
        private Duration schedulerWindow = Duration.ofSeconds(60);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration tick = Duration.ofMillis(50);
        private Duration shutdownGrace = Duration.ofSeconds(5);
        private int historyCacheSize = 10_000;
        private final List<ExecutionListener> listeners = new ArrayList<>();
        private final List<ExecutionContextPropagator> propagators = new ArrayList<>();
        private String nodeId;

        private Builder() {
        }

        /**
         * Where executions are checkpointed; this or {@link #ownStore} is required. The engine does not close a store
         * it was given: close it after the engine.
         */
        public Builder store(ExecutionStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.closeStore = false;
            return this;
        }

        /**
         * Where executions are checkpointed, a store the engine owns: {@link DurableEngine#close()} closes it after
         * the engine has stopped. For a store opened just for the engine, such as
         * {@code ownStore(JdbcExecutionStore.h2(Path.of("cairn-data")))}, which would otherwise stay open (and keep
         * its file locked) after the engine closes.
         */
        public Builder ownStore(ExecutionStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.closeStore = true;
            return this;
        }

        /**
         * Registers a function under the name of its {@link DurableWorkflow} annotation, or its class's simple
         * name. Its input and output types are read from the class's {@code DurableFunction<I, O>} declaration.
         */
        public Builder register(DurableFunction<?, ?> function) {
            Objects.requireNonNull(function, "function");
            registrations.add(new Registration(null, function, null, null));
            return this;
        }

        /** Registers a function under an explicit name. */
        public Builder register(String name, DurableFunction<?, ?> function) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(function, "function");
            registrations.add(new Registration(name, function, null, null));
            return this;
        }

        /**
         * Registers a function, such as a lambda, whose input and output types cannot be read from its class.
         */
        public <I, O> Builder register(String name, Class<I> inputType, Class<O> outputType, DurableFunction<I, O> function) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(function, "function");
            registrations.add(new Registration(name, function, Objects.requireNonNull(inputType, "inputType"),
                    Objects.requireNonNull(outputType, "outputType")));
            return this;
        }

        /** How values are checkpointed; JSON through Jackson by default. */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * The engine's clock: what waits, retries, callback timeouts and {@code ctx.now()} read. The system clock
         * by default; a {@code VirtualClock} in tests.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The clock that measures leases, which says whether a node is alive: real elapsed time. Change it only
         * to test lease expiry.
         */
        public Builder leaseClock(Clock leaseClock) {
            this.leaseClock = Objects.requireNonNull(leaseClock, "leaseClock");
            return this;
        }

        /** How many executions run at once on this node (threads); 32 by default. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * The largest serialized input, step result, callback result or output, in UTF-8 bytes; 256 KiB by
         * default. A larger value fails with {@link SerializationException} and nothing is written.
         */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            if (maxPayloadBytes < 16) {
                throw new IllegalArgumentException("maxPayloadBytes must be at least 16, was " + maxPayloadBytes);
            }
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * How long a node owns a running execution without renewing its lease; 30 s by default. A node that dies
         * loses its executions to other nodes this long after its last renewal.
         */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = positive("leaseDuration", leaseDuration);
            return this;
        }

        /** How far ahead the scheduler loads due timers into memory; 60 s by default. */
        public Builder schedulerWindow(Duration schedulerWindow) {
            this.schedulerWindow = positive("schedulerWindow", schedulerWindow);
            return this;
        }

        /**
         * How often the scheduler asks the store for due executions that other nodes or callbacks made runnable,
         * and for expired leases; 1 s by default.
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = positive("pollInterval", pollInterval);
            return this;
        }

        /** The timer wheel's resolution; 50 ms by default. */
        public Builder tick(Duration tick) {
            this.tick = positive("tick", tick);
            return this;
        }

        /** How long {@link DurableEngine#close()} waits for running executions; 5 s by default. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, was " + shutdownGrace);
            }
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** How many executions' histories are kept in memory between runs; 10,000 by default. */
        public Builder historyCacheSize(int historyCacheSize) {
            if (historyCacheSize < 0) {
                throw new IllegalArgumentException("historyCacheSize must not be negative, was " + historyCacheSize);
            }
            this.historyCacheSize = historyCacheSize;
            return this;
        }

        /**
         * This node's id, recorded as the owner of the executions it runs; random by default. Give each process
         * that runs at the same time its own id. A process that starts under the id of one that died (a fixed
         * hostname, say) resumes at once what that one left running, without waiting for its leases to run out.
         *
         * @throws IllegalArgumentException if it is blank, longer than 200 characters, or not printable
         */
        public Builder nodeId(String nodeId) {
            Objects.requireNonNull(nodeId, "nodeId");
            this.nodeId = dev.cairn.internal.UserText.checkName(nodeId, "node");
            return this;
        }

        /**
         * Adds a listener, told what the engine does (see {@link ExecutionListener}); several may be added, and are
         * called in the order they were.
         */
        public Builder listener(ExecutionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a context propagator, which carries a context (a trace, a tenant) from where an execution starts to
         * every run of it (see {@link ExecutionContextPropagator}); several may be added, and are called in the order
         * they were. Without one, nothing is captured or stored.
         */
        public Builder contextPropagator(ExecutionContextPropagator propagator) {
            propagators.add(Objects.requireNonNull(propagator, "propagator"));
            return this;
        }

        /**
         * Builds the engine; call {@link DurableEngine#start()} next.
         *
         * @throws IllegalStateException    if no store was given
         * @throws IllegalArgumentException if two functions share a name, or a function's types cannot be read
         */
        public DurableEngine build() {
            if (store == null) {
                throw new IllegalStateException("no store: call store(...), for example "
                        + "store(JdbcExecutionStore.h2(Path.of(\"cairn-data\")))");
            }
            return Engines.create(new EngineSettings(store, closeStore, List.copyOf(registrations), serializer, clock,
                    leaseClock, concurrency, maxPayloadBytes, leaseDuration, schedulerWindow, pollInterval, tick,
                    shutdownGrace, historyCacheSize, nodeId, List.copyOf(listeners), List.copyOf(propagators)));
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }

}
