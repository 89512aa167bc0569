package dev.cairn.internal.replay;

import dev.cairn.AttemptFunction;
import dev.cairn.BatchResult;
import dev.cairn.CallbackSubmitter;
import dev.cairn.ChildFunction;
import dev.cairn.ConditionCheck;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableFuture;
import dev.cairn.ErrorInfo;
import dev.cairn.MapFunction;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.ParallelBranch;
import dev.cairn.StepFunction;
import dev.cairn.TypeRef;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.InvokeConfig;
import dev.cairn.config.RetryStrategy;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.internal.ReplayAwareLogger;
import dev.cairn.internal.UserText;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.RunAbandoned;
import dev.cairn.internal.run.Scope;
import dev.cairn.internal.run.Suspension;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay loop's view from inside a durable function: it hands out the operation ids, guards the context
 * against misuse, and delegates each operation to its class ({@link StepOperation}, {@link WaitOperation}, ...),
 * which finds the operation's checkpoint, checks it ({@link ReplayValidator}), and replays it or runs the
 * operation (see {@link DurableOperation}).
 *
 * <p>Operation ids are a counter per context: {@code "1"}, {@code "2"}, ... at the top; a child context of
 * operation {@code "3"} numbers its own {@code "3-1"}, {@code "3-2"}. An asynchronous operation takes its id when
 * it starts, so ids do not depend on the order in which concurrent work finishes.
 *
 * <p>A context belongs to one {@link Scope}, that is one thread. Work on other threads (async operations,
 * branches, map items) gets a scope and, for child contexts, a context of its own.
 */
public final class ReplayContext implements DurableContext {

    private final ExecutionRun run;
    final Scope scope;
    private final String prefix;
    private final String parentId;
    /** Recorded as the parent of this context's own operations: {@code parentId}, or for a virtual context the
     *  nearest enclosing operation that has a checkpoint. */
    private final String recordParentId;
    private int counter;
    private Logger logger;
    /** The name of the synchronous child context running now; this context is locked meanwhile. */
    private String activeChild;
    /** Set when this is a child context whose body has returned. */
    private volatile boolean closed;

    /** The context of the function itself ({@code parentId} null) or of a child context of operation {@code parentId}. */
    public ReplayContext(ExecutionRun run, Scope scope, String parentId) {
        this(run, scope, parentId, parentId);
    }

    /**
     * A virtual context: its operations are numbered under {@code parentId}, which has no checkpoint of its own, and
     * recorded as children of {@code recordParentId}.
     */
    ReplayContext(ExecutionRun run, Scope scope, String parentId, String recordParentId) {
        this.run = run;
        this.scope = scope;
        this.parentId = parentId;
        this.recordParentId = recordParentId;
        this.prefix = parentId == null ? "" : parentId + "-";
    }

    // ================================================================ bookkeeping

    void checkActive(String what) {
        run.checkRun(what);
        if (Thread.currentThread() != scope.thread) {
            throw new IllegalStateException("DurableContext of execution " + run.executionId() + " used from thread "
                    + Thread.currentThread().getName() + " for " + what + ". A context may only be used by the code it"
                    + " was given to: inside a child context, branch, map item or async operation, use the context"
                    + " that code receives, not its parent's");
        }
        if (closed) {
            throw new IllegalStateException("the context of child '" + parentId + "' of execution " + run.executionId()
                    + " used for " + what + " after the child ended");
        }
        if (activeChild != null) {
            throw new IllegalStateException("the parent context of execution " + run.executionId() + " was used for "
                    + what + " inside child context '" + activeChild + "'; use the context the child function receives");
        }
        if (scope.activeStep != null) {
            throw new IllegalStateException("durable operation " + what + " called inside the body of step '"
                    + scope.activeStep + "' of execution " + run.executionId()
                    + "; operations cannot be nested in a step: make them outside it");
        }
        if (scope.detached) {
            throw new Scope.Detached();
        }
        if (scope.suspension != null) {
            throw scope.suspension;
        }
    }

    /** An operation's id and its checkpoint (validated), or null. */
    record Begun(String id, OperationRecord recorded) {
    }

    /** Guards the context, takes the next id and returns it with its validated checkpoint. */
    Begun begin(OperationType type, String subType, String name, String what) {
        checkActive(what);
        String id = prefix + (++counter);
        return new Begun(id, ReplayValidator.validate(run, id, type, subType, name));
    }

    OperationRecord record(String id, OperationType type, String subType, String name, OperationStatus status,
            int attempt, String result, ErrorInfo error, Instant scheduledAt, Instant startedAt, Instant endedAt) {
        String parent = OperationRecords.parentOf(id);
        if (!Objects.equals(recordParentId, parentId) && Objects.equals(parent, parentId)) {
            parent = recordParentId; // one of this virtual context's own operations
        }
        return new OperationRecord(run.executionId(), id, parent, type, subType, name, status,
                attempt, result, error, scheduledAt, startedAt, endedAt);
    }

