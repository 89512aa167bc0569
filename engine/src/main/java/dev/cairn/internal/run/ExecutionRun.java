package dev.cairn.internal.run;

import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionContextPropagator.Attachment;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.SerializationException;
import dev.cairn.internal.ContextPropagation;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackTimeout;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.EventRecord;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Serializer;
import dev.cairn.spi.WriteRejectedException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One run of one execution: the replay from the top to the point where the function returns or suspends. It
 * holds the execution's history (shared with the cache between runs), tracks which checkpoints the code has
 * reached again, and sends new checkpoints to the writer under the version the run claimed.
 */
public final class ExecutionRun {

    public final RunEnvironment env;
    final ExecutionRecord execution;
    public final RegisteredFunction function;
    public final ExecutionHistory history;
    final Thread thread = Thread.currentThread();

    private final java.util.NavigableSet<String> unvisited;
    final Scope rootScope = new Scope(Thread.currentThread());
    /** How many pieces of work started by {@link #async} are still running; guarded by itself. */
    private final int[] asyncRunning = new int[1];
    public volatile NonDeterministicExecutionException nonDeterminism;
    volatile RunAbandoned abandoned;
    /** Set when the store refused one of this run's writes, awaited or not: the run ends the execution FAILED. */
    volatile WriteRejectedException rejected;
    volatile boolean finished;
    /** History events that ride with the run's next checkpoint; guarded by this run. */
    private final List<EventRecord> events = new java.util.ArrayList<>();

    /** When the claim this run belongs to began ({@link System#nanoTime()}). */
    final long claimedNanos;
    /** What was captured when the execution started ({@link ExecutionRecord#propagatedContext()}), decoded. */
    public final Map<String, String> propagatedContext;

    public ExecutionRun(RunEnvironment env, ExecutionRecord execution, RegisteredFunction function, ExecutionHistory history) {
        this(env, execution, function, history, System.nanoTime(), Map.of());
    }

    public ExecutionRun(RunEnvironment env, ExecutionRecord execution, RegisteredFunction function, ExecutionHistory history,
            long claimedNanos, Map<String, String> propagatedContext) {
        this.claimedNanos = claimedNanos;
        this.propagatedContext = propagatedContext;
        this.env = env;
        this.execution = execution;
        this.function = function;
        this.history = history;
        this.unvisited = new java.util.concurrent.ConcurrentSkipListSet<>();
        this.unvisited.addAll(history.operations.keySet());
    }

    /** Records a history event; it is written with the run's next checkpoint, or with how the run ends. */
    public synchronized void event(dev.cairn.HistoryEventType type, String operationId, int attempt, Instant at,
            Instant scheduledAt, dev.cairn.ErrorInfo error) {
        events.add(new EventRecord(executionId(), type, at, operationId, attempt, scheduledAt, error));
    }

    /** The events recorded since the last checkpoint, which the caller writes. */
    synchronized List<EventRecord> drainEvents() {
        if (events.isEmpty()) {
            return List.of();
        }
        List<EventRecord> drained = List.copyOf(events);
        events.clear();
        return drained;
    }

    /** The real time since the claim this run belongs to began. */
    java.time.Duration runTime() {
        return java.time.Duration.ofNanos(System.nanoTime() - claimedNanos);
    }

    public String executionId() {
        return execution.id();
    }

    public Instant clockNow() {
        return env.clock().now();
    }

    /** The engine's clock. */
    public dev.cairn.spi.Clock clock() {
        return env.clock();
    }

    public boolean isReplaying() {
        return !unvisited.isEmpty();
    }

    /** Checks what every operation of every scope checks: the run is still this node's and not over. */
    public void checkRun(String what) {
        if (abandoned != null) {
            throw abandoned;
        }
        if (rejected != null) {
            throw new CheckpointRejected(rejected);
        }
        if (finished) {
            throw new IllegalStateException("DurableContext of execution " + executionId() + " used for " + what
                    + " after its run ended");
        }
        if (env.isClosing()) {
            throw abandon(RunAbandoned.Reason.CLOSING);
        }
        Instant timeoutAt = execution.timeoutAt();
        if (timeoutAt != null && !clockNow().isBefore(timeoutAt)) {
            throw abandon(RunAbandoned.Reason.TIMED_OUT);
        }
    }

