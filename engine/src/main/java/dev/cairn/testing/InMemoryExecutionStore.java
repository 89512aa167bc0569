package dev.cairn.testing;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackTimeout;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.EventRecord;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.StoreRules;
import dev.cairn.spi.Transition;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An {@link ExecutionStore} that keeps everything in memory, for tests of your own workflows; it keeps nothing
 * across JVMs, and nothing once it is garbage.
 *
 * <p>It implements the whole contract of the SPI, including fencing, signals, cancel requests and callback
 * races, so that an engine behaves on it as it does on a database. Every method takes one lock, which makes
 * each of them atomic and the store thread-safe. It is {@linkplain #isExclusive() exclusive}: only the engine
 * of this JVM can use it.
 *
 * <p>Instants are kept exactly as given (a database store may round them to milliseconds).
 *
 * <p>It is one class, longer than most, because it is the whole SPI over one lock and one set of maps: split up,
 * its parts would share that state and that lock anyway. The rules it shares with the JDBC store are in
 * {@link dev.cairn.spi.StoreRules}.
 */
public final class InMemoryExecutionStore implements ExecutionStore {

    private final Object lock = new Object();
    private final Map<String, ExecutionRecord> executions = new HashMap<>();
    private final Map<String, String> idsByName = new HashMap<>();
    /** Operations per execution, keyed by operation id. */
    private final Map<String, Map<String, OperationRecord>> operations = new HashMap<>();
    private final Map<String, CallbackRecord> callbacks = new HashMap<>();
    /** The appended history events of each execution, in order. */
    private final Map<String, List<EventRecord>> events = new HashMap<>();
    /** Callback ids per execution, in creation order. */
    private final Map<String, Set<String>> callbackIdsByExecution = new HashMap<>();

    /** An empty store. */
    public InMemoryExecutionStore() {
    }

    /** Nothing to create: the maps exist from the start. */
    @Override
    public void initialize() {
    }

    /** Always {@code true}: nothing outside this JVM can see the store. */
    @Override
    public boolean isExclusive() {
        return true;
    }

    @Override
    public CreateResult createExecution(NewExecution execution) {
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(execution.id(), "execution.id");
        Objects.requireNonNull(execution.function(), "execution.function");
        Objects.requireNonNull(execution.createdAt(), "execution.createdAt");
        if (execution.owner() != null) {
            Objects.requireNonNull(execution.leaseUntil(), "execution.leaseUntil is required with an owner");
        }
        synchronized (lock) {
            if (execution.name() != null) {
                String existing = idsByName.get(execution.name());
                if (existing != null) {
                    return new CreateResult(executions.get(existing), false);
                }
            }
            if (executions.containsKey(execution.id())) {
                throw new IllegalStateException("an execution with id " + execution.id() + " already exists");
            }
            ExecutionRecord row = newRow(execution);
            executions.put(row.id(), row);
            if (row.name() != null) {
                idsByName.put(row.name(), row.id());
            }
            return new CreateResult(row, true);
        }
    }

    /** The row a new execution starts as. */
    private static ExecutionRecord newRow(NewExecution execution) {
        return StoreRules.newExecution(execution, UnaryOperator.identity());
    }

    /** Inserts an execution invoked by a checkpoint's run, unless one with its id or name exists. */
    private void createChild(NewExecution child, Undo undo) {
        if (executions.containsKey(child.id()) || (child.name() != null && idsByName.containsKey(child.name()))) {
            return;
        }
        ExecutionRecord row = newRow(child);
        executions.put(row.id(), row);
        if (row.name() != null) {
            idsByName.put(row.name(), row.id());
        }
        undo.add(() -> {
            executions.remove(row.id());
            if (row.name() != null) {
                idsByName.remove(row.name());
            }
        });
    }

    @Override
    public Optional<ExecutionRecord> findExecution(String executionId) {
        synchronized (lock) {
            return Optional.ofNullable(executions.get(executionId));
        }
    }

    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
                                           Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseNow, "leaseNow");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        synchronized (lock) {
            ExecutionRecord e = executions.get(executionId);
            if (e == null || !isClaimable(e, owner, now, leaseNow)) {
                return Optional.empty();
            }
            ExecutionRecord claimed = e.toBuilder()
                    .status(ExecutionStatus.RUNNING)
                    .owner(owner)
                    .leaseUntil(leaseUntil)
                    .version(e.version() + 1)
                    .wakeAt(null)
                    .updatedAt(now)
                    .build();
            executions.put(executionId, claimed);
            return Optional.of(claimed);
        }
    }

    private static boolean isClaimable(ExecutionRecord e, String owner, Instant now, Instant leaseNow) {
        return switch (e.status()) {
            case PENDING -> true;
            case SUSPENDED -> e.wakeAt() != null && !e.wakeAt().isAfter(now);
            case RUNNING -> owner.equals(e.owner()) || (e.leaseUntil() != null && e.leaseUntil().isBefore(leaseNow));
            default -> false;
        };
    }

    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        return findDueBetween(Instant.MIN, until, limit);
    }

    @Override
    public List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        synchronized (lock) {
            return executions.values().stream()
                    .filter(e -> e.status() == ExecutionStatus.PENDING || e.status() == ExecutionStatus.SUSPENDED)
                    .filter(e -> e.wakeAt() != null && !e.wakeAt().isAfter(until) && !e.wakeAt().isBefore(from))
                    .sorted(Comparator.comparing(ExecutionRecord::wakeAt).thenComparing(ExecutionRecord::id))
                    .limit(Math.max(0, limit))
                    .map(e -> new DueExecution(e.id(), e.wakeAt()))
                    .toList();
        }
    }

    @Override
    public List<String> findExpiredLeases(Instant leaseNow, int limit) {
        Objects.requireNonNull(leaseNow, "leaseNow");
        synchronized (lock) {
            return executions.values().stream()
                    .filter(e -> e.status() == ExecutionStatus.RUNNING)
                    .filter(e -> e.leaseUntil() != null && e.leaseUntil().isBefore(leaseNow))
                    .sorted(Comparator.comparing(ExecutionRecord::leaseUntil).thenComparing(ExecutionRecord::id))
                    .limit(Math.max(0, limit))
                    .map(ExecutionRecord::id)
                    .toList();
        }
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        synchronized (lock) {
            Set<String> renewed = new LinkedHashSet<>();
            for (String id : executionIds) {
                ExecutionRecord e = executions.get(id);
                if (e != null && e.status() == ExecutionStatus.RUNNING && owner.equals(e.owner())) {
                    executions.put(e.id(), e.toBuilder().leaseUntil(leaseUntil).build());
                    renewed.add(id);
                }
            }
            return renewed;
        }
    }

    @Override
    public int releaseOwned(String owner, Instant now) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            int count = 0;
            for (ExecutionRecord e : List.copyOf(executions.values())) {
                if (e.status() == ExecutionStatus.RUNNING && owner.equals(e.owner())) {
                    executions.put(e.id(), released(e, now));
                    count++;
                }
            }
            return count;
        }
    }

    private static ExecutionRecord released(ExecutionRecord e, Instant now) {
        return e.toBuilder()
                .status(ExecutionStatus.PENDING)
                .wakeAt(now)
                .owner(null)
                .leaseUntil(null)
                .updatedAt(now)
                .build();
    }

    @Override
    public int releaseAllRunning(Instant now) {
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            int count = 0;
            for (ExecutionRecord e : List.copyOf(executions.values())) {
                if (e.status() == ExecutionStatus.RUNNING) {
                    executions.put(e.id(), released(e, now));
                    count++;
                }
            }
            return count;
        }
    }

    @Override
    public int unpark(Collection<String> functions, Instant now) {
        Objects.requireNonNull(now, "now");
        Set<String> wanted = Set.copyOf(functions);
        synchronized (lock) {
            int count = 0;
            for (ExecutionRecord e : List.copyOf(executions.values())) {
                if (e.status() == ExecutionStatus.PARKED && wanted.contains(e.function())) {
                    executions.put(e.id(), e.toBuilder()
                            .status(ExecutionStatus.PENDING)
                            .wakeAt(now)
                            .error(null)
                            .updatedAt(now)
                            .build());
                    count++;
                }
            }
            return count;
        }
    }

    @Override
    public History loadHistory(String executionId) {
        synchronized (lock) {
            Map<String, OperationRecord> ops = operations.getOrDefault(executionId, Map.of());
            return new History(List.copyOf(ops.values()), callbacksOf(executionId));
        }
    }

    @Override
    public List<CallbackRecord> loadCallbacks(String executionId) {
        synchronized (lock) {
            return callbacksOf(executionId);
        }
    }

    @Override
    public Optional<CallbackRecord> findCallback(String callbackId) {
        synchronized (lock) {
            return Optional.ofNullable(callbacks.get(callbackId));
        }
    }

    private List<CallbackRecord> callbacksOf(String executionId) {
        Set<String> ids = callbackIdsByExecution.getOrDefault(executionId, Set.of());
        List<CallbackRecord> result = new ArrayList<>(ids.size());
        for (String id : ids) {
            result.add(callbacks.get(id));
        }
        return List.copyOf(result);
    }

    /**
     * Applies the checkpoints one after the other, as one atomic unit: if one of them cannot be written (an
     * operation or callback inserted twice), nothing of the batch is, and the exception is thrown.
     */
    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        for (Checkpoint checkpoint : batch) {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
        synchronized (lock) {
            Undo undo = new Undo();
            try {
                List<CommitOutcome> outcomes = new ArrayList<>(batch.size());
                for (Checkpoint checkpoint : batch) {
                    CommitOutcome outcome = apply(checkpoint, undo);
                    for (EventRecord event : checkpoint.eventsApplied(outcome)) {
                        append(event, undo);
                    }
                    outcomes.add(outcome);
                }
                return List.copyOf(outcomes);
            } catch (RuntimeException | Error failure) {
                undo.rollback();
                throw failure;
            }
        }
    }



    private void append(EventRecord event, Undo undo) {
        List<EventRecord> list = events.computeIfAbsent(event.executionId(), k -> new ArrayList<>());
        list.add(event);
        undo.add(() -> list.remove(list.size() - 1));
    }

    @Override
    public List<EventRecord> loadEvents(String executionId) {
        synchronized (lock) {
            return List.copyOf(events.getOrDefault(executionId, List.of()));
        }
    }

    private CommitOutcome apply(Checkpoint cp, Undo undo) {
        ExecutionRecord e = executions.get(cp.executionId());
        if (e == null || e.status() != ExecutionStatus.RUNNING || e.version() != cp.version()) {
            return CommitOutcome.FENCED;
        }
        if (e.cancelReason() != null) {
            putExecution(cancelled(e, e.cancelReason(), cp.now()), undo);
            signalParent(e, cp.now(), undo);
            return CommitOutcome.CANCELLED;
        }

        Map<String, OperationRecord> ops = operations.get(cp.executionId());
        if (ops == null) {
            Map<String, OperationRecord> created = new LinkedHashMap<>();
            ops = created;
            if (!cp.operationInserts().isEmpty() || !cp.operationUpdates().isEmpty()) {
                operations.put(cp.executionId(), created);
                undo.add(() -> operations.remove(cp.executionId(), created));
            }
        }
        for (OperationRecord op : cp.operationInserts()) {
            if (ops.containsKey(op.operationId())) {
                throw new IllegalStateException("operation " + op.operationId() + " of execution "
                        + op.executionId() + " is already checkpointed");
            }
            putOperation(ops, op, undo);
        }
        for (OperationRecord op : cp.operationUpdates()) {
            putOperation(ops, op, undo);
        }
        for (CallbackRecord callback : cp.callbacks()) {
            if (callbacks.containsKey(callback.id())) {
                throw new IllegalStateException("callback " + callback.id() + " already exists");
            }
            callbacks.put(callback.id(), callback);
            Set<String> ids = callbackIdsByExecution.computeIfAbsent(callback.executionId(),
                    k -> new LinkedHashSet<>());
            ids.add(callback.id());
            undo.add(() -> {
                callbacks.remove(callback.id());
                ids.remove(callback.id());
            });
        }
        for (CallbackTimeout timeout : cp.callbackTimeouts()) {
            CallbackRecord callback = callbacks.get(timeout.callbackId());
            if (callback != null && callback.executionId().equals(cp.executionId()) && callback.isOverdue(cp.now())) {
                callbacks.put(callback.id(), callback.toBuilder()
                        .status(CallbackStatus.TIMED_OUT)
                        .result(null)
                        .error(timeout.error())
                        .completedAt(cp.now())
                        .build());
                undo.add(() -> callbacks.put(callback.id(), callback));
            }
        }

        for (NewExecution child : cp.children()) {
            createChild(child, undo);
        }

        Transition t = cp.transition();
        if (t == null) {
            return CommitOutcome.APPLIED;
        }
        if (t.status() == ExecutionStatus.SUSPENDED && e.signals() != t.signals()) {
            return CommitOutcome.SIGNALLED;
        }
        boolean terminal = t.status().isTerminal();
        putExecution(e.toBuilder()
                .status(t.status())
                .wakeAt(terminal || t.status() == ExecutionStatus.PARKED ? null : t.wakeAt())
                .output(t.output())
                .error(t.error())
                .owner(null)
                .leaseUntil(null)
                .endedAt(terminal ? cp.now() : null)
                .updatedAt(cp.now())
                .build(), undo);
        if (terminal) {
            signalParent(e, cp.now(), undo);
        }
        return CommitOutcome.APPLIED;
    }

    /** An execution invoked by another has ended: its parent is signalled, as by a callback completion. */
    private void signalParent(ExecutionRecord child, Instant now, Undo undo) {
        if (child.parentId() == null) {
            return;
        }
        ExecutionRecord parent = executions.get(child.parentId());
        if (parent != null && !parent.status().isTerminal()) {
            putExecution(signal(parent, now), undo);
        }
    }

    private void putExecution(ExecutionRecord row, Undo undo) {
        ExecutionRecord old = executions.put(row.id(), row);
        undo.add(() -> executions.put(old.id(), old));
    }

    private static void putOperation(Map<String, OperationRecord> ops, OperationRecord op, Undo undo) {
        OperationRecord old = ops.put(op.operationId(), op);
        undo.add(() -> {
            if (old == null) {
                ops.remove(op.operationId());
            } else {
                ops.put(op.operationId(), old);
            }
        });
    }

    private static ExecutionRecord cancelled(ExecutionRecord e, String reason, Instant now) {
        return e.toBuilder()
                .status(ExecutionStatus.CANCELLED)
                .error(StoreRules.cancelledError(reason))
                .output(null)
                .wakeAt(null)
                .owner(null)
                .leaseUntil(null)
                .endedAt(now)
                .updatedAt(now)
                .build();
    }

    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        StoreRules.checkCompletion(completion);
        synchronized (lock) {
            CallbackRecord callback = callbacks.get(completion.callbackId());
            ExecutionRecord e = callback == null ? null : executions.get(callback.executionId());
            ExecutionStatus status = e == null ? null : e.status();
            StoreRules.CallbackCheck check = StoreRules.checkCallback(callback, status, completion.now());
            if (check == StoreRules.CallbackCheck.TIME_OUT) {
                return timeOut(callback, e, completion.now());
            }
            if (check != StoreRules.CallbackCheck.APPLY) {
                return check.unchanged(callback, status);
            }
            CallbackRecord done = StoreRules.completed(callback, completion, completion.now());
            callbacks.put(done.id(), done);
            ExecutionRecord signalled = signal(e, completion.now());
            executions.put(signalled.id(), signalled);
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, done, signalled.status());
        }
    }

    @Override
    public CallbackUpdate completeCallback(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve,
            Claimant claimant) {
        synchronized (lock) {
            CallbackRecord callback = callbacks.get(callbackId);
            if (callback == null) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackCompletion completion = resolve.apply(callback);
            CallbackUpdate update = completeCallback(completion);
            if (claimant == null || update.outcome() != CallbackUpdate.Outcome.APPLIED
                    || update.executionStatus() != ExecutionStatus.PENDING) {
                return update;
            }
            ExecutionRecord claimed = StoreRules.claimed(executions.get(callback.executionId()), claimant,
                    completion.now());
            executions.put(claimed.id(), claimed);
            return new CallbackUpdate(update.outcome(), update.callback(), claimed.status(), claimed);
        }
    }

    /** Counts a signal at {@code now}, which changes the status and wake-up as {@link StoreRules.Signalled} says. */
    private static ExecutionRecord signal(ExecutionRecord e, Instant now) {
        StoreRules.Signalled after = StoreRules.Signalled.of(e).signal(now);
        return e.toBuilder()
                .signals(e.signals() + 1)
                .updatedAt(now)
                .status(after.status())
                .wakeAt(after.wakeAt())
                .build();
    }

    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            CallbackRecord callback = callbacks.get(callbackId);
            ExecutionRecord e = callback == null ? null : executions.get(callback.executionId());
            ExecutionStatus status = e == null ? null : e.status();
            StoreRules.CallbackCheck check = StoreRules.checkCallback(callback, status, now);
            if (check == StoreRules.CallbackCheck.TIME_OUT) {
                return timeOut(callback, e, now);
            }
            if (check != StoreRules.CallbackCheck.APPLY) {
                return check.unchanged(callback, status);
            }
            append(StoreRules.heartbeat(callback, now), new Undo());
            if (callback.heartbeatTimeout() == null) {
                return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, callback, status);
            }
            CallbackRecord beat = callback.toBuilder()
                    .heartbeatDeadline(now.plus(callback.heartbeatTimeout()))
                    .build();
            callbacks.put(beat.id(), beat);
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, beat, status);
        }
    }

    /** Times out a callback found overdue by a completion or a heartbeat, and wakes its execution to see it. */
    private CallbackUpdate timeOut(CallbackRecord callback, ExecutionRecord e, Instant now) {
        CallbackRecord timedOut = callback.timedOut(now);
        callbacks.put(timedOut.id(), timedOut);
        ExecutionRecord signalled = signal(e, now);
        executions.put(signalled.id(), signalled);
        return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, timedOut, signalled.status());
    }

    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            CallbackRecord callback = callbacks.get(callbackId);
            if (callback == null || !callback.isOverdue(now)) {
                return false;
            }
            callbacks.put(callbackId, callback.toBuilder()
                    .status(CallbackStatus.TIMED_OUT)
                    .result(null)
                    .error(error)
                    .completedAt(now)
                    .build());
            return true;
        }
    }

    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        Objects.requireNonNull(now, "now");
        String why = StoreRules.cancelReason(reason);
        synchronized (lock) {
            ExecutionRecord e = executions.get(executionId);
            CancelResult result = StoreRules.cancel(e == null ? null : e.status());
            if (result.outcome() == CancelResult.Outcome.REQUESTED) {
                executions.put(executionId, e.toBuilder()
                        .cancelReason(e.cancelReason() == null ? why : e.cancelReason())
                        .signals(e.signals() + 1)
                        .updatedAt(now)
                        .build());
            } else if (result.outcome() == CancelResult.Outcome.CANCELLED) {
                executions.put(executionId, cancelled(e.toBuilder().signals(e.signals() + 1).build(), why, now));
                signalParent(e, now, new Undo());
            }
            return result;
        }
    }

    @Override
    public List<ExecutionRecord> listExecutions(ExecutionStatus status, int limit) {
        synchronized (lock) {
            return executions.values().stream()
                    .filter(e -> status == null || e.status() == status)
                    .sorted(Comparator.comparing(ExecutionRecord::createdAt)
                            .thenComparing(ExecutionRecord::id).reversed())
                    .limit(Math.max(0, limit))
                    .toList();
        }
    }

    @Override
    public List<ExecutionSummary> listExecutions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        synchronized (lock) {
            return executions.values().stream()
                    .map(ExecutionRecord::summary)
                    .filter(e -> query.matches(e) && query.isAfterPosition(e))
                    .sorted(StoreRules.NEWEST_FIRST)
                    .limit(query.limit() + 1L)
                    .toList();
        }
    }

    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        synchronized (lock) {
            Map<ExecutionStatus, Long> counts = new EnumMap<>(ExecutionStatus.class);
            for (ExecutionStatus s : ExecutionStatus.values()) {
                counts.put(s, 0L);
            }
            for (ExecutionRecord e : executions.values()) {
                counts.merge(e.status(), 1L, Long::sum);
            }
            return counts;
        }
    }

    /** Nothing to release. The contents stay readable. */
    @Override
    public void close() {
    }

    /** The undo log of one commit, replayed backwards if the commit fails half way. */
    private static final class Undo {
        private final Deque<Runnable> actions = new ArrayDeque<>();

        void add(Runnable action) {
            actions.push(action);
        }

        void rollback() {
            while (!actions.isEmpty()) {
                actions.pop().run();
            }
        }
    }
}
