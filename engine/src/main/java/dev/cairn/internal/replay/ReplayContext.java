package dev.cairn.internal.replay;

import dev.cairn.internal.CallbackIds;
import dev.cairn.internal.ReplayAwareLogger;
import dev.cairn.internal.UserText;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.RunAbandoned;
import dev.cairn.internal.run.Scope;
import dev.cairn.internal.run.Suspension;
import dev.cairn.BatchResult;
import dev.cairn.CallbackFailedException;
import dev.cairn.CallbackStatus;
import dev.cairn.CallbackSubmitter;
import dev.cairn.CallbackTimeoutException;
import dev.cairn.ChildContextFailedException;
import dev.cairn.ChildFunction;
import dev.cairn.ConditionCheck;
import dev.cairn.ConditionNotMetException;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableFuture;
import dev.cairn.ErrorInfo;
import dev.cairn.MapFunction;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.ParallelBranch;
import dev.cairn.StepContext;
import dev.cairn.StepFailedException;
import dev.cairn.StepFunction;
import dev.cairn.StepInterruptedException;
import dev.cairn.StepTimeoutException;
import dev.cairn.TypeRef;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryDecision;
import dev.cairn.config.RetryStrategy;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay loop's view from inside a durable function: each operation takes the next id of its context,
 * looks for its checkpoint, checks that the checkpoint matches what is called, and either returns the recorded
 * outcome or runs the operation and checkpoints it.
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
    private int counter;
    private Logger logger;
    /** The name of the synchronous child context running now; this context is locked meanwhile. */
    private String activeChild;
    /** Set when this is a child context whose body has returned. */
    private volatile boolean closed;

    public ReplayContext(ExecutionRun run, Scope scope, String parentId) {
        this.run = run;
        this.scope = scope;
        this.parentId = parentId;
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

    /** Takes the next id and returns it with its checkpoint (validated), or with null. */
    private Begun begin(OperationType type, String subType, String name, String what) {
        checkActive(what);
        String id = prefix + (++counter);
        return new Begun(id, lookup(id, type, subType, name));
    }

    private record Begun(String id, OperationRecord recorded) {
    }

    /** The validated checkpoint of operation {@code id}, or null. */
    private OperationRecord lookup(String id, OperationType type, String subType, String name) {
        OperationRecord recorded = run.visit(id);
        if (recorded != null && (recorded.type() != type || !Objects.equals(recorded.subType(), subType)
                || !Objects.equals(recorded.name(), name))) {
            throw run.nonDeterministic(id, "operation " + id + " of execution " + run.executionId()
                    + " was recorded as " + describe(recorded.type(), recorded.subType(), recorded.name())
                    + " but the code now calls " + describe(type, subType, name)
                    + ". The code changed under a running execution; its checkpoints no longer fit, so it is"
                    + " failed. Keep the old code registered until such executions end, or start new executions.");
        }
        return recorded;
    }

    private static String describe(OperationType type, String subType, String name) {
        return type + (subType == null ? "" : "/" + subType) + (name == null ? "" : " '" + name + "'");
    }

    OperationRecord record(String id, OperationType type, String subType, String name, OperationStatus status,
            int attempt, String result, ErrorInfo error, Instant scheduledAt, Instant startedAt, Instant endedAt) {
        return new OperationRecord(run.executionId(), id, parentOf(id), type, subType, name, status, attempt, result,
                error, scheduledAt, startedAt, endedAt);
    }

    private static String parentOf(String id) {
        int dash = id.lastIndexOf('-');
        return dash < 0 ? null : id.substring(0, dash);
    }

    static OperationRecord withOutcome(OperationRecord op, OperationStatus status, String result, ErrorInfo error,
            Instant endedAt) {
        return new OperationRecord(op.executionId(), op.operationId(), op.parentId(), op.type(), op.subType(), op.name(),
                status, op.attempt(), result, error, op.scheduledAt(), op.startedAt(), endedAt);
    }

    /** Checkpoints from this context's scope; a detached scope writes nothing more. */
    void write(Scope from, List<OperationRecord> operations, List<CallbackRecord> callbacks, boolean await) {
        if (from.detached) {
            throw new Scope.Detached();
        }
        run.checkpoint(operations, callbacks, await);
    }

    void write(OperationRecord operation, boolean await) {
        write(scope, List.of(operation), List.of(), await);
    }

    /** The STARTED record of context operation {@code id}, checkpointed (without waiting) the first time. */
    private OperationRecord startContext(String id, OperationRecord recorded, Scope s, String subType, String name) {
        Instant startedAt = recorded != null ? recorded.startedAt() : run.clockNow();
        OperationRecord started = record(id, OperationType.CONTEXT, subType, name, OperationStatus.STARTED, 0, null,
                null, null, startedAt, null);
        if (recorded == null) {
            write(s, List.of(started), List.of(), false);
        }
        return started;
    }

    private static String requireName(String name, String what) {
        return UserText.checkName(name, what);
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

    // ================================================================ step

    @Override
    public <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        requireName(name, "step");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        Begun b = begin(OperationType.STEP, null, name, "step '" + name + "'");
        return runStep(b.id, b.recorded, scope, name, resultType, body, config);
    }

    @Override
    public <T> DurableFuture<T> stepAsync(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        requireName(name, "step");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(config, "config");
        Begun b = begin(OperationType.STEP, null, name, "stepAsync '" + name + "'");
        if (b.recorded != null && b.recorded.status().isTerminal()) {
            return settledFuture(settle(() -> runStep(b.id, b.recorded, scope, name, resultType, body, config)));
        }
        return new AsyncOperation<>(this, runInScope(s -> runStep(b.id, b.recorded, s, name, resultType, body, config)));
    }

    /** The step's replay-or-run logic, for operation {@code id}, in scope {@code s}. */
    private <T> T runStep(String id, OperationRecord recorded, Scope s, String name, TypeRef<T> resultType,
            StepFunction<T> body, StepConfig config) {
        int attempts = 0;
        Instant startedAt = null;
        if (recorded != null) {
            startedAt = recorded.startedAt();
            attempts = recorded.attempt();
            switch (recorded.status()) {
                case SUCCEEDED:
                    return run.read(recorded.result(), resultType.type(), "result of step '" + name + "'");
                case FAILED:
                    throw new StepFailedException(run.executionId(), id, name, recorded.attempt(), recorded.error());
                case RETRY_PENDING:
                    if (recorded.scheduledAt() != null && run.clockNow().isBefore(recorded.scheduledAt())) {
                        throw s.suspend(recorded.scheduledAt());
                    }
                    break;
                case STARTED:
                    // An at-most-once attempt was under way when its run stopped: it counts as failed.
                    StepInterruptedException interrupted = new StepInterruptedException("attempt " + attempts
                            + " of step '" + name + "' (operation " + id + " of execution " + run.executionId()
                            + ") started but did not finish before its run stopped; at-most-once semantics forbid"
                            + " running it again");
                    afterFailure(id, s, name, attempts, startedAt, interrupted, config);
                    break;
                default:
                    throw new IllegalStateException("unexpected status " + recorded.status());
            }
        }
        while (true) {
            attempts++;
            Instant now = run.clockNow();
            if (startedAt == null) {
                startedAt = now;
            }
            if (config.semantics() == StepSemantics.AT_MOST_ONCE_PER_RETRY) {
                write(s, List.of(record(id, OperationType.STEP, null, name, OperationStatus.STARTED, attempts, null, null,
                        null, startedAt, null)), List.of(), true);
            }
            T value;
            s.activeStep = name;
            try {
                Step step = new Step(id, attempts);
                value = config.timeout() == null ? body.apply(step) : applyWithTimeout(id, name, body, step, config);
            } catch (Throwable e) {
                s.activeStep = null;
                if (isControlFlow(e)) {
                    throw (Error) e;
                }
                if (e instanceof VirtualMachineError) {
                    log.error("step '{}' (operation {} of execution {}) threw {}; the attempt failed", name, id,
                            run.executionId(), e.toString());
                }
                afterFailure(id, s, name, attempts, startedAt, e, config);
                continue; // afterFailure returned: the retry is due at once
            } finally {
                s.activeStep = null;
            }
            String data = run.payload(value, resultType.type(), "the result of step '" + name + "' (operation " + id
                    + ")");
            write(s, List.of(record(id, OperationType.STEP, null, name, OperationStatus.SUCCEEDED, attempts, data, null,
                    null, startedAt, run.clockNow())), List.of(), true);
            return value;
        }
    }

    /**
     * Runs one attempt of a step body on a thread of its own, and waits for it at most the step's timeout on the
     * engine's clock (read every tick, so that a virtual clock moves it too). On timeout, the body's thread is
     * interrupted and abandoned, and the attempt fails with {@link StepTimeoutException}.
     */
    private <T> T applyWithTimeout(String id, String name, StepFunction<T> body, Step step, StepConfig config)
            throws Throwable {
        Instant deadline = run.clockNow().plus(config.timeout());
        java.util.concurrent.Future<T> attempt = run.engine.stepBodies().submit(() -> body.apply(step));
        long slice = Math.max(1, run.engine.scheduler().tickMillis());
        try {
            while (true) {
                try {
                    return attempt.get(slice, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    if (!run.clockNow().isBefore(deadline)) {
                        throw new StepTimeoutException("attempt " + step.attempt() + " of step '" + name
                                + "' (operation " + id + " of execution " + run.executionId() + ") ran longer than"
                                + " its timeout of " + config.timeout() + "; its thread was interrupted and is not"
                                + " waited for");
                    }
                    run.checkRun("step '" + name + "'");
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } finally {
            attempt.cancel(true);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ReplayContext.class);

    /**
     * Records a failed attempt and applies the retry strategy: throws {@link StepFailedException} when it gives up,
     * suspends when the retry is later, and returns when the retry is due at once.
     */
    private void afterFailure(String id, Scope s, String name, int attempts, Instant startedAt, Throwable error,
            StepConfig config) {
        ErrorInfo info = ErrorInfo.of(error);
        RetryDecision decision;
        try {
            decision = config.retryStrategy().decide(error, attempts);
        } catch (RuntimeException e) {
            decision = RetryDecision.stop();
            info = ErrorInfo.of(e);
        }
        Instant now = run.clockNow();
        if (!decision.retry()) {
            write(s, List.of(record(id, OperationType.STEP, null, name, OperationStatus.FAILED, attempts, null, info,
                    null, startedAt, now)), List.of(), true);
            throw new StepFailedException(run.executionId(), id, name, attempts, info);
        }
        Instant retryAt = now.plus(decision.delay());
        write(s, List.of(record(id, OperationType.STEP, null, name, OperationStatus.RETRY_PENDING, attempts, null, info,
                retryAt, startedAt, null)), List.of(), false);
        if (!decision.delay().isZero()) {
            throw s.suspend(retryAt);
        }
    }

    /** What a step's body sees. */
    private final class Step implements StepContext {
        private final String operationId;
        private final int attempt;

        Step(String operationId, int attempt) {
            this.operationId = operationId;
            this.attempt = attempt;
        }

        @Override
        public String executionId() {
            return run.executionId();
        }

        @Override
        public String operationId() {
            return operationId;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("dev.cairn.workflow." + run.function.name());
        }
    }

    // ================================================================ wait

    @Override
    public void wait(String name, Duration duration) {
        waitAsync(name, duration).get();
    }

    @Override
    public DurableFuture<Void> waitAsync(String name, Duration duration) {
        requireName(name, "wait");
        Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("wait '" + name + "' duration must be positive, was " + duration);
        }
        Begun b = begin(OperationType.WAIT, null, name, "wait '" + name + "'");
        OperationRecord op = b.recorded;
        if (op == null) {
            Instant now = run.clockNow();
            op = record(b.id, OperationType.WAIT, null, name, OperationStatus.STARTED, 0, null, null,
                    now.plus(duration), now, null);
            write(op, false);
        }
        return new WaitFuture(this, op);
    }

    /** A wait: ready once the engine's clock reaches its due time. */
    private static final class WaitFuture extends DurableFutureBase<Void> {
        private volatile OperationRecord op;

        WaitFuture(ReplayContext owner, OperationRecord op) {
            super(owner);
            this.op = op;
        }

        @Override
        CompletableFuture<Outcome<Void>> settled() {
            OperationRecord current = op;
            if (current.status() == OperationStatus.SUCCEEDED) {
                return CompletableFuture.completedFuture(Outcome.value(null));
            }
            Instant now = owner.run.clockNow();
            if (now.isBefore(current.scheduledAt())) {
                return CompletableFuture.completedFuture(Outcome.blocked(current.scheduledAt()));
            }
            return CompletableFuture.completedFuture(Outcome.value(null));
        }

        @Override
        public Void get() {
            owner.checkActive("wait");
            Outcome<Void> outcome = settled().join();
            if (outcome.blocked()) {
                throw owner.scope.suspend(outcome.wakeAt());
            }
            if (op.status() != OperationStatus.SUCCEEDED) {
                op = withOutcome(op, OperationStatus.SUCCEEDED, null, null, owner.run.clockNow());
                owner.write(op, false);
            }
            return null;
        }
    }

    // ================================================================ callbacks

    @Override
    public <T> DurableCallback<T> createCallback(String name, TypeRef<T> resultType, CallbackConfig config) {
        requireName(name, "callback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(config, "config");
        Begun b = begin(OperationType.CALLBACK, null, name, "createCallback '" + name + "'");
        if (b.recorded == null) {
            Instant now = run.clockNow();
            CallbackRecord callback = new CallbackRecord(CallbackIds.next(), run.executionId(), b.id, CallbackStatus.PENDING,
                    null, null, config.timeout() == null ? null : now.plus(config.timeout()), config.heartbeatTimeout(),
                    config.heartbeatTimeout() == null ? null : now.plus(config.heartbeatTimeout()), now, null,
                    resultType.type().getTypeName());
            write(scope, List.of(record(b.id, OperationType.CALLBACK, null, name, OperationStatus.STARTED, 0, null, null,
                    null, now, null)), List.of(callback), true);
            return new Callback<>(this, b.id, name, callback.id(), resultType);
        }
        CallbackRecord callback = run.history.callbacksByOperation.get(b.id);
        if (callback == null) {
            throw new IllegalStateException("callback operation " + b.id + " of execution " + run.executionId()
                    + " has a checkpoint but no callback row; the store is inconsistent");
        }
        return new Callback<>(this, b.id, name, callback.id(), resultType);
    }

    private static final class Callback<T> extends DurableFutureBase<T> implements DurableCallback<T> {
        private final String operationId;
        private final String name;
        private final String callbackId;
        private final TypeRef<T> type;

        Callback(ReplayContext owner, String operationId, String name, String callbackId, TypeRef<T> type) {
            super(owner);
            this.operationId = operationId;
            this.name = name;
            this.callbackId = callbackId;
            this.type = type;
        }

        @Override
        public String id() {
            return callbackId;
        }

        @Override
        public T get() {
            return result();
        }

        private String where() {
            return "callback '" + name + "' (id " + callbackId + ", operation " + operationId + " of execution "
                    + owner.run.executionId() + ")";
        }

        @Override
        CompletableFuture<Outcome<T>> settled() {
            ExecutionRun run = owner.run;
            OperationRecord op = run.history.operations.get(operationId);
            if (op.status() == OperationStatus.SUCCEEDED) {
                return CompletableFuture.completedFuture(Outcome.value(run.read(op.result(), type.type(), "result of " + where())));
            }
            if (op.status() == OperationStatus.FAILED) {
                return CompletableFuture.completedFuture(Outcome.failed(callbackError(where(), callbackId, op.error())));
            }
            CallbackRecord cb = run.history.callbacksByOperation.get(operationId);
            return CompletableFuture.completedFuture(switch (cb.status()) {
                case SUCCEEDED -> Outcome.value(run.read(cb.result(), type.type(), "result of " + where()));
                case FAILED, TIMED_OUT -> Outcome.failed(callbackError(where(), callbackId, cb.error()));
                case PENDING -> Outcome.blocked(cb.deadline());
            });
        }

        @Override
        public T result() {
            owner.checkActive("result of callback '" + name + "'");
            ExecutionRun run = owner.run;
            OperationRecord op = run.history.operations.get(operationId);
            if (op.status() == OperationStatus.SUCCEEDED) {
                return run.read(op.result(), type.type(), "result of " + where());
            }
            if (op.status() == OperationStatus.FAILED) {
                throw callbackError(where(), callbackId, op.error());
            }
            while (true) {
                CallbackRecord cb = run.history.callbacksByOperation.get(operationId);
                Instant now = run.clockNow();
                switch (cb.status()) {
                    case SUCCEEDED -> {
                        T value = run.read(cb.result(), type.type(), "result of " + where());
                        owner.write(withOutcome(op, OperationStatus.SUCCEEDED, cb.result(), null, now), false);
                        return value;
                    }
                    case FAILED, TIMED_OUT -> {
                        owner.write(withOutcome(op, OperationStatus.FAILED, null, cb.error(), now), false);
                        throw callbackError(where(), callbackId, cb.error());
                    }
                    case PENDING -> {
                        if (!cb.isOverdue(now)) {
                            throw owner.scope.suspend(cb.deadline());
                        }
                        run.expire(cb); // timed out now, or completed or heartbeated meanwhile: look again
                    }
                }
            }
        }
    }

    private static CallbackFailedException callbackError(String where, String callbackId, ErrorInfo error) {
        if (CallbackTimeoutException.class.getName().equals(error.type())) {
            return new CallbackTimeoutException(error.message(), callbackId, error);
        }
        if (CallbackFailedException.class.getName().equals(error.type())) {
            return new CallbackFailedException(error.message(), callbackId, error);
        }
        return new CallbackFailedException(where + " was failed: " + error.summary(), callbackId, error);
    }

    @Override
    public <T> T waitForCallback(String name, TypeRef<T> resultType, CallbackSubmitter submitter, CallbackConfig config) {
        requireName(name, "waitForCallback");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(config, "config");
        Begun b = begin(OperationType.CONTEXT, "WaitForCallback", name, "waitForCallback '" + name + "'");
        String id = b.id;
        if (b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED) {
            run.visitSubtree(id);
            return run.read(b.recorded.result(), resultType.type(), "result of waitForCallback '" + name + "'");
        }
        if (b.recorded != null && b.recorded.status() == OperationStatus.FAILED) {
            run.visitSubtree(id);
            CallbackRecord cb = run.history.callbacksByOperation.get(id + "-1");
            throw callbackError("waitForCallback '" + name + "'", cb == null ? null : cb.id(), b.recorded.error());
        }
        OperationRecord started = startContext(id, b.recorded, scope, "WaitForCallback", name);
        ReplayContext child = new ReplayContext(run, scope, id);
        DurableCallback<T> callback = child.createCallback(name, resultType, config);
        try {
            child.step("submit " + name, Void.class, step -> {
                submitter.submit(callback.id(), step);
                return null;
            }, config.submitterConfig());
        } catch (StepFailedException e) {
            String message = "the submitter of callback '" + name + "' (id " + callback.id() + ", operation " + id
                    + " of execution " + run.executionId() + ") failed after " + e.attempts() + " attempt(s): "
                    + e.error().summary();
            ErrorInfo error = ErrorInfo.of(CallbackFailedException.class.getName(), message);
            run.engine.failCallbackQuietly(callback.id(), error);
            write(withOutcome(started, OperationStatus.FAILED, null, error, run.clockNow()), false);
            throw new CallbackFailedException(message, callback.id(), error);
        }
        T value;
        try {
            value = callback.result();
        } catch (CallbackFailedException e) {
            write(withOutcome(started, OperationStatus.FAILED, null, e.error(), run.clockNow()), false);
            throw e;
        } catch (RuntimeException e) {
            if (scope.suspension == null && run.nonDeterminism == null) {
                write(withOutcome(started, OperationStatus.FAILED, null, ErrorInfo.of(e), run.clockNow()), false);
            }
            throw e;
        }
        OperationRecord childResult = run.history.operations.get(id + "-1");
        write(withOutcome(started, OperationStatus.SUCCEEDED, childResult.result(), null, run.clockNow()), false);
        return value;
    }

    // ================================================================ child contexts

    @Override
    public <T> T runInChildContext(String name, TypeRef<T> resultType, ChildFunction<T> body) {
        requireName(name, "child context");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Begun b = begin(OperationType.CONTEXT, "RunInChildContext", name, "runInChildContext '" + name + "'");
        activeChild = name;
        try {
            return runChild(b.id, b.recorded, scope, "RunInChildContext", name, resultType, body);
        } finally {
            activeChild = null;
        }
    }

    @Override
    public <T> DurableFuture<T> runInChildContextAsync(String name, TypeRef<T> resultType, ChildFunction<T> body) {
        requireName(name, "child context");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        Begun b = begin(OperationType.CONTEXT, "RunInChildContext", name, "runInChildContextAsync '" + name + "'");
        if (b.recorded != null && b.recorded.status().isTerminal()) {
            return settledFuture(settle(() -> runChild(b.id, b.recorded, scope, "RunInChildContext", name, resultType, body)));
        }
        return new AsyncOperation<>(this, runInScope(s -> runChild(b.id, b.recorded, s, "RunInChildContext", name,
                resultType, body)));
    }

    /**
     * Replays or runs a child context under operation {@code id}, in scope {@code s}: a finished child returns its
     * checkpoint without running; otherwise the body runs in a fresh child context and its outcome is checkpointed
     * as one unit.
     */
    <T> T runChild(String id, OperationRecord recorded, Scope s, String subType, String name, TypeRef<T> resultType,
            ChildFunction<T> body) {
        if (recorded != null && recorded.status() == OperationStatus.SUCCEEDED) {
            run.visitSubtree(id);
            return run.read(recorded.result(), resultType.type(), "result of child context '" + name + "'");
        }
        if (recorded != null && recorded.status() == OperationStatus.FAILED) {
            run.visitSubtree(id);
            throw new ChildContextFailedException(childFailure(id, name, recorded.error()), id, recorded.error());
        }
        OperationRecord started = startContext(id, recorded, s, subType, name);
        ReplayContext child = new ReplayContext(run, s, id);
        T value;
        try {
            value = body.apply(child);
        } catch (Throwable t) {
            if (isControlFlow(t)) {
                throw (Error) t;
            }
            if (s.suspension != null) {
                throw s.suspension;
            }
            if (run.nonDeterminism != null) {
                throw run.nonDeterminism;
            }
            ErrorInfo error = ErrorInfo.of(t);
            write(s, List.of(withOutcome(started, OperationStatus.FAILED, null, error, run.clockNow())), List.of(), false);
            throw new ChildContextFailedException(childFailure(id, name, error), id, error);
        } finally {
            child.closed = true;
        }
        if (s.suspension != null) {
            throw s.suspension; // the body caught its own suspension
        }
        String data;
        try {
            data = run.payload(value, resultType.type(), "the result of child context '" + name + "' (operation " + id
                    + ")");
        } catch (dev.cairn.SerializationException e) {
            ErrorInfo error = ErrorInfo.of(e);
            write(s, List.of(withOutcome(started, OperationStatus.FAILED, null, error, run.clockNow())), List.of(), false);
            throw new ChildContextFailedException(childFailure(id, name, error), id, error);
        }
        write(s, List.of(withOutcome(started, OperationStatus.SUCCEEDED, data, null, run.clockNow())), List.of(), false);
        return value;
    }

    private String childFailure(String id, String name, ErrorInfo error) {
        return "child context '" + name + "' (operation " + id + " of execution " + run.executionId() + ") failed: "
                + error.summary();
    }

    // ================================================================ batches

    @Override
    public <T> BatchResult<T> parallel(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config) {
        requireName(name, "parallel");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(branches, "branches");
        Objects.requireNonNull(config, "config");
        List<BatchRunner.Task<T>> tasks = new ArrayList<>(branches.size());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ParallelBranch<T> branch : branches) {
            Objects.requireNonNull(branch, "branch");
            if (!names.add(branch.name())) {
                throw new IllegalArgumentException("parallel '" + name + "' has two branches named '" + branch.name()
                        + "'; branch names must be unique");
            }
            tasks.add(new BatchRunner.Task<>(branch.name(), branch.body()));
        }
        Begun b = begin(OperationType.CONTEXT, "Parallel", name, "parallel '" + name + "'");
        return new BatchRunner<>(this, b.id, b.recorded, "Parallel", name, tasks, resultType, config).run();
    }

    @Override
    public <I, T> BatchResult<T> map(String name, Collection<I> items, TypeRef<T> resultType, MapFunction<? super I, T> fn,
            BatchConfig config) {
        requireName(name, "map");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(config, "config");
        if (!(items instanceof List<?> || items instanceof SortedSet<?> || items instanceof LinkedHashSet<?>)) {
            throw new IllegalArgumentException("map '" + name + "' needs an ordered collection (a List, a SortedSet or a"
                    + " LinkedHashSet), got a " + items.getClass().getName() + ": items are matched to their checkpoints"
                    + " by position, so their order must be the same on every replay");
        }
        List<BatchRunner.Task<T>> tasks = new ArrayList<>(items.size());
        int index = 0;
        for (I item : items) {
            int i = index++;
            tasks.add(new BatchRunner.Task<>("item " + i, ctx -> fn.apply(item, i, ctx)));
        }
        Begun b = begin(OperationType.CONTEXT, "Map", name, "map '" + name + "'");
        return new BatchRunner<>(this, b.id, b.recorded, "Map", name, tasks, resultType, config).run();
    }

    // ================================================================ invoke

    @Override
    public <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input, TypeRef<O> resultType) {
        Objects.requireNonNull(function, "function");
        return invoke(name, run.engine.registry().byClass(function).name(), input, resultType);
    }

    @Override
    public <O> O invoke(String name, String functionName, Object input, TypeRef<O> resultType) {
        requireName(name, "invoke");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(resultType, "resultType");
        Begun b = begin(OperationType.INVOKE, functionName, name, "invoke '" + name + "'");
        return new Invocation(this, b.id, b.recorded, name, functionName).await(input, resultType);
    }

    // ================================================================ polling and retrying blocks

    @Override
    public <S> S waitForCondition(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        requireName(name, "waitForCondition");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(config, "config");
        Begun b = begin(OperationType.CONTEXT, "WaitForCondition", name, "waitForCondition '" + name + "'");
        if (b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED) {
            run.visitSubtree(b.id);
            return run.read(b.recorded.result(), stateType.type(), "state of waitForCondition '" + name + "'");
        }
        OperationRecord started = startContext(b.id, b.recorded, scope, "WaitForCondition", name);
        ReplayContext child = new ReplayContext(run, scope, b.id);
        S state = config.initialState();
        for (int attempt = 1; ; attempt++) {
            S previous = state;
            try {
                state = child.step("check " + attempt, stateType, s -> check.check(previous, s), config.checkConfig());
            } catch (StepFailedException e) {
                // The check failed after its retries: so does the wait, with the check's error.
                write(withOutcome(started, OperationStatus.FAILED, null, e.error(), run.clockNow()), false);
                throw e;
            }
            if (config.isDone(state)) {
                write(withOutcome(started, OperationStatus.SUCCEEDED, run.payload(state, stateType.type(),
                        "the state of waitForCondition '" + name + "'"), null, run.clockNow()), false);
                return state;
            }
            if (attempt >= config.maxAttempts()) {
                String last = run.payload(state, stateType.type(), "the state of waitForCondition '" + name + "'");
                String message = "waitForCondition '" + name + "' (operation " + b.id + " of execution "
                        + run.executionId() + ") polled " + attempt + " times and the condition was not met; last state: "
                        + last;
                write(withOutcome(started, OperationStatus.FAILED, null,
                        ErrorInfo.of(ConditionNotMetException.class.getName(), message), run.clockNow()), false);
                throw new ConditionNotMetException(message, last);
            }
            child.wait("delay " + attempt, config.delayAfter(attempt));
        }
    }

    @Override
    public <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, ChildFunction<T> body) {
        requireName(name, "withRetry");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(body, "body");
        Begun b = begin(OperationType.CONTEXT, "WithRetry", name, "withRetry '" + name + "'");
        if (b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED) {
            run.visitSubtree(b.id);
            return run.read(b.recorded.result(), resultType.type(), "result of withRetry '" + name + "'");
        }
        OperationRecord started = startContext(b.id, b.recorded, scope, "WithRetry", name);
        ReplayContext child = new ReplayContext(run, scope, b.id);
        for (int attempt = 1; ; attempt++) {
            try {
                T value = child.runInChildContext("attempt " + attempt, resultType, body);
                write(withOutcome(started, OperationStatus.SUCCEEDED, run.payload(value, resultType.type(),
                        "the result of withRetry '" + name + "'"), null, run.clockNow()), false);
                return value;
            } catch (ChildContextFailedException e) {
                RetryDecision decision;
                try {
                    decision = strategy.decide(e, attempt);
                } catch (RuntimeException strategyError) {
                    decision = RetryDecision.stop();
                }
                if (!decision.retry()) {
                    String message = "withRetry '" + name + "' (operation " + b.id + " of execution " + run.executionId()
                            + ") gave up after " + attempt + " attempt(s): " + e.error().summary();
                    write(withOutcome(started, OperationStatus.FAILED, null, e.error(), run.clockNow()), false);
                    throw new ChildContextFailedException(message, b.id, e.error());
                }
                Duration delay = decision.delay().isZero() ? Duration.ofMillis(1) : decision.delay();
                child.wait("backoff " + attempt, delay);
            }
        }
    }

    // ================================================================ recorded values

    @Override
    public Instant now() {
        Begun b = begin(OperationType.STEP, "Now", "now", "now()");
        if (b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(b.recorded.result(), Instant.class, "now()");
        }
        Instant now = run.clockNow();
        write(record(b.id, OperationType.STEP, "Now", "now", OperationStatus.SUCCEEDED, 1, run.payload(now, null, "now()"),
                null, null, now, now), false);
        return now;
    }

    @Override
    public UUID randomUUID() {
        Begun b = begin(OperationType.STEP, "RandomUUID", "randomUUID", "randomUUID()");
        if (b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED) {
            return run.read(b.recorded.result(), UUID.class, "randomUUID()");
        }
        UUID uuid = UUID.randomUUID();
        Instant now = run.clockNow();
        write(record(b.id, OperationType.STEP, "RandomUUID", "randomUUID", OperationStatus.SUCCEEDED, 1,
                run.payload(uuid, null, "randomUUID()"), null, null, now, now), false);
        return uuid;
    }

    // ================================================================ futures

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
    private <T> Outcome<T> settle(java.util.function.Supplier<T> work) {
        try {
            return Outcome.value(work.get());
        } catch (Throwable t) {
            if (isControlFlow(t)) {
                throw (Error) t;
            }
            return Outcome.failed(t);
        }
    }

    private <T> DurableFuture<T> settledFuture(Outcome<T> outcome) {
        return new AsyncOperation<>(this, CompletableFuture.completedFuture(outcome));
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

    /** An operation running on a thread of its own. */
    static final class AsyncOperation<T> extends DurableFutureBase<T> {
        private final CompletableFuture<Outcome<T>> outcome;

        AsyncOperation(ReplayContext owner, CompletableFuture<Outcome<T>> outcome) {
            super(owner);
            this.outcome = outcome;
        }

        @Override
        CompletableFuture<Outcome<T>> settled() {
            return outcome;
        }
    }

    DurableFuture<List<Object>> allOf(List<? extends DurableFuture<?>> futures) {
        checkActive("allOf");
        List<DurableFutureBase<?>> all = new ArrayList<>();
        for (DurableFuture<?> f : futures) {
            all.add((DurableFutureBase<?>) f);
        }
        return new DurableFutureBase<List<Object>>(this) {
            @Override
            CompletableFuture<Outcome<List<Object>>> settled() {
                List<CompletableFuture<? extends Outcome<?>>> each = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    each.add(f.settled());
                }
                return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    List<Object> values = new ArrayList<>();
                    Instant wake = null;
                    boolean blocked = false;
                    for (CompletableFuture<? extends Outcome<?>> f : each) {
                        Outcome<?> o = f.join();
                        switch (o.kind()) {
                            case FAILED, DETACHED -> {
                                return Outcome.failed(o.error() != null ? o.error() : new Scope.Detached());
                            }
                            case BLOCKED -> {
                                wake = blocked ? Outcome.earliest(wake, o.wakeAt()) : o.wakeAt();
                                blocked = true;
                            }
                            case VALUE -> values.add(o.value());
                        }
                    }
                    return blocked ? Outcome.blocked(wake) : Outcome.value(values);
                });
            }

            @Override
            public List<Object> get() {
                owner.checkActive("allOf(...).get()");
                Outcome<List<Object>> o = settled().join();
                if (o.kind() == Outcome.Kind.VALUE) {
                    // Let each future record its own completion (a wait marks itself done).
                    List<Object> values = new ArrayList<>();
                    for (DurableFutureBase<?> f : all) {
                        values.add(f.get());
                    }
                    return values;
                }
                return resolve(o);
            }
        };
    }

    DurableFuture<Object> anyOf(List<? extends DurableFuture<?>> futures) {
        Begun b = begin(OperationType.STEP, "AnyOf", "anyOf", "anyOf");
        List<DurableFutureBase<?>> all = new ArrayList<>();
        for (DurableFuture<?> f : futures) {
            all.add((DurableFutureBase<?>) f);
        }
        return new DurableFutureBase<Object>(this) {
            private volatile Integer winner = b.recorded != null && b.recorded.status() == OperationStatus.SUCCEEDED
                    ? run.read(b.recorded.result(), Integer.class, "anyOf winner") : null;

            @Override
            @SuppressWarnings("unchecked")
            CompletableFuture<Outcome<Object>> settled() {
                if (winner != null) {
                    return all.get(winner).settled().thenApply(o -> (Outcome<Object>) (Outcome<?>) o);
                }
                List<CompletableFuture<? extends Outcome<?>>> each = new ArrayList<>();
                for (DurableFutureBase<?> f : all) {
                    each.add(f.settled());
                }
                return CompletableFuture.anyOf(each.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    Instant wake = null;
                    boolean anyRunning = false;
                    boolean first = true;
                    for (CompletableFuture<? extends Outcome<?>> f : each) {
                        if (!f.isDone()) {
                            anyRunning = true;
                            continue;
                        }
                        Outcome<?> o = f.join();
                        if (!o.blocked()) {
                            @SuppressWarnings("unchecked")
                            Outcome<Object> won = (Outcome<Object>) o;
                            return won;
                        }
                        wake = first ? o.wakeAt() : Outcome.earliest(wake, o.wakeAt());
                        first = false;
                    }
                    return anyRunning ? null : Outcome.blocked(wake);
                });
            }

            @Override
            public Object get() {
                owner.checkActive("anyOf(...).get()");
                while (winner == null) {
                    Outcome<Object> o = settled().join();
                    if (o == null) {
                        // Something still runs and nothing has finished: wait a little and look again, since a
                        // wait may come due meanwhile.
                        waitForAny(all);
                        continue;
                    }
                    if (o.blocked()) {
                        throw scope.suspend(o.wakeAt());
                    }
                    for (int i = 0; i < all.size(); i++) {
                        CompletableFuture<? extends Outcome<?>> s = all.get(i).settled();
                        if (s.isDone() && !s.join().blocked()) {
                            winner = i;
                            break;
                        }
                    }
                    Instant now = run.clockNow();
                    write(record(b.id, OperationType.STEP, "AnyOf", "anyOf", OperationStatus.SUCCEEDED, 1,
                            run.payload(winner, null, "anyOf"), null, null, now, now), false);
                }
                return all.get(winner).get();
            }
        };
    }

    private static void waitForAny(List<DurableFutureBase<?>> all) {
        List<CompletableFuture<?>> running = new ArrayList<>();
        for (DurableFutureBase<?> f : all) {
            CompletableFuture<?> s = f.settled();
            if (!s.isDone()) {
                running.add(s);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.anyOf(running.toArray(new CompletableFuture<?>[0])).get(50, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // time to look again
        }
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