    /** Checkpoints from scope {@code from}; a detached scope writes nothing more. */
    void write(Scope from, List<OperationRecord> operations, List<CallbackRecord> callbacks, boolean await) {
        write(from, operations, callbacks, List.of(), await);
    }

    /** Checkpoints from scope {@code from}, with the executions the run invokes; a detached scope writes nothing. */
    void write(Scope from, List<OperationRecord> operations, List<CallbackRecord> callbacks,
               List<NewExecution> children, boolean await) {
        if (from.detached) {
            throw new Scope.Detached();
        }
        run.checkpoint(operations, callbacks, children, await);
    }

    void write(OperationRecord operation, boolean await) {
        write(scope, List.of(operation), List.of(), await);
    }

    /** Checkpoints one operation from scope {@code from}. */
    void write(Scope from, OperationRecord operation, boolean await) {
        write(from, List.of(operation), List.of(), await);
    }

    /** The STARTED record of context operation {@code id}, checkpointed (without waiting) the first time. */
    OperationRecord startContext(String id, OperationRecord recorded, Scope s, String subType, String name) {
        Instant startedAt = recorded != null ? recorded.startedAt() : run.clockNow();
        OperationRecord started = record(id, OperationType.CONTEXT, subType, name, OperationStatus.STARTED, 0, null,
                null, null, startedAt, null);
        if (recorded == null) {
            write(s, List.of(started), List.of(), false);
        }
        return started;
    }

    /** Marks a child context whose body has returned: it may not be used any more. */
    void close() {
        closed = true;
    }

    /**
     * Whether a throwable is the engine's own control flow, which user-visible handling must let through. A fatal
     * error of the JVM ({@link VirtualMachineError}) is not: thrown by user code, it fails what threw it (a step
     * attempt, a child, the execution), and is logged.
     */
    static boolean isControlFlow(Throwable t) {
        return t instanceof Suspension || t instanceof RunAbandoned || t instanceof Scope.Detached
                || t instanceof ExecutionRun.StoreUnavailable || t instanceof ExecutionRun.CheckpointRejected;
    }

    ExecutionRun run() {
        return run;
    }

    /**
     * The id of the context operation this context runs in (for a virtual context, the nearest enclosing one that is
     * checkpointed), or null for the function's own.
     */
    String parentId() {
        return recordParentId;
    }

    /** Checks an operation's name, which may be {@code null}: an unnamed operation, as the AWS durable SDK allows. */
    private static void checkOptionalName(String name, String what) {
        if (name != null) {
            UserText.checkName(name, what);
        }
    }

    // ================================================================ operations

