package dev.cairn.internal.engine;

import dev.cairn.internal.ExecutionIds;
import dev.cairn.internal.Payloads;
import dev.cairn.internal.TypeNames;
import dev.cairn.internal.UserText;
import dev.cairn.internal.commit.CheckpointWriter;
import dev.cairn.internal.replay.InvokeOperation;
import dev.cairn.internal.run.ExecutionHistory;
import dev.cairn.internal.run.ExecutionRunner;
import dev.cairn.internal.run.RegisteredFunction;
import dev.cairn.internal.schedule.Scheduler;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.CallbackAlreadyCompletedException;
import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.EngineClosedException;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionAlreadyExistsException;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.SerializationException;
import dev.cairn.StartOptions;
import dev.cairn.TypeRef;
import dev.cairn.UnknownCallbackException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine: wires the store, the writer, the scheduler and the workers together, and serves the public API. */
public final class EngineRuntime implements DurableEngine {

    private static final Logger log = LoggerFactory.getLogger(EngineRuntime.class);
    private static final int WRITERS = 2;

    /** Everything the builder collected. */
    public record Settings(ExecutionStore store, List<Registration> registrations, Serializer serializer, Clock clock,
            Clock leaseClock, int concurrency, int maxPayloadBytes, Duration leaseDuration, Duration schedulerWindow,
            Duration pollInterval, Duration tick, Duration shutdownGrace, int historyCacheSize, String nodeId) {
    }

    private enum State { NEW, STARTED, CLOSED }

    private final Settings settings;
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
    private final Scheduler scheduler;
    private final ExecutionRunner runner = new ExecutionRunner(this);
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService delays;
    private final java.util.concurrent.ExecutorService branchThreads;
    private final Cache<String, ExecutionHistory> histories;
    /** Executions queued or running here, mapped to whether they were asked for again meanwhile. */
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    /**
     * Executions this node holds but whose run stopped on a store failure: each is claimed again after a delay.
     * With {@link #inFlight}, what this node renews the leases of; nothing else it owns is renewed.
     */
    private final Set<String> retrying = ConcurrentHashMap.newKeySet();
    /** Where the bodies of steps with a timeout run, so that the run need not wait for a body that never returns. */
    private final java.util.concurrent.ExecutorService stepBodies;
    private final Map<String, CompletableFuture<ExecutionRecord>> waiters = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile boolean closing;

