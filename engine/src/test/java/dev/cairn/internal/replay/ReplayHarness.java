package dev.cairn.internal.replay;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.Payloads;
import dev.cairn.internal.commit.CheckpointWriter;
import dev.cairn.internal.run.ExecutionHistory;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.internal.run.FunctionRegistry;
import dev.cairn.internal.run.RegisteredFunction;
import dev.cairn.internal.run.Registration;
import dev.cairn.internal.run.RunEnvironment;
import dev.cairn.internal.run.Scope;
import dev.cairn.internal.run.Suspension;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Serializer;
import dev.cairn.spi.Transition;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Runs workflow code against one execution of an {@link InMemoryExecutionStore}, on the calling thread, the way
 * the engine's runner does, but one run at a time and under the test's control: seed the checkpoints a previous
 * run would have left, set the {@link VirtualClock}, run, and read what the run returned, threw or suspended
 * until, and what it checkpointed.
 *
 * <p>The execution stays RUNNING at version 1 throughout, so every run's writes are applied; each run reads the
 * history from the store afresh, as a run after a claim does.
 */
final class ReplayHarness implements AutoCloseable {

    static final String EXECUTION_ID = "exec-1";
    static final String NODE = "test-node";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    final VirtualClock clock = new VirtualClock(T0);
    /** How many times the runs have read the clock. */
    final java.util.concurrent.atomic.AtomicInteger clockReads = new java.util.concurrent.atomic.AtomicInteger();
    private final Clock countingClock = new Clock() {
        @Override
        public Instant now() {
            clockReads.incrementAndGet();
            return clock.now();
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> whenReached(Instant instant) {
            return clock.whenReached(instant);
        }
    };
    final InMemoryExecutionStore store = new InMemoryExecutionStore();
    final FunctionRegistry functions = new FunctionRegistry();
    final Serializer serializer = Serializer.jackson();
    /** Executions the runs asked the engine to dispatch. */
    final List<String> dispatched = new CopyOnWriteArrayList<>();

    private final Payloads payloads = new Payloads(serializer, 256 * 1024);
    private final CheckpointWriter writer = new CheckpointWriter(store, NODE);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replay-harness-branch");
        t.setDaemon(true);
        return t;
    });
    private final ExecutionRecord execution;
    private final RunEnvironment env = new Env();

    ReplayHarness() {
        writer.start();
        execution = store.createExecution(new NewExecution(EXECUTION_ID, null, "workflow", "\"input\"", T0, NODE,
                T0.plus(Duration.ofDays(365)), null)).record();
    }

    /** The code of one run. */
    @FunctionalInterface
    interface Workflow<T> {
        T run(DurableContext ctx) throws Exception;
    }

    /** How one run ended: with a value, an error, or a suspension (its wake-up time, null for a signal). */
    static final class RunResult<T> {
        private final T value;
        private final Throwable error;
        private final boolean suspended;
        private final Instant wakeAt;

        RunResult(T value, Throwable error, boolean suspended, Instant wakeAt) {
            this.value = value;
            this.error = error;
            this.suspended = suspended;
            this.wakeAt = wakeAt;
        }

        /** What the run returned; fails the test if it threw or suspended. */
        T value() {
            if (error != null || suspended) {
                throw new AssertionError("the run did not return a value: " + this, error);
            }
            return value;
        }

        /** What the run threw, of {@code type}; fails the test otherwise. */
        <E extends Throwable> E error(Class<E> type) {
            if (!type.isInstance(error)) {
                throw new AssertionError("expected the run to throw " + type.getName() + ": " + this, error);
            }
            return type.cast(error);
        }

        /** When the suspended run asked to be woken; fails the test if it did not suspend. */
        Instant wakeAt() {
            if (!suspended) {
                throw new AssertionError("the run did not suspend: " + this, error);
            }
            return wakeAt;
        }

        boolean suspended() {
            return suspended;
        }

        @Override
        public String toString() {
            return suspended ? "suspended until " + wakeAt + (error == null ? "" : " after throwing " + error)
                    : error != null ? "threw " + error : "returned " + value;
        }
    }

    /** A run, for tests that call an operation's internals directly. */
    ExecutionRun newRun() {
        flush();
        ExecutionHistory history = new ExecutionHistory(store.loadHistory(EXECUTION_ID), execution.version());
        return new ExecutionRun(env, execution, new RegisteredFunction("workflow", (in, ctx) -> null, String.class,
                String.class), history);
    }

    /** Runs {@code workflow} once, from the top, against what the store holds now. */
    <T> RunResult<T> run(Workflow<T> workflow) {
        ExecutionRun run = newRun();
        Scope root = new Scope(Thread.currentThread());
        ReplayContext ctx = new ReplayContext(run, root, null);
        T value = null;
        Throwable error = null;
        try {
            value = workflow.run(ctx);
        } catch (Throwable t) {
            error = t;
        }
        flush();
        if (root.suspension != null) {
            return new RunResult<>(null, error instanceof Suspension ? null : error, true, root.suspension.wakeAt);
        }
        return new RunResult<>(value, error, false, null);
    }

    /** Waits until every write submitted so far is committed. */
    void flush() {
        writer.await(writer.submit(EXECUTION_ID, execution.version(), List.of(), List.of(), List.of(), null,
                clock.now()));
    }

    // ================================================================ seeding

    /** Checkpoints operations as a previous run would have. */
    void seed(OperationRecord... operations) {
        commit(List.of(operations), List.of());
    }

    /** Checkpoints callbacks as a previous run would have. */
    void seed(CallbackRecord... callbacks) {
        commit(List.of(), List.of(callbacks));
    }

    private void commit(List<OperationRecord> operations, List<CallbackRecord> callbacks) {
        flush();
        Map<String, OperationRecord> existing = operations();
        List<OperationRecord> inserts = operations.stream().filter(o -> !existing.containsKey(o.operationId())).toList();
        List<OperationRecord> updates = operations.stream().filter(o -> existing.containsKey(o.operationId())).toList();
        store.commit(List.of(new Checkpoint(EXECUTION_ID, execution.version(), inserts, updates, callbacks, null,
                clock.now())));
    }

    /** An operation record of the test's execution. */
    static OperationRecord op(String id, OperationType type, String subType, String name, OperationStatus status,
            int attempt, String result, ErrorInfo error, Instant scheduledAt, Instant startedAt, Instant endedAt) {
        return new OperationRecord(EXECUTION_ID, id, OperationRecords.parentOf(id), type, subType, name, status,
                attempt, result, error, scheduledAt, startedAt, endedAt);
    }

    /** A finished step, as checkpointed. */
    OperationRecord succeededStep(String id, String name, Object result) {
        return op(id, OperationType.STEP, null, name, OperationStatus.SUCCEEDED, 1, json(result), null, null, T0, T0);
    }

    /** A failed child context (a withRetry attempt, say), as checkpointed. */
    static OperationRecord failedChild(String id, String name, ErrorInfo error) {
        return op(id, OperationType.CONTEXT, ChildContextOperation.SUB_TYPE, name, OperationStatus.FAILED, 0, null,
                error, null, T0, T0);
    }

    /** A context operation under way, as checkpointed when it started. */
    static OperationRecord startedContext(String id, String subType, String name) {
        return op(id, OperationType.CONTEXT, subType, name, OperationStatus.STARTED, 0, null, null, null, T0, null);
    }

    /** A wait, as checkpointed when it started, due at {@code dueAt}. */
    static OperationRecord startedWait(String id, String name, Instant dueAt) {
        return op(id, OperationType.WAIT, null, name, OperationStatus.STARTED, 0, null, null, dueAt, T0, null);
    }

    /** A wait that was found due, as checkpointed. */
    static OperationRecord succeededWait(String id, String name, Instant dueAt) {
        return op(id, OperationType.WAIT, null, name, OperationStatus.SUCCEEDED, 0, null, null, dueAt, T0, dueAt);
    }

    /** Inserts another execution (a child an invoke started) in the state given. */
    void seedExecution(String id, String function, String parentId, Transition end) {
        ExecutionRecord row = store.createExecution(new NewExecution(id, id, function, "\"input\"", clock.now(),
                "other-node", clock.now().plus(Duration.ofDays(1)), null, parentId)).record();
        if (end != null) {
            store.commit(List.of(new Checkpoint(id, row.version(), List.of(), List.of(), List.of(), end,
                    clock.now())));
        }
    }

    /** Completes a callback from outside, as {@code DurableEngine.completeCallback} does. */
    void complete(String callbackId, Object value) {
        store.completeCallback(new CallbackCompletion(callbackId, dev.cairn.CallbackStatus.SUCCEEDED, json(value),
                null, clock.now()));
    }

    /** Registers a function that invoke can start. */
    void register(String name, DurableFunction<String, String> function) {
        functions.add(new Registration(name, function, String.class, String.class));
    }

    /** A value as the default serializer checkpoints it. */
    String json(Object value) {
        return value == null ? null : serializer.serialize(value, value.getClass());
    }

    <T> T read(String json, Type type) {
        return serializer.deserialize(json, type);
    }

    // ================================================================ reading back

    /** The operations of the test's execution, by id, once every write is committed. */
    Map<String, OperationRecord> operations() {
        flush();
        return store.loadHistory(EXECUTION_ID).operations().stream()
                .collect(Collectors.toMap(OperationRecord::operationId, o -> o));
    }

    /** The ids of the operations checkpointed, sorted. */
    List<String> operationIds() {
        return operations().keySet().stream().sorted(Comparator.naturalOrder()).toList();
    }

    /** One operation, once every write is committed; null if it has no checkpoint. */
    OperationRecord operation(String id) {
        return operations().get(id);
    }

    /**
     * One operation as the store holds it at this moment, without committing queued writes first: what is durable,
     * as seen from inside a step's body, say.
     */
    OperationRecord durable(String id) {
        return store.loadHistory(EXECUTION_ID).operations().stream().filter(o -> o.operationId().equals(id))
                .findFirst().orElse(null);
    }

    /** The callbacks of the test's execution. */
    List<CallbackRecord> callbacks() {
        flush();
        return store.loadCallbacks(EXECUTION_ID);
    }

    @Override
    public void close() {
        writer.stop(1000);
        threads.shutdownNow();
    }

    /** What runs need from an engine, backed by the harness. */
    private final class Env implements RunEnvironment {

        @Override
        public ExecutionStore store() {
            return store;
        }

        @Override
        public CheckpointWriter writer(String executionId) {
            return writer;
        }

        @Override
        public Clock clock() {
            return countingClock;
        }

        @Override
        public Payloads payloads() {
            return payloads;
        }

        @Override
        public Serializer serializer() {
            return serializer;
        }

        @Override
        public FunctionRegistry functions() {
            return functions;
        }

        @Override
        public dev.cairn.internal.Listeners listeners() {
            return dev.cairn.internal.Listeners.NONE;
        }

        @Override
        public String nodeId() {
            return NODE;
        }

        @Override
        public Executor branchThreads() {
            return threads;
        }

        @Override
        public ExecutorService stepBodies() {
            return threads;
        }

        @Override
        public long tickMillis() {
            return 5;
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public boolean dispatch(String executionId) {
            dispatched.add(executionId);
            return true;
        }

        @Override
        public void retryOwned(String executionId, Duration delay) {
        }

        @Override
        public void ended(ExecutionRecord finalRow) {
        }

        @Override
        public void ended(String executionId) {
        }

        @Override
        public void scheduled(String executionId, Instant wakeAt) {
        }

        @Override
        public void failCallbackQuietly(String callbackId, ErrorInfo error) {
            store.completeCallback(new CallbackCompletion(callbackId, dev.cairn.CallbackStatus.FAILED, null, error,
                    clock.now()));
        }
    }
}