    @Override
    public <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        checkOptionalName(name, "step");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        return new StepOperation<>(this, name, resultType, body, config, ReplayValidator.label("step", name)).run(scope);
    }

    @Override
    public <T> DurableFuture<T> stepAsync(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        checkOptionalName(name, "step");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        return async(new StepOperation<>(this, name, resultType, body, config, ReplayValidator.label("stepAsync", name)));
    }

    @Override
    public void wait(String name, Duration duration) {
        waitAsync(name, duration).get();
    }

    @Override
    public DurableFuture<Void> waitAsync(String name, Duration duration) {
        checkOptionalName(name, "wait");
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(ReplayValidator.label("wait", name) + " duration must be positive, was "
                    + duration);
        }
        return new WaitOperation(this, name, duration).run(scope);
    }

    @Override
    public <T> DurableCallback<T> createCallback(String name, TypeRef<T> resultType, CallbackConfig config) {
        checkOptionalName(name, "callback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(config, "config");
        return new CallbackOperation<>(this, name, resultType, config).run(scope);
    }

    @Override
    public <T> T waitForCallback(String name, TypeRef<T> resultType, CallbackSubmitter submitter, CallbackConfig config) {
        checkOptionalName(name, "waitForCallback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(config, "config");
        return new WaitForCallbackOperation<>(this, name, resultType, submitter, config).run(scope);
    }

    @Override
    public <T> DurableFuture<T> waitForCallbackAsync(String name, TypeRef<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config) {
        checkOptionalName(name, "waitForCallback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(config, "config");
        return async(new WaitForCallbackOperation<>(this, name, resultType, submitter, config));
    }

    @Override
    public <T> T runInChildContext(String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        checkOptionalName(name, "child context");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        ChildContextOperation<T> child = new ChildContextOperation<>(this, name, resultType, body, config,
                ReplayValidator.label("runInChildContext", name));
        activeChild = name == null ? "(unnamed)" : name;
        try {
            return child.run(scope);
        } finally {
            activeChild = null;
        }
    }

    @Override
    public <T> DurableFuture<T> runInChildContextAsync(String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        checkOptionalName(name, "child context");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        return async(new ChildContextOperation<>(this, name, resultType, body, config,
                ReplayValidator.label("runInChildContextAsync", name)));
    }

    @Override
    public <T> BatchResult<T> parallel(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config) {
        return parallelOperation(name, resultType, branches, config).run(scope);
    }

    @Override
    public <T> DurableFuture<BatchResult<T>> parallelAsync(String name, TypeRef<T> resultType,
            List<ParallelBranch<T>> branches, BatchConfig config) {
        return async(parallelOperation(name, resultType, branches, config));
    }

    @Override
    public dev.cairn.ParallelBatch parallel(String name, BatchConfig config) {
        UserText.checkName(name, "parallel");
        Objects.requireNonNull(config, "config");
        List<BatchOperation.Task<Object>> tasks = new ArrayList<>();
        BatchOperation<Object> operation = new BatchOperation<>(this, "Parallel", name, tasks, TypeRef.of(Object.class),
                config);
        return new ParallelBatchFuture(this, name, operation, tasks);
    }

    private <T> BatchOperation<T> parallelOperation(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config) {
        checkOptionalName(name, "parallel");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(branches, "branches");
        Objects.requireNonNull(config, "config");
        List<BatchOperation.Task<T>> tasks = new ArrayList<>(branches.size());
        Set<String> names = new HashSet<>();
        for (ParallelBranch<T> branch : branches) {
            Objects.requireNonNull(branch, "branch");
            if (!names.add(branch.name())) {
                throw new IllegalArgumentException("parallel '" + name + "' has two branches named '" + branch.name()
                        + "'; branch names must be unique");
            }
            tasks.add(new BatchOperation.Task<>(branch.name(), branch.body()));
        }
        return new BatchOperation<>(this, "Parallel", name, tasks, resultType, config);
    }

    @Override
    public <I, T> BatchResult<T> map(String name, Collection<I> items, TypeRef<T> resultType, MapFunction<? super I, T> fn,
            BatchConfig config) {
        return mapOperation(name, items, resultType, fn, config).run(scope);
    }

    @Override
    public <I, T> DurableFuture<BatchResult<T>> mapAsync(String name, Collection<I> items, TypeRef<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config) {
        return async(mapOperation(name, items, resultType, fn, config));
    }

    private <I, T> BatchOperation<T> mapOperation(String name, Collection<I> items, TypeRef<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config) {
        checkOptionalName(name, "map");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(config, "config");
        if (!(items instanceof List<?> || items instanceof SortedSet<?> || items instanceof LinkedHashSet<?>)) {
            throw new IllegalArgumentException("map '" + name + "' needs an ordered collection (a List, a SortedSet or a"
                    + " LinkedHashSet), got a " + items.getClass().getName() + ": items are matched to their checkpoints"
                    + " by position, so their order must be the same on every replay");
        }
        List<BatchOperation.Task<T>> tasks = new ArrayList<>(items.size());
        int index = 0;
        for (I item : items) {
            int i = index++;
            tasks.add(new BatchOperation.Task<>(itemName(name, config, item, i), ctx -> fn.apply(item, i, ctx)));
        }
        return new BatchOperation<>(this, "Map", name, tasks, resultType, config);
    }

    /** The name of item {@code index} of map {@code map}: the config's namer's, checked, or {@code "item <index>"}. */
    private static String itemName(String map, BatchConfig config, Object item, int index) {
        if (config.itemNamer() == null) {
            return "item " + index;
        }
        String name = config.itemNamer().name(item, index);
        if (name == null) {
            return "item " + index;
        }
        try {
            UserText.checkName(name, "map item");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the item namer of map '" + map + "' named item " + index
                    + " wrongly: " + e.getMessage(), e);
        }
        return name;
    }

    @Override
    public <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input, TypeRef<O> resultType,
            InvokeConfig config) {
        Objects.requireNonNull(function, "function");
        return invoke(name, run.env.functions().byClass(function).name(), input, resultType, config);
    }

    @Override
    public <O> O invoke(String name, String functionName, Object input, TypeRef<O> resultType, InvokeConfig config) {
        return invokeOperation(name, functionName, input, resultType, config).run(scope);
    }

    @Override
    public <O> DurableFuture<O> invokeAsync(String name, String functionName, Object input, TypeRef<O> resultType,
            InvokeConfig config) {
        return async(invokeOperation(name, functionName, input, resultType, config));
    }

    @Override
    public <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType, InvokeConfig config) {
        Objects.requireNonNull(function, "function");
        return invokeAsync(name, run.env.functions().byClass(function).name(), input, resultType, config);
    }

    private <O> InvokeOperation<O> invokeOperation(String name, String functionName, Object input,
            TypeRef<O> resultType, InvokeConfig config) {
        checkOptionalName(name, "invoke");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(config, "config");
        return new InvokeOperation<>(this, name, functionName, input, resultType, config);
    }

    @Override
    public <S> S waitForCondition(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        UserText.checkName(name, "waitForCondition");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(config, "config");
        return new WaitForConditionOperation<>(this, name, stateType, check, config).run(scope);
    }

    @Override
    public <S> DurableFuture<S> waitForConditionAsync(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        UserText.checkName(name, "waitForCondition");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(config, "config");
        return async(new WaitForConditionOperation<>(this, name, stateType, check, config));
    }

    @Override
    public <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, ChildFunction<T> body) {
        Objects.requireNonNull(body, "body");
        return withRetry(name, resultType, strategy, (attempt, c) -> body.apply(c));
    }

    @Override
    public <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, AttemptFunction<T> body) {
        return withRetryOperation(name, resultType, strategy, body).run(scope);
    }

    @Override
    public <T> DurableFuture<T> withRetryAsync(String name, TypeRef<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body) {
        return async(withRetryOperation(name, resultType, strategy, body));
    }

    private <T> WithRetryOperation<T> withRetryOperation(String name, TypeRef<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body) {
        UserText.checkName(name, "withRetry");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(body, "body");
        return new WithRetryOperation<>(this, name, resultType, strategy, body);
    }

    @Override
    public Instant now() {
        return RecordedValueOperation.now(this).run(scope);
    }

    @Override
    public UUID randomUUID() {
        return RecordedValueOperation.randomUuid(this).run(scope);
    }

    DurableFuture<List<Object>> allOf(List<? extends DurableFuture<?>> futures) {
        return Combinators.allOf(this, futures);
    }

    DurableFuture<List<dev.cairn.Settled<Object>>> allSettled(List<? extends DurableFuture<?>> futures) {
        return Combinators.allSettled(this, futures);
    }

    DurableFuture<Object> anyOf(List<? extends DurableFuture<?>> futures) {
        return Combinators.anyOf(this, futures);
    }

    // ================================================================ futures

    /**
     * An operation as a future: replayed here and now if its outcome is recorded, else run on a thread of its own
     * in a new scope.
     */
    <T> DurableFutureBase<T> async(DurableOperation<T> operation) {
        if (operation.isFinal()) {
            return new AsyncOperation<>(this, CompletableFuture.completedFuture(settle(() -> operation.run(scope))));
        }
        return new AsyncOperation<>(this, runInScope(operation::run));
    }

    /** Runs work on a thread of its own, in a new scope; the outcome says how it settled. */
    <T> CompletableFuture<Outcome<T>> runInScope(Function<Scope, T> work) {
        return runInScope(work, new Scope[1]);
    }

    /** As {@link #runInScope(Function)}, handing the new scope out through {@code scopeOut}. */
    <T> CompletableFuture<Outcome<T>> runInScope(Function<Scope, T> work, Scope[] scopeOut) {
        return run.async(() -> {
            Scope s = new Scope(Thread.currentThread());
            synchronized (scopeOut) {
                scopeOut[0] = s;
            }
            try {
                T value = work.apply(s);
                if (s.suspension != null) {
                    return Outcome.blocked(s.suspension.wakeAt);
                }
                return Outcome.value(value);
            } catch (Scope.Detached e) {
                return Outcome.detached();
            } catch (Throwable t) {
                if (s.detached) {
                    return Outcome.detached();
                }
                if (s.suspension != null) {
                    return Outcome.blocked(s.suspension.wakeAt);
                }
                return Outcome.failed(t);
            }
        });
    }

    /** Runs work here and now, capturing how it settles. */
    private static <T> Outcome<T> settle(Supplier<T> work) {
        try {
            return Outcome.value(work.get());
        } catch (Throwable t) {
            if (isControlFlow(t)) {
                throw (Error) t;
            }
            return Outcome.failed(t);
        }
    }

    /** Turns an outcome into what {@code get()} returns or throws, in this context's scope. */
    <T> T resolve(Outcome<T> outcome) {
        return switch (outcome.kind()) {
            case VALUE -> outcome.value();
            case FAILED -> {
                Throwable t = outcome.error();
                if (t instanceof RuntimeException r) {
                    throw r;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(t);
            }
            case BLOCKED -> throw scope.suspend(outcome.wakeAt());
            case DETACHED -> throw new Scope.Detached();
        };
    }

    // ================================================================ the rest

    @Override
    public Logger logger() {
        if (logger == null) {
            logger = new ReplayAwareLogger(LoggerFactory.getLogger("dev.cairn.workflow." + run.function.name()),
                    run::isReplaying);
        }
        return logger;
    }

    @Override
    public boolean isReplaying() {
        return run.isReplaying();
    }

    @Override
    public String executionId() {
        return run.executionId();
    }
}
