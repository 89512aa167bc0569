package dev.cairn.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where executions, operations and callbacks are kept: the source of truth. The engine calls it from several
 * threads at once; implementations must be thread-safe.
 *
 * <p>Two clocks appear in the arguments. <em>Engine time</em> ({@code now}) is the engine's {@link Clock},
 * virtual in tests; it governs wake-ups, callback deadlines and recorded timestamps. <em>Lease time</em>
 * ({@code leaseNow}) is real elapsed time; it governs only who owns a running execution. A store never reads
 * a clock itself. Stores may keep instants at millisecond precision.
 *
 * <p>Every method either applies all its writes atomically or none, and a method that returns has made its
 * writes durable.
 */
public interface ExecutionStore extends AutoCloseable {

    /** Creates or migrates the schema if needed. Called once by {@code DurableEngine.start()}. */
    void initialize();

    /**
     * Whether one process at a time can use this store (an embedded database file, an in-memory map). The engine
     * then takes over executions left {@code RUNNING} at start at once, rather than waiting for their leases to
     * run out.
     */
    default boolean isExclusive() {
        return false;
    }

    /**
     * Inserts a new execution.
     *
     * @return the inserted row, or, if {@code execution.name()} is taken, the existing execution with that name
     *         (and {@code created == false}); nothing is written then
     */
    CreateResult createExecution(NewExecution execution);

    /**
     * Inserts several new executions, none of them named, in one transaction where the store can: the engine
     * group-commits the starts that arrive together, as it does checkpoints.
     *
     * @return the inserted rows, in order
     * @throws IllegalArgumentException if one of them has a name (named starts go through {@link #createExecution})
     */
    default List<ExecutionRecord> createExecutions(List<NewExecution> executions) {
        List<ExecutionRecord> rows = new java.util.ArrayList<>(executions.size());
        for (NewExecution execution : executions) {
            if (execution.name() != null) {
                throw new IllegalArgumentException("createExecutions takes unnamed executions; " + execution.id()
                        + " is named " + execution.name());
            }
            rows.add(createExecution(execution).record());
        }
        return rows;
    }

    /** The result of {@link #createExecution}. @param record the row @param created whether it was inserted */
    record CreateResult(ExecutionRecord record, boolean created) {
    }

    /** Reads one execution. */
    Optional<ExecutionRecord> findExecution(String executionId);