    public EngineRuntime(Settings settings) {
        this.settings = settings;
        this.store = new InterruptSafeStore(settings.store());
        this.payloads = new Payloads(settings.serializer(), settings.maxPayloadBytes());
        this.nodeId = settings.nodeId() != null ? settings.nodeId() : "node-" + UUID.randomUUID().toString().substring(0, 8);
        for (Registration registration : settings.registrations()) {
            registry.add(registration);
        }
        this.scheduler = new Scheduler(this, settings.schedulerWindow(), settings.pollInterval(), settings.tick(),
                settings.leaseDuration());
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "cairn-worker-" + nodeId + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.writers = new CheckpointWriter[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            writers[i] = new CheckpointWriter(store, nodeId + "-" + i);
        }
        this.delays = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-delays-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        AtomicInteger branches = new AtomicInteger();
        this.branchThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cairn-branch-" + nodeId + "-" + branches.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicInteger bodies = new AtomicInteger();
        this.stepBodies = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cairn-step-" + nodeId + "-" + bodies.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.histories = Caffeine.newBuilder().maximumSize(settings.historyCacheSize()).build();
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
        delays.scheduleWithFixedDelay(this::pollWaiters, settings.pollInterval().toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Cairn engine {} started with functions {}", nodeId, registry.names());
    }

    @Override
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        closing = true;
        if (previous == State.STARTED) {
            scheduler.stop();
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} executions still running after the shutdown grace; they resume on the next start",
                        workers.getActiveCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CheckpointWriter writer : writers) {
            writer.stop(5_000);
        }
        workers.shutdownNow();
        delays.shutdownNow();
        branchThreads.shutdownNow();
        stepBodies.shutdownNow();
        for (CompletableFuture<ExecutionRecord> waiter : waiters.values()) {
            waiter.completeExceptionally(new EngineClosedException("the engine was closed before the execution ended;"
                    + " it resumes on the next start"));
        }
        waiters.clear();
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
    @SuppressWarnings("unchecked")
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
        Instant leaseUntil = leaseClock().now().plus(settings.leaseDuration());
        Instant timeoutAt = options.timeout() == null ? null : now.plus(options.timeout());
        NewExecution execution = new NewExecution(id, options.name(), function.name(), data, now, nodeId, leaseUntil,
                timeoutAt);
        if (options.name() == null) {
            // Unnamed starts cannot collide: they are group-committed like checkpoints.
            ExecutionRecord record;
            try {
                record = writer(id).submitStart(execution).join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof dev.cairn.spi.WriteRejectedException rejected) {
                    throw new SerializationException("the start of an execution of '" + function.name()
                            + "' was refused by the store: " + rejected.getMessage(), rejected);
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            // A new execution has no history: the first run need not read one.
            histories.put(id, new ExecutionHistory(new History(List.of(), List.of()), record.version() - 1));
            inFlight.put(id, Boolean.FALSE);
            submit(id, () -> runner.execute(record));
            return new ExecutionHandleImpl<>(this, id, outputType);
        }
        ExecutionStore.CreateResult created;
        try {
            created = store.createExecution(execution);
        } catch (dev.cairn.spi.WriteRejectedException rejected) {
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
        inFlight.put(id, Boolean.FALSE);
        submit(id, () -> runner.execute(record));
        return new ExecutionHandleImpl<>(this, id, outputType);
    }

    // ------------------------------------------------------------------ dispatching

    /**
     * Claims and runs an execution that became due, unless it is already queued or running here.
     *
     * @return whether it was queued now
     */
    public boolean dispatch(String executionId) {
        if (closing) {
            return false;
        }
        if (inFlight.putIfAbsent(executionId, Boolean.FALSE) != null) {
            inFlight.put(executionId, Boolean.TRUE);
            return false;
        }
        submit(executionId, () -> claimAndRun(executionId));
        return true;
    }

    /**
     * Claims an execution and runs it. If the store cannot be reached, the claim is tried again later: a timer or
     * a callback that made it due must not be lost to an outage.
     */
    private void claimAndRun(String executionId) {
        Optional<ExecutionRecord> claimed;
        try {
            Instant leaseNow = leaseClock().now();
            claimed = store.claim(executionId, nodeId, clock().now(), leaseNow, leaseNow.plus(settings.leaseDuration()));
        } catch (RuntimeException e) {
            log.warn("execution {}: cannot claim it, the store failed ({}); trying again in {} ms", executionId,
                    e.getMessage(), RETRY_DELAY.toMillis());
            retryOwned(executionId, RETRY_DELAY);
            return;
        }
        claimed.ifPresent(runner::execute);
    }

    /** How long a run that stopped on a store failure waits before its execution is claimed again. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private void submit(String executionId, Runnable work) {
        try {
            workers.execute(() -> {
                try {
                    work.run();
                } catch (Throwable e) {
                    // The runner ends an execution whose run failed unexpectedly; this is the last resort.
                    log.error("execution {}: unexpected error in its run; it is claimed again later", executionId, e);
                    retryOwned(executionId, RETRY_DELAY);
                } finally {
                    Boolean again = inFlight.remove(executionId);
                    if (Boolean.TRUE.equals(again)) {
                        dispatch(executionId);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(executionId);
        }
    }

    /**
     * Claims an execution this node holds again after a delay, and runs it: its run stopped because the store
     * failed. The claim succeeds if the row is still this node's (or due, or its lease ran out), and increments the
     * version; if another node took the execution over meanwhile, it fails and the execution is that node's. Until
     * then its lease is renewed with those of the running executions.
     */
    public void retryOwned(String executionId, Duration delay) {
        if (closing) {
            return;
        }
        retrying.add(executionId);
        try {
            delays.schedule(() -> {
                boolean queued = inFlight.putIfAbsent(executionId, Boolean.FALSE) == null;
                retrying.remove(executionId);
                if (queued) {
                    submit(executionId, () -> claimAndRun(executionId));
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            retrying.remove(executionId); // closing: the next start of this node, or another node, resumes it
        }
    }

    /** The executions whose leases this node renews: those it runs, queues, or is about to claim again. */
    public Set<String> heldExecutions() {
        Set<String> held = new java.util.HashSet<>(inFlight.keySet());
        held.addAll(retrying);
        return held;
    }

    public boolean backlogged() {
        return workers.getQueue().size() > settings.concurrency() * 4;
    }

    // ------------------------------------------------------------------ history cache

    public ExecutionHistory historyFor(ExecutionRecord execution) {
        ExecutionHistory cached = histories.getIfPresent(execution.id());
        if (cached != null && cached.version + 1 == execution.version()) {
            histories.invalidate(execution.id());
            cached.version = execution.version();
            if (cached.hasPendingCallbacks()) {
                cached.replaceCallbacks(store.loadCallbacks(execution.id()));
            }
            return cached;
        }
        histories.invalidate(execution.id());
        History loaded = store.loadHistory(execution.id());
        return new ExecutionHistory(loaded, execution.version());
    }

    public void cacheHistory(String executionId, ExecutionHistory history) {
        histories.put(executionId, history);
    }

    public void invalidateHistory(String executionId) {
        histories.invalidate(executionId);
    }

    // ------------------------------------------------------------------ results

    /** Completes the waiters of an execution that ended here, with its final row as this node wrote it. */
    public void ended(ExecutionRecord finalRow) {
        CompletableFuture<ExecutionRecord> waiter = waiters.remove(finalRow.id());
        if (waiter != null) {
            waiter.complete(finalRow);
        }
    }

    public void ended(String executionId) {
        CompletableFuture<ExecutionRecord> waiter = waiters.get(executionId);
        if (waiter != null) {
            store.findExecution(executionId).filter(r -> r.status().isTerminal()).ifPresent(r -> {
                waiters.remove(executionId);
                waiter.complete(r);
            });
        }
    }

    CompletableFuture<ExecutionRecord> awaitEnd(String executionId) {
        if (state.get() == State.CLOSED) {
            // Nothing here will end it any more: say so at once, unless it has ended already.
            Optional<ExecutionRecord> current;
            try {
                current = store.findExecution(executionId);
            } catch (RuntimeException e) {
                current = Optional.empty();
            }
            if (current.isPresent() && current.get().status().isTerminal()) {
                return CompletableFuture.completedFuture(current.get());
            }
            throw new EngineClosedException("execution " + UserText.quote(executionId) + " has not ended and this"
                    + " engine is closed; it resumes when an engine on its store starts, and its result can be read"
                    + " from that engine");
        }
        CompletableFuture<ExecutionRecord> waiter = waiters.computeIfAbsent(executionId, k -> new CompletableFuture<>());
        ExecutionRecord current = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        if (current.status().isTerminal()) {
            waiters.remove(executionId);
            waiter.complete(current);
        }
        return waiter;
    }

    private void pollWaiters() {
        try {
            for (String id : new ArrayList<>(waiters.keySet())) {
                if (inFlight.containsKey(id)) {
                    continue; // it ends here, and ended() is called then
                }
                store.findExecution(id).filter(r -> r.status().isTerminal()).ifPresent(r -> {
                    CompletableFuture<ExecutionRecord> waiter = waiters.remove(id);
                    if (waiter != null) {
                        waiter.complete(r);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.debug("polling execution results failed", e);
        }
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
        ExecutionRecord r = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        History history = store.loadHistory(executionId);
        List<OperationDescription> operations = new ArrayList<>();
        List<OperationRecord> sorted = new ArrayList<>(history.operations());
        sorted.sort(Comparator.comparing(OperationRecord::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(OperationRecord::operationId, EngineRuntime::compareIds));
        for (OperationRecord op : sorted) {
            operations.add(new OperationDescription(op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                    op.status(), op.attempt(), op.result(), op.error(), op.scheduledAt(), op.startedAt(), op.endedAt()));
        }
        List<CallbackDescription> callbacks = new ArrayList<>();
        for (CallbackRecord cb : history.callbacks()) {
            callbacks.add(new CallbackDescription(cb.id(), cb.operationId(), cb.status(), cb.result(), cb.error(),
                    cb.timeoutAt(), cb.heartbeatDeadline(), cb.createdAt(), cb.completedAt()));
        }
        List<String> children = new ArrayList<>();
        for (OperationRecord op : sorted) {
            if (op.type() == dev.cairn.OperationType.INVOKE) {
                children.add(InvokeOperation.childId(r.id(), op.operationId()));
            }
        }
        return new ExecutionDescription(r.id(), r.name(), r.function(), r.status(), r.input(), r.output(), r.error(),
                r.createdAt(), r.updatedAt(), r.endedAt(), r.wakeAt(), r.parentId(), children, operations, callbacks);
    }

    /** Orders operation ids "2" < "10" and "3" < "3-1" < "3-2" < "4". */
    static int compareIds(String a, String b) {
        String[] pa = a.split("-");
        String[] pb = b.split("-");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    // ------------------------------------------------------------------ callbacks and cancel

    @Override
    public void completeCallback(String callbackId, Object result) {
        Objects.requireNonNull(callbackId, "callbackId");
        checkStarted("completeCallback");
        CallbackRecord callback = existingCallback(callbackId);
        String what = "the result for callback " + callbackId + " of execution " + callback.executionId();
        Type declared = TypeNames.resolve(callback.resultType());
        String data = payloads.encode(result, declared, what);
        if (declared != null && result != null) {
            try {
                serializer().deserialize(data, declared);
            } catch (SerializationException e) {
                throw new SerializationException("callback " + callbackId + " of execution " + callback.executionId()
                        + " expects a result of type " + callback.resultType() + ", but the value given (a "
                        + result.getClass().getName() + ") cannot be read as one; the callback is still pending:"
                        + " complete it with a value of that type", e);
            }
        }
        apply(callbackId, new CallbackCompletion(callbackId, CallbackStatus.SUCCEEDED, data, null, clock().now()),
                "complete");
    }

    /** Callback ids are short: a longer one cannot exist, and is not sent to the database. */
    private static final int MAX_CALLBACK_ID_CHARS = 255;

    private CallbackRecord existingCallback(String callbackId) {
        if (callbackId.length() > MAX_CALLBACK_ID_CHARS) {
            throw new UnknownCallbackException(callbackId);
        }
        return store.findCallback(callbackId).orElseThrow(() -> new UnknownCallbackException(callbackId));
    }

    @Override
    public void failCallback(String callbackId, String errorType, String message) {
        Objects.requireNonNull(callbackId, "callbackId");
        Objects.requireNonNull(errorType, "errorType");
        UserText.checkName(errorType, "callback error type");
        checkStarted("failCallback");
        if (callbackId.length() > MAX_CALLBACK_ID_CHARS) {
            throw new UnknownCallbackException(callbackId);
        }
        apply(callbackId, new CallbackCompletion(callbackId, CallbackStatus.FAILED, null,
                ErrorInfo.of(errorType, message), clock().now()), "fail");
    }

    private void apply(String callbackId, CallbackCompletion completion, String verb) {
        CallbackUpdate update = store.completeCallback(completion);
        check(callbackId, update, verb);
        if (update.executionStatus() == ExecutionStatus.PENDING) {
            dispatch(update.callback().executionId());
        }
    }

    /** Fails a callback whose submitter failed, so that a late completion is rejected. */
    public void failCallbackQuietly(String callbackId, ErrorInfo error) {
        try {
            store.completeCallback(new CallbackCompletion(callbackId, CallbackStatus.FAILED, null, error,
                    clock().now()));
        } catch (RuntimeException e) {
            log.warn("could not mark callback {} failed", callbackId, e);
        }
    }

    @Override
    public void heartbeatCallback(String callbackId) {
        Objects.requireNonNull(callbackId, "callbackId");
        checkStarted("heartbeatCallback");
        if (callbackId.length() > MAX_CALLBACK_ID_CHARS) {
            throw new UnknownCallbackException(callbackId);
        }
        CallbackUpdate update = store.heartbeatCallback(callbackId, clock().now());
        check(callbackId, update, "heartbeat");
    }

    private static void check(String callbackId, CallbackUpdate update, String verb) {
        switch (update.outcome()) {
            case APPLIED -> {
            }
            case NOT_FOUND -> throw new UnknownCallbackException(callbackId);
            case ALREADY_COMPLETED -> throw new CallbackAlreadyCompletedException(callbackId, update.callback().status(),
                    "cannot " + verb + " callback " + callbackId + " of execution " + update.callback().executionId()
                            + ": it is already " + update.callback().status()
                            + (update.callback().status() == CallbackStatus.TIMED_OUT
                                    ? " (its deadline " + update.callback().deadline() + " has passed)" : "")
                            + "; the first outcome stands");
            case EXECUTION_ENDED -> throw new CallbackAlreadyCompletedException(callbackId, update.callback().status(),
                    "cannot " + verb + " callback " + callbackId + ": its execution " + update.callback().executionId()
                            + " has already ended (" + update.executionStatus() + ")");
        }
    }

    @Override
    public ExecutionStatus cancel(String executionId, String reason) {
        return cancel(executionId, reason, dev.cairn.CancelOptions.defaults());
    }

    @Override
    public ExecutionStatus cancel(String executionId, String reason, dev.cairn.CancelOptions options) {
        Objects.requireNonNull(options, "options");
        ExecutionStatus status = cancelOne(executionId, reason);
        if (options.includeInvokedChildren()) {
            for (OperationRecord op : store.loadHistory(executionId).operations()) {
                if (op.type() == dev.cairn.OperationType.INVOKE && !op.status().isTerminal()) {
                    String child = InvokeOperation.childId(executionId, op.operationId());
                    if (store.findExecution(child).isPresent()) {
                        cancel(child, "parent " + executionId + " cancelled: " + reason, options);
                    }
                }
            }
        }
        return status;
    }

    private ExecutionStatus cancelOne(String executionId, String reason) {
        Objects.requireNonNull(executionId, "executionId");
        checkStarted("cancel");
        String why = reason == null ? "cancelled" : UserText.storable(reason, ErrorInfo.MAX_MESSAGE_CHARS, "...");
        CancelResult result = store.cancel(executionId, why, clock().now());
        switch (result.outcome()) {
            case NOT_FOUND -> throw new UnknownExecutionException(executionId);
            case CANCELLED -> {
                invalidateHistory(executionId);
                ended(executionId);
                store.findExecution(executionId).map(ExecutionRecord::parentId).ifPresent(this::dispatch);
                return ExecutionStatus.CANCELLED;
            }
            case REQUESTED -> {
                return ExecutionStatus.RUNNING;
            }
            default -> {
                return result.status();
            }
        }
    }

    // ------------------------------------------------------------------ shared with runs

    public Payloads payloads() {
        return payloads;
    }

    public ExecutionStore store() {
        return store;
    }

    public Serializer serializer() {
        return settings.serializer();
    }

    public Clock clock() {
        return settings.clock();
    }

    public Clock leaseClock() {
        return settings.leaseClock();
    }

    /** The writer that an execution's writes go through. */
    public CheckpointWriter writer(String executionId) {
        return writers[Math.floorMod(executionId.hashCode(), writers.length)];
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public FunctionRegistry registry() {
        return registry;
    }

    public String nodeId() {
        return nodeId;
    }

    public java.util.concurrent.Executor branchThreads() {
        return branchThreads;
    }

    public java.util.concurrent.ExecutorService stepBodies() {
        return stepBodies;
    }

    public boolean isClosing() {
        return closing;
    }
}