    /** Runs work for this run on a thread of its own; the run does not end before such work has settled. */
    public <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
        synchronized (asyncRunning) {
            asyncRunning[0]++;
        }
        CompletableFuture<T> future;
        try {
            future = CompletableFuture.supplyAsync(onRunThread(work), env.branchThreads());
        } catch (RuntimeException e) {
            settled();
            throw e;
        }
        future.whenComplete((value, error) -> settled());
        return future;
    }

    /**
     * {@code work} run as the run's own code runs, for user code on another thread: with the MDC keys of this run set
     * ({@link ExecutionRunner#MDC_EXECUTION_ID} and {@link ExecutionRunner#MDC_FUNCTION}) and the propagated context
     * attached.
     */
    public <T> java.util.function.Supplier<T> onRunThread(java.util.function.Supplier<T> work) {
        java.util.concurrent.Callable<T> call = onRunThreadCall(work::get);
        return () -> {
            try {
                return call.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e); // work is a Supplier: it throws no checked exception
            }
        };
    }

    /** {@code work} run as the run's own code runs, as {@link #onRunThread(java.util.function.Supplier)}. */
    public <T> java.util.concurrent.Callable<T> onRunThreadCall(java.util.concurrent.Callable<T> work) {
        String id = executionId();
        String fn = function.name();
        return () -> {
            putMdc(id, fn);
            try (Attachment attached = attachRun()) {
                return work.call();
            } finally {
                clearMdc();
            }
        };
    }

    /** Attaches the propagated context for the run's code on the current thread. */
    Attachment attachRun() {
        ContextPropagation propagation = env.propagation();
        return propagation.active() ? propagation.attach(new ExecutionContextPropagator.Running(executionId(),
                function.name(), propagatedContext, null, null, 0)) : Attachment.NONE;
    }

    /** Attaches the propagated context for an attempt of a step's body on the current thread. */
    public Attachment attachStepAttempt(String operationId, String stepName, int attempt) {
        ContextPropagation propagation = env.propagation();
        return propagation.active() ? propagation.attach(new ExecutionContextPropagator.Running(executionId(),
                function.name(), propagatedContext, operationId, stepName, attempt)) : Attachment.NONE;
    }

    /**
     * What the propagators capture for an execution this run starts with {@code ctx.invoke}, on the invoking thread;
     * null if nothing.
     */
    public String captureForChild(String childId, String childFunction) {
        ContextPropagation propagation = env.propagation();
        return propagation.active() ? propagation.capture(new ExecutionContextPropagator.Starting(childId,
                childFunction, childId, executionId(), propagatedContext)) : null;
    }

    /** Sets the MDC keys user code sees; {@link #clearMdc()} removes them. */
    static void putMdc(String executionId, String function) {
        org.slf4j.MDC.put(ExecutionRunner.MDC_EXECUTION_ID, executionId);
        org.slf4j.MDC.put(ExecutionRunner.MDC_FUNCTION, function);
    }

    static void clearMdc() {
        org.slf4j.MDC.remove(ExecutionRunner.MDC_EXECUTION_ID);
        org.slf4j.MDC.remove(ExecutionRunner.MDC_FUNCTION);
    }

    private void settled() {
        synchronized (asyncRunning) {
            asyncRunning[0]--;
            asyncRunning.notifyAll();
        }
    }

    /** Waits until no work started by {@link #async} is running. */
    void awaitAsyncWork() {
        synchronized (asyncRunning) {
            while (asyncRunning[0] > 0) {
                try {
                    asyncRunning.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The checkpoint of operation {@code id}, marking it reached; {@code null} if it has none. */
    public OperationRecord visit(String id) {
        unvisited.remove(id);
        return history.operations.get(id);
    }

    /**
     * Marks every operation under {@code id} as reached: a finished child returned its checkpoint without running,
     * so its own operations will not be reached again in this run.
     */
    public void visitSubtree(String id) {
        unvisited.subSet(id + "-", true, id + "-\uffff", true).clear();
    }

    public synchronized NonDeterministicExecutionException nonDeterministic(String operationId, String message) {
        NonDeterministicExecutionException e = new NonDeterministicExecutionException(executionId(), operationId, message);
        if (nonDeterminism == null) {
            nonDeterminism = e;
        }
        return e;
    }

    synchronized RunAbandoned abandon(RunAbandoned.Reason reason) {
        if (abandoned == null) {
            abandoned = new RunAbandoned(reason);
        }
        return abandoned;
    }

    /**
     * Serializes a value to be read back as {@code type} ({@code null} when it is the engine's own) and checks it
     * against the payload limit and what the store holds. Nothing is written.
     */
    public String payload(Object value, java.lang.reflect.Type type, String what) {
        return payload(null, value, type, what);
    }

    /**
     * As {@link #payload(Object, java.lang.reflect.Type, String)}, with an operation's serializer ({@code null}: the
     * engine's).
     */
    public String payload(Serializer serializer, Object value, java.lang.reflect.Type type, String what) {
        return env.payloads().encode(serializer, value, type, what + " of execution " + executionId());
    }

    /** As {@link #payload}, but {@code null} when the text's only fault is its size: for a result to be rebuilt. */
    public String payloadUnlessTooLarge(Serializer with, Object value, java.lang.reflect.Type type, String what) {
        return env.payloads().encodeUnlessTooLarge(with, value, type, what + " of execution " + executionId());
    }

    /**
     * Calls the store directly from the run (not through the writer). A failure is the store's, not the workflow's:
     * the run stops and is retried, as when a checkpoint cannot be written.
     */
    public <T> T storeCall(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (WriteRejectedException e) {
            throw new CheckpointRejected(e);
        } catch (RuntimeException e) {
            throw new StoreUnavailable(e);
        }
    }

    /**
     * Times out a pending callback that is past its deadline, in the store (in a fenced checkpoint, so a run that
     * lost its execution times out nothing) and in this run's history.
     *
     * @return the callback as the store has it now: timed out, or completed or heartbeated in the meantime
     */
    public CallbackRecord expire(CallbackRecord callback) {
        if (abandoned != null) {
            throw abandoned;
        }
        CompletableFuture<CommitOutcome> done;
        synchronized (this) {
            done = env.writer(executionId()).submit(new Checkpoint(executionId(), execution.version(), List.of(),
                    List.of(), List.of(), null, clockNow(), List.of(),
                    List.of(new CallbackTimeout(callback.id(), callback.timeoutError()))));
        }
        awaitApplied(done);
        history.replaceCallbacks(storeCall(() -> env.store().loadCallbacks(executionId())));
        return history.callbacksByOperation.get(callback.operationId());
    }

    /** Reads checkpointed text with the engine's serializer. */
    public <T> T read(String data, java.lang.reflect.Type type, String what) {
        return read(null, data, type, what);
    }

    /**
     * Reads checkpointed text as {@code type} with an operation's serializer ({@code null}: the engine's). Whatever
     * the serializer throws comes out as a {@link SerializationException} naming the operation, for the workflow
     * to catch where it called the operation.
     */
    public <T> T read(Serializer serializer, String data, java.lang.reflect.Type type, String what) {
        if (data == null) {
            return null; // what a null value (or a serializer that wrote nothing) was checkpointed as
        }
        Serializer s = serializer != null ? serializer : env.serializer();
        try {
            return s.deserialize(data, type);
        } catch (SerializationException e) {
            throw new SerializationException("the checkpointed " + what + " of execution " + executionId()
                    + " cannot be read as " + type.getTypeName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SerializationException("the checkpointed " + what + " of execution " + executionId()
                    + " cannot be read as " + type.getTypeName() + " by the serializer "
                    + s.getClass().getName() + ": " + e, e);
        }
    }

    /**
     * Checkpoints operations (and callbacks). With {@code await}, returns once they are durable, and unwinds the
     * run if the execution is no longer this run's.
     */
    public void checkpoint(List<OperationRecord> operations, List<CallbackRecord> callbacks, boolean await) {
        checkpoint(operations, callbacks, List.of(), await);
    }

    /**
     * Checkpoints operations, callbacks and the executions this run invokes ({@code children}, created with the
     * checkpoint unless they exist). With {@code await}, returns once they are durable, and unwinds the run if
     * the execution is no longer this run's.
     */
    public void checkpoint(List<OperationRecord> operations, List<CallbackRecord> callbacks,
                           List<NewExecution> children, boolean await) {
        if (abandoned != null) {
            throw abandoned;
        }
        CompletableFuture<CommitOutcome> done;
        synchronized (this) {
            done = enqueue(operations, callbacks, children);
        }
        if (await) {
            awaitApplied(done);
        } else {
            done.whenComplete((outcome, error) -> {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof WriteRejectedException w) {
                    rejected = w;
                }
            });
        }
    }

    private CompletableFuture<CommitOutcome> enqueue(List<OperationRecord> operations, List<CallbackRecord> callbacks,
                                                     List<NewExecution> children) {
        List<OperationRecord> inserts = new java.util.ArrayList<>();
        List<OperationRecord> updates = new java.util.ArrayList<>();
        for (OperationRecord op : operations) {
            if (history.operations.containsKey(op.operationId())) {
                updates.add(op);
            } else {
                inserts.add(op);
            }
            history.operations.put(op.operationId(), op);
        }
        for (CallbackRecord cb : callbacks) {
            history.callbacksByOperation.put(cb.operationId(), cb);
        }
        return env.writer(executionId()).submit(new Checkpoint(executionId(), execution.version(), inserts, updates,
                callbacks, null, clockNow(), children, List.of(), drainEvents()));
    }

    void awaitApplied(CompletableFuture<CommitOutcome> done) {
        CommitOutcome outcome;
        try {
            outcome = env.writer(executionId()).await(done);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WriteRejectedException w) {
                rejected = w;
                throw new CheckpointRejected(w);
            }
            throw new StoreUnavailable(e.getCause() != null ? e.getCause() : e);
        }
        switch (outcome) {
            case APPLIED, SIGNALLED -> {
                // An earlier write that was not awaited and rode in an earlier batch may have been refused.
                if (rejected != null) {
                    throw new CheckpointRejected(rejected);
                }
            }
            case FENCED -> throw abandon(RunAbandoned.Reason.FENCED);
            case CANCELLED -> throw abandon(RunAbandoned.Reason.CANCELLED);
        }
    }

    /** The store could not be written; the run stops and is retried. */
    public static final class StoreUnavailable extends Error {
        StoreUnavailable(Throwable cause) {
            super("checkpoint could not be written: " + cause, cause, false, false);
        }
    }

    /**
     * The store refused a write of this run for what it contains; writing it again would fail again. The run stops
     * and its execution ends FAILED, once.
     */
    public static final class CheckpointRejected extends Error {
        final transient WriteRejectedException rejection;

        CheckpointRejected(WriteRejectedException rejection) {
            super("checkpoint refused by the store: " + rejection.getMessage(), rejection, false, false);
            this.rejection = rejection;
        }
    }

}
