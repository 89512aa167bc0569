package dev.cairn.internal.engine;

import dev.cairn.CancelOptions;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.EngineClosedException;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionAlreadyExistsException;
import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionPage;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryOptions;
import dev.cairn.SerializationException;
import dev.cairn.StartOptions;
import dev.cairn.TypeRef;
import dev.cairn.UnknownExecutionException;
import dev.cairn.internal.ContextPropagation;
import dev.cairn.internal.ExecutionIds;
import dev.cairn.internal.Listeners;
import dev.cairn.internal.Payloads;
import dev.cairn.internal.commit.CheckpointWriter;
import dev.cairn.internal.run.ExecutionRunner;
import dev.cairn.internal.run.FunctionRegistry;
import dev.cairn.internal.run.HistoryCache;
import dev.cairn.internal.run.RegisteredFunction;
import dev.cairn.internal.run.Registration;
import dev.cairn.internal.run.RunEnvironment;
import dev.cairn.internal.schedule.Scheduler;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.Serializer;
import dev.cairn.spi.WriteRejectedException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: serves the public API and its lifecycle, and wires its parts together: the {@link Dispatcher}
 * (workers and claims), the {@link ExecutionRunner} (one claim's run), the {@link CheckpointWriter}s (group commit),
 * the {@link Scheduler} (timers and leases), the {@link ResultWaiters}, {@link CallbackCompletions},
 * {@link Cancellations} and {@link Descriptions}. It is the {@link RunEnvironment} of its runs and the
 * {@link Scheduler.Host} of its scheduler.
 */
final class EngineRuntime implements DurableEngine, RunEnvironment, Scheduler.Host {

    private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);
    private static final int WRITERS = 2;

    private enum State { NEW, STARTED, CLOSED }

    private final EngineSettings settings;
    /** The store, called with the calling thread's interrupt flag cleared. */
    private final ExecutionStore store;
    private final Payloads payloads;
    private final String nodeId;
    private final FunctionRegistry registry = new FunctionRegistry();
    /**
     * The group-commit writers. Each execution always goes to the same one (by its id), which keeps its writes in
     * order; two writers let one transaction be prepared while the other commits.
     */
    private final CheckpointWriter[] writers;
    private final HistoryCache histories;
    private final ScheduledExecutorService delays;
    private final Dispatcher dispatcher;
    private final ExecutionRunner runner;
    private final Scheduler scheduler;
    private final ResultWaiters waiters;
    private final CallbackCompletions callbacks;
    private final Cancellations cancellations;
    private final Descriptions descriptions;
    private final Histories historyReader;
    private final ExecutorService branchThreads;
    /** Where the bodies of steps with a timeout run, so that the run need not wait for a body that never returns. */
    private final ExecutorService stepBodies;
    private final Listeners listeners;
    private final ContextPropagation propagation;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    EngineRuntime(EngineSettings settings) {
        this.settings = settings;
        this.store = new InterruptSafeStore(settings.store());
        this.payloads = new Payloads(settings.serializer(), settings.maxPayloadBytes());
        this.listeners = new Listeners(settings.listeners());
        this.propagation = new ContextPropagation(settings.propagators());
        this.nodeId = settings.nodeId() != null ? settings.nodeId() : "node-" + UUID.randomUUID().toString().substring(0, 8);
        for (Registration registration : settings.registrations()) {
            registry.add(registration);
        }
        this.writers = new CheckpointWriter[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            writers[i] = new CheckpointWriter(store, nodeId + "-" + i, listeners);
        }
        this.histories = new HistoryCache(settings.historyCacheSize());
        this.delays = Executors.newSingleThreadScheduledExecutor(daemons("cairn-delays-" + nodeId, null));
        this.waiters = new ResultWaiters(store, this::runsHere);
        this.dispatcher = new Dispatcher(store, nodeId, settings.clock(), settings.leaseClock(),
                settings.leaseDuration(), settings.concurrency(), delays, waiters::runOver);
        this.runner = new ExecutionRunner(this, histories);
        dispatcher.runWith(runner);
        this.scheduler = new Scheduler(this, settings.schedulerWindow(), settings.pollInterval(), settings.tick(),
                settings.leaseDuration());
        this.callbacks = new CallbackCompletions(store, payloads, settings.serializer(), settings.clock(),
                dispatcher::dispatch, dispatcher::claimant, dispatcher::runClaimed);
        this.cancellations = new Cancellations(store, settings.clock(), histories, waiters::ended,
                dispatcher::dispatch);
        this.descriptions = new Descriptions(store);
        this.historyReader = new Histories(store);
        this.branchThreads = Executors.newCachedThreadPool(daemons("cairn-branch-" + nodeId + "-", new AtomicInteger()));
        this.stepBodies = Executors.newCachedThreadPool(daemons("cairn-step-" + nodeId + "-", new AtomicInteger()));
    }

    private static java.util.concurrent.ThreadFactory daemons(String name, AtomicInteger counter) {
        return r -> {
            Thread t = new Thread(r, counter == null ? name : name + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        if (state.get() == State.CLOSED) {
            throw new EngineClosedException("this engine was closed; build a new one");
        }
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            return;
        }
        store.initialize();
        payloads.storeLimits(store.limits());
        Instant now = clock().now();
        if (store.isExclusive()) {
            int released = store.releaseAllRunning(now);
            if (released > 0) {
                log.info("resuming {} executions that were running when the store was last used", released);
            }
        } else {
            // What a process of this node id left running when it died is not running anywhere: resume it now
            // rather than when its leases run out.
            int released = store.releaseOwned(nodeId, now);
            if (released > 0) {
                log.info("resuming {} executions that node {} left running when it last stopped", released, nodeId);
            }
        }
        int unparked = store.unpark(registry.names(), now);
        if (unparked > 0) {
            log.info("resuming {} parked executions whose functions are registered now", unparked);
        }
        for (CheckpointWriter writer : writers) {
            writer.start();
        }
        scheduler.start();
        delays.scheduleWithFixedDelay(() -> waiters.poll(), settings.pollInterval().toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Cairn engine {} started with functions {}", nodeId, registry.names());
    }

    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        dispatcher.markClosing();
        if (previous == State.STARTED) {
            scheduler.stop();
        }
        dispatcher.stop(settings.shutdownGrace());
        for (CheckpointWriter writer : writers) {
            writer.stop(5_000);
        }
        dispatcher.stopNow();
        delays.shutdownNow();
        branchThreads.shutdownNow();
        stepBodies.shutdownNow();
        waiters.closeAll();
        if (settings.closeStore()) {
            settings.store().close();
        }
    }

    @Override
    public Optional<Instant> lastLeaseRenewal() {
        return state.get() == State.STARTED ? Optional.ofNullable(scheduler.lastLeaseRenewal()) : Optional.empty();
    }

    private void checkStarted(String what) {
        State s = state.get();
        if (s == State.NEW) {
            throw new EngineClosedException(what + ": the engine is not started; call start() first");
        }
        if (s == State.CLOSED) {
            throw new EngineClosedException(what + ": the engine is closed");
        }
    }

    // ------------------------------------------------------------------ registration and starts

    @Override
    public void register(DurableFunction<?, ?> function) {
        Objects.requireNonNull(function, "function");
        registered(registry.add(new Registration(null, function, null, null)));
    }

    @Override
    public <I, O> void register(String name, Class<I> inputType, Class<O> outputType, DurableFunction<I, O> function) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(function, "function");
        registered(registry.add(new Registration(name, function, inputType, outputType)));
    }

    private void registered(RegisteredFunction registered) {
        if (state.get() == State.STARTED) {
            int unparked = store.unpark(List.of(registered.name()), clock().now());
            if (unparked > 0) {
                log.info("resuming {} parked executions of {}", unparked, registered.name());
                scheduler.requestPoll();
            }
        }
    }

    @Override
    public <I, O> ExecutionHandle<O> startExecution(Class<? extends DurableFunction<I, O>> function, I input) {
        return startExecution(function, input, StartOptions.defaults());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> ExecutionHandle<O> startExecution(Class<? extends DurableFunction<I, O>> function, I input,
            StartOptions options) {
        Objects.requireNonNull(function, "function");
        RegisteredFunction registered = registry.byClass(function);
        return (ExecutionHandle<O>) start(registered, input, registered.outputType(), options);
    }

    @Override
    public <O> ExecutionHandle<O> startExecution(String functionName, Object input, Class<O> outputType,
            StartOptions options) {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(outputType, "outputType");
        return start(registry.byName(functionName), input, outputType, options);
    }

    private <O> ExecutionHandle<O> start(RegisteredFunction function, Object input, Type outputType, StartOptions options) {
        Objects.requireNonNull(options, "options");
        checkStarted("startExecution");
        if (input == null) {
            throw new IllegalArgumentException("input of an execution of '" + function.name() + "' must not be null;"
                    + " pass a value (an empty record if the function needs none)");
        }
        String data = payloads.encode(input, function.inputType(), "the input of an execution of '"
                + function.name() + "'");
        String id = ExecutionIds.next(leaseClock().now());
        Instant now = clock().now();
        Instant timeoutAt = options.timeout() == null ? null : now.plus(options.timeout());
        // Started RUNNING here, with a lease, when the workers will take it soon; when they are backlogged it is
        // started PENDING and claimed when a worker is free (by this node or another), so that a burst of starts
        // does not leave thousands of queued executions whose leases this node must renew.
        boolean runHere = !dispatcher.backlogged();
        String context = propagation.active() ? propagation.capture(new ExecutionContextPropagator.Starting(id,
                function.name(), options.name(), null, Map.of())) : null;
        NewExecution execution = new NewExecution(id, options.name(), function.name(), data, now,
                runHere ? nodeId : null, runHere ? leaseClock().now().plus(settings.leaseDuration()) : null,
                timeoutAt, null, context);
        if (options.name() == null) {
            // Unnamed starts cannot collide: they are group-committed like checkpoints.
            ExecutionRecord record;
            try {
                record = writer(id).await(writer(id).submitStart(execution));
            } catch (CompletionException e) {
                if (e.getCause() instanceof WriteRejectedException rejected) {
                    throw new SerializationException("the start of an execution of '" + function.name()
                            + "' was refused by the store: " + rejected.getMessage(), rejected);
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            runOrDispatch(record, runHere);
            return new ExecutionHandleImpl<>(this, id, outputType);
        }
        ExecutionStore.CreateResult created;
        try {
            created = store.createExecution(execution);
        } catch (WriteRejectedException rejected) {
            throw new SerializationException("the start of execution '" + options.name() + "' of '"
                    + function.name() + "' was refused by the store: " + rejected.getMessage(), rejected);
        }
        ExecutionRecord record = created.record();
        if (!created.created()) {
            if (!record.function().equals(function.name()) || !record.input().equals(data)) {
                throw new ExecutionAlreadyExistsException(options.name(), record.id(), "an execution named '"
                        + options.name() + "' already exists (" + record.id() + ", function '" + record.function()
                        + "', " + record.status() + ") with " + (record.function().equals(function.name())
                        ? "a different input" : "a different function")
                        + "; starting a name again is only allowed with the same function and input");
            }
            return new ExecutionHandleImpl<>(this, record.id(), outputType);
        }
        runOrDispatch(record, runHere);
        return new ExecutionHandleImpl<>(this, id, outputType);
    }

    /** Runs an execution just started RUNNING here, or has one started PENDING claimed when a worker is free. */
    private void runOrDispatch(ExecutionRecord record, boolean runHere) {
        if (runHere) {
            histories.started(record.id(), record.version());
            dispatcher.runStarted(record);
        } else {
            histories.started(record.id(), record.version() + 1); // for the claim that takes it from PENDING
            dispatcher.dispatchIfIdle(record.id()); // unless the scheduler, which lists it as due, queued it first
        }
    }

    // ------------------------------------------------------------------ handles and results

    CompletableFuture<ExecutionRecord> awaitEnd(String executionId) {
        return waiters.awaitEnd(executionId, state.get() == State.CLOSED);
    }

    ExecutionStatus statusOf(String executionId) {
        return store.findExecution(executionId).map(ExecutionRecord::status)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
    }

    @Override
    public <O> ExecutionHandle<O> handle(String executionId, Class<O> outputType) {
        Objects.requireNonNull(outputType, "outputType");
        return handle(executionId, (Type) outputType);
    }

    @Override
    public <O> ExecutionHandle<O> handle(String executionId, TypeRef<O> outputType) {
        Objects.requireNonNull(outputType, "outputType");
        return handle(executionId, outputType.type());
    }

    private <O> ExecutionHandle<O> handle(String executionId, Type outputType) {
        Objects.requireNonNull(executionId, "executionId");
        checkStarted("handle");
        statusOf(executionId);
        return new ExecutionHandleImpl<>(this, executionId, outputType);
    }

    @Override
    public ExecutionDescription describe(String executionId) {
        Objects.requireNonNull(executionId, "executionId");
        return descriptions.describe(executionId);
    }

    @Override
    public ExecutionPage listExecutions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        List<ExecutionSummary> rows = store.listExecutions(query);
        if (rows.size() <= query.limit()) {
            return new ExecutionPage(rows, Optional.empty());
        }
        List<ExecutionSummary> page = rows.subList(0, query.limit());
        ExecutionSummary last = page.get(page.size() - 1);
        return new ExecutionPage(page, Optional.of(new ExecutionQuery.Position(last.createdAt(), last.id()).cursor()));
    }

    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return store.countByStatus();
    }

    @Override
    public int scheduledTimers() {
        return scheduler.timersHeld();
    }

    @Override
    public List<HistoryEvent> history(String executionId, HistoryOptions options) {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(options, "options");
        return historyReader.history(executionId, options);
    }

    // ------------------------------------------------------------------ callbacks and cancel

    @Override
    public void completeCallback(String callbackId, Object result) {
        Objects.requireNonNull(callbackId, "callbackId");
        checkStarted("completeCallback");
        callbacks.complete(callbackId, result);
    }

    @Override
    public void completeCallbackRaw(String callbackId, String payload) {
        Objects.requireNonNull(callbackId, "callbackId");
        checkStarted("completeCallbackRaw");
        callbacks.completeRaw(callbackId, payload);
    }

    @Override
    public void failCallback(String callbackId, String errorType, String message) {
        Objects.requireNonNull(callbackId, "callbackId");
        Objects.requireNonNull(errorType, "errorType");
        checkStarted("failCallback");
        callbacks.fail(callbackId, errorType, message);
    }

    @Override
    public void heartbeatCallback(String callbackId) {
        Objects.requireNonNull(callbackId, "callbackId");
        checkStarted("heartbeatCallback");
        callbacks.heartbeat(callbackId);
    }

    @Override
    public ExecutionStatus cancel(String executionId, String reason) {
        return cancel(executionId, reason, CancelOptions.defaults());
    }

    @Override
    public ExecutionStatus cancel(String executionId, String reason, CancelOptions options) {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(options, "options");
        checkStarted("cancel");
        return cancellations.cancel(executionId, reason, options);
    }

    // ------------------------------------------------------------------ the environment of runs and of the scheduler

    @Override
    public ExecutionStore store() {
        return store;
    }

    @Override
    public Listeners listeners() {
        return listeners;
    }

    @Override
    public ContextPropagation propagation() {
        return propagation;
    }

    @Override
    public CheckpointWriter writer(String executionId) {
        return writers[Math.floorMod(executionId.hashCode(), writers.length)];
    }

    @Override
    public Clock clock() {
        return settings.clock();
    }

    @Override
    public Clock leaseClock() {
        return settings.leaseClock();
    }

    @Override
    public Payloads payloads() {
        return payloads;
    }

    @Override
    public Serializer serializer() {
        return settings.serializer();
    }

    @Override
    public FunctionRegistry functions() {
        return registry;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Executor branchThreads() {
        return branchThreads;
    }

    @Override
    public ExecutorService stepBodies() {
        return stepBodies;
    }

    @Override
    public long tickMillis() {
        return settings.tick().toMillis();
    }

    @Override
    public boolean isClosing() {
        return dispatcher.isClosing();
    }

    @Override
    public boolean dispatch(String executionId) {
        return dispatcher.dispatch(executionId);
    }

    @Override
    public boolean dispatchIfIdle(String executionId) {
        return dispatcher.dispatchIfIdle(executionId);
    }

    @Override
    public void retryOwned(String executionId, Duration delay) {
        dispatcher.retryOwned(executionId, delay);
    }

    /** Whether an execution is queued or running here. */
    private boolean runsHere(String executionId) {
        return dispatcher.isInFlight(executionId);
    }

    @Override
    public void ended(ExecutionRecord finalRow) {
        waiters.ended(finalRow);
    }

    @Override
    public void ended(String executionId) {
        waiters.ended(executionId);
    }

    @Override
    public void scheduled(String executionId, Instant wakeAt) {
        scheduler.scheduled(executionId, wakeAt);
    }

    @Override
    public void failCallbackQuietly(String callbackId, ErrorInfo error) {
        callbacks.failQuietly(callbackId, error);
    }

    @Override
    public boolean backlogged() {
        return dispatcher.backlogged();
    }

    @Override
    public Set<String> heldExecutions() {
        return dispatcher.heldExecutions();
    }
}