    /**
     * Claims an execution for {@code owner} if it is runnable: PENDING; or SUSPENDED with {@code wakeAt <= now};
     * or RUNNING with {@code leaseUntil < leaseNow} (its owner is presumed dead); or RUNNING and owned by
     * {@code owner} itself, which claims it only when no run of its is running it (a run whose store calls failed,
     * or a process that went before it under the same node id). The claim sets RUNNING, owner, lease and
     * increments the version, atomically against concurrent claims, so that a run holding the old version is
     * fenced.
     *
     * @return the claimed row (with its new version), or empty if it was not runnable or someone else won
     */
    Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow, Instant leaseUntil);

    /**
     * Claims several executions for {@code owner}, each as {@link #claim} does, in one transaction where the store
     * can: the engine claims together the executions that became due together. Those that are not runnable are
     * left as they are.
     *
     * @return the claimed rows (with their new versions), in id order; those not claimed are missing
     */
    default List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        List<ExecutionRecord> claimed = new java.util.ArrayList<>();
        for (String id : new java.util.TreeSet<>(executionIds)) {
            claim(id, owner, now, leaseNow, leaseUntil).ifPresent(claimed::add);
        }
        return claimed;
    }

    /**
     * Lists executions that are PENDING or SUSPENDED with {@code wakeAt <= until}, earliest first, at most
     * {@code limit}.
     */
    List<DueExecution> findDue(Instant until, int limit);

    /**
     * Lists executions that are PENDING or SUSPENDED with {@code from <= wakeAt <= until}, earliest first, at most
     * {@code limit}: the part of {@link #findDue} from {@code from} on, so that a long list of wake-ups can be read
     * page by page, each page from the last wake-up of the page before (whose executions it lists again). The
     * default filters {@link #findDue}; a store that holds many due executions should override it.
     */
    default List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        return findDue(until, Integer.MAX_VALUE).stream()
                .filter(d -> !d.wakeAt().isBefore(from))
                .limit(Math.max(0, limit))
                .toList();
    }

    /** Lists RUNNING executions whose lease ran out before {@code leaseNow}, at most {@code limit}. */
    List<String> findExpiredLeases(Instant leaseNow, int limit);

    /**
     * Extends the leases of those of {@code executionIds} that are RUNNING and held by {@code owner}: the
     * executions its node is running now. An execution the node holds but no longer runs is not renewed, so that
     * its lease runs out and another claim can take it. Rows are locked in id order, as every store transaction
     * that locks several execution rows does, so that renewals and group commits cannot deadlock.
     *
     * @return the ids whose lease was extended; the others are no longer this owner's
     */
    Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil);

    /**
     * Turns every RUNNING execution held by {@code owner} into PENDING, due at {@code now}. Used at start by an
     * engine whose node id is {@code owner}: what a process of the same node id left running when it died is
     * resumed at once, instead of waiting for its leases to run out.
     *
     * @return how many
     */
    int releaseOwned(String owner, Instant now);

    /**
     * Turns every RUNNING execution into PENDING, due at {@code now}, whoever owns it. Used at start by an
     * {@linkplain #isExclusive() exclusive} store's engine, when no other process can be running them.
     *
     * @return how many
     */
    int releaseAllRunning(Instant now);

    /**
     * Makes every PARKED execution of one of {@code functions} PENDING and due at {@code now}.
     *
     * @return how many
     */
    int unpark(Collection<String> functions, Instant now);

    /** Every operation and callback of an execution. */
    History loadHistory(String executionId);

    /** Every callback of an execution. */
    List<CallbackRecord> loadCallbacks(String executionId);

    /** Reads one callback. */
    Optional<CallbackRecord> findCallback(String callbackId);

    /**
     * Applies a group of checkpoints, from different executions, in one transaction where the store has them.
     * Each checkpoint is fenced on its own (see {@link Checkpoint}); a fenced one does not stop the others. The
     * events of each ({@link Checkpoint#eventsApplied}) are appended in the same transaction.
     *
     * @return the outcome for each checkpoint, keyed by the checkpoint's position in {@code batch}
     * @throws WriteRejectedException if the database refused what one of the checkpoints contains; nothing of the
     *                                batch was written
     * @throws RuntimeException       if the store failed otherwise; then nothing of the batch may be assumed written
     */
    List<CommitOutcome> commit(List<Checkpoint> batch);

    /**
     * Completes or fails a PENDING callback, and signals its execution: increments its signal count and, if it
     * is SUSPENDED, makes it PENDING and due at {@code completion.now()}. Atomic against a concurrent completion,
     * timeout or heartbeat.
     *
     * <p>A callback whose deadline ({@link CallbackRecord#deadline()}) is at or before {@code completion.now()}
     * is not completed: it is marked TIMED_OUT with {@link CallbackRecord#timeoutError()}, its execution is
     * signalled, and the outcome is {@link CallbackUpdate.Outcome#ALREADY_COMPLETED} with the timed-out callback.
     */
    CallbackUpdate completeCallback(CallbackCompletion completion);

    /**
     * Completes or fails a callback as {@link #completeCallback(CallbackCompletion)} does, with the steps around it
     * in the same transaction where the store can: the completion is made by {@code resolve} from the callback's
     * row as the store holds it (locked, and before any check of its status; whatever {@code resolve} throws leaves
     * everything as it was, and is thrown), and if the completion leaves the execution PENDING, it is claimed for
     * {@code claimant} as {@link #claim} would claim it right after, so that the node that completes a callback
     * runs the execution without a claim of its own. A callback found past its deadline is timed out as there, and
     * its execution is not claimed.
     *
     * <p>The default reads the callback, completes it and claims the execution in three calls.
     *
     * @param resolve  makes the completion from the callback; it may be called more than once
     * @param claimant who claims the execution, or {@code null} to claim nothing
     * @return the update, with the claimed row in {@link CallbackUpdate#claimed()} if the execution was claimed;
     *         {@link CallbackUpdate.Outcome#NOT_FOUND} without calling {@code resolve} if there is no such callback
     */
    default CallbackUpdate completeCallback(String callbackId,
            java.util.function.Function<CallbackRecord, CallbackCompletion> resolve, Claimant claimant) {
        Optional<CallbackRecord> callback = findCallback(callbackId);
        if (callback.isEmpty()) {
            return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
        }
        CallbackCompletion completion = resolve.apply(callback.get());
        CallbackUpdate update = completeCallback(completion);
        if (claimant == null || update.outcome() != CallbackUpdate.Outcome.APPLIED
                || update.executionStatus() != dev.cairn.ExecutionStatus.PENDING) {
            return update;
        }
        return claim(update.callback().executionId(), claimant.owner(), completion.now(), claimant.leaseNow(),
                claimant.leaseUntil())
                .map(row -> new CallbackUpdate(update.outcome(), update.callback(), row.status(), row))
                .orElse(update);
    }

    /**
     * Moves a PENDING callback's heartbeat deadline to {@code now + heartbeatTimeout}, and appends a
     * {@link dev.cairn.HistoryEventType#CALLBACK_HEARTBEAT} event ({@link EventRecord}) where the store keeps events.
     * A callback already past its deadline is timed out instead, as {@link #completeCallback} does.
     */
    CallbackUpdate heartbeatCallback(String callbackId, Instant now);

    /**
     * Marks a PENDING callback TIMED_OUT with {@code error}, if it is still pending and its deadline is at or before
     * {@code now}, outside any run: for tools that act on a store directly. The engine's runs time out their
     * callbacks in their fenced checkpoints instead ({@link Checkpoint#callbackTimeouts()}).
     *
     * @return true if it was pending and overdue and is now timed out; false if it had been completed meanwhile,
     *         or a heartbeat moved its deadline past {@code now}
     */
    boolean expireCallback(String callbackId, dev.cairn.ErrorInfo error, Instant now);

    /**
     * Cancels an execution: at once if it is PENDING, SUSPENDED or PARKED (the row becomes CANCELLED with
     * {@code reason} as its error); if it is RUNNING, records the request and increments its signal count, so
     * that its owner's next checkpoint is answered {@link CommitOutcome#CANCELLED}.
     */
    CancelResult cancel(String executionId, String reason, Instant now);

    /**
     * Lists executions, newest first.
     *
     * @param status only those with this status, or all if {@code null}
     * @param limit  at most this many
     */
    List<ExecutionRecord> listExecutions(dev.cairn.ExecutionStatus status, int limit);

    /**
     * Lists the executions that pass {@code query}'s filters and come after its position, newest first (by
     * creation time, then by id, both descending), at most {@code query.limit() + 1} of them: the one past the
     * limit tells the caller that another page follows. A store that holds many executions should override the
     * default, which reads every execution, with an indexed query.
     */
    default List<dev.cairn.ExecutionSummary> listExecutions(dev.cairn.ExecutionQuery query) {
        return listExecutions(null, Integer.MAX_VALUE).stream()
                .map(ExecutionRecord::summary)
                .filter(e -> query.matches(e) && query.isAfterPosition(e))
                .sorted(StoreRules.NEWEST_FIRST)
                .limit(query.limit() + 1L)
                .toList();
    }

    /**
     * The history events appended for an execution ({@link EventRecord}), in the order they were appended. A store
     * that keeps none returns none (the default): its executions' histories then show each operation's first start
     * and its end, but not its retried attempts, its heartbeats or its pauses.
     */
    default List<EventRecord> loadEvents(String executionId) {
        return List.of();
    }

    /** Counts executions per status. */
    Map<dev.cairn.ExecutionStatus, Long> countByStatus();

    /**
     * What text this store can hold; the engine checks every value against it before writing. No limit by
     * default. Valid once {@link #initialize()} has returned.
     */
    default StoreLimits limits() {
        return StoreLimits.NONE;
    }

    /** Releases resources (a pool the store built itself). The engine does not close a store it was given. */
    @Override
    void close();
}
