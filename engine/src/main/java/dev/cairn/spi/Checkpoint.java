package dev.cairn.spi;

import java.util.List;

/**
 * The writes of one execution in one group commit, fenced by the version its run claimed.
 *
 * <p>A store applies a checkpoint only if the execution row is still {@link dev.cairn.ExecutionStatus#RUNNING}
 * at {@code version}, with no cancel request pending. Then, in order: the operation inserts and updates, the
 * callback inserts, the callback timeouts, the executions this run invokes ({@code children}), and the transition
 * (if any). Its {@code events} are appended when its writes are applied ({@link #eventsApplied}).
 *
 * @param executionId     the execution
 * @param version         the version the run holds
 * @param operationInserts operations checkpointed for the first time
 * @param operationUpdates operations whose row already exists (replaced whole, matched by key)
 * @param callbacks       callbacks created by this run
 * @param transition      how the run ends, or {@code null} when it goes on
 * @param now             engine time of the commit: the {@code updated_at} (and, for a terminal transition,
 *                        {@code ended_at}) that a transition records. A checkpoint without a transition leaves
 *                        the execution row unchanged: fencing locks the row, it does not write it.
 * @param children        executions invoked by this run, inserted with it unless one with the same id or name
 *                        exists already (a run that replays an invoke may submit its child again): a run that lost
 *                        its execution cannot start children
 * @param callbackTimeouts callbacks of this execution that the run found past their deadline, to be timed out
 *                        (see {@link CallbackTimeout}): a run that lost its execution times out nothing
 * @param events          history events to append with the checkpoint ({@link EventRecord}), in order
 */
public record Checkpoint(
        String executionId,
        long version,
        List<OperationRecord> operationInserts,
        List<OperationRecord> operationUpdates,
        List<CallbackRecord> callbacks,
        Transition transition,
        java.time.Instant now,
        List<NewExecution> children,
        List<CallbackTimeout> callbackTimeouts,
        List<EventRecord> events) {

    /** A checkpoint that records no history event. */
    public Checkpoint(String executionId, long version, List<OperationRecord> operationInserts,
            List<OperationRecord> operationUpdates, List<CallbackRecord> callbacks, Transition transition,
            java.time.Instant now, List<NewExecution> children, List<CallbackTimeout> callbackTimeouts) {
        this(executionId, version, operationInserts, operationUpdates, callbacks, transition, now, children,
                callbackTimeouts, List.of());
    }

    /** A checkpoint that times out no callback. */
    public Checkpoint(String executionId, long version, List<OperationRecord> operationInserts,
            List<OperationRecord> operationUpdates, List<CallbackRecord> callbacks, Transition transition,
            java.time.Instant now, List<NewExecution> children) {
        this(executionId, version, operationInserts, operationUpdates, callbacks, transition, now, children,
                List.of(), List.of());
    }

    /** A checkpoint that invokes no execution. */
    public Checkpoint(String executionId, long version, List<OperationRecord> operationInserts,
            List<OperationRecord> operationUpdates, List<CallbackRecord> callbacks, Transition transition,
            java.time.Instant now) {
        this(executionId, version, operationInserts, operationUpdates, callbacks, transition, now, List.of(),
                List.of(), List.of());
    }

    /**
     * @throws NullPointerException     if {@code executionId} or {@code now} is null
     * @throws IllegalArgumentException if an operation, callback or child belongs to another execution, or the
     *                                  transition is not a way out of RUNNING
     */
    public Checkpoint {
        java.util.Objects.requireNonNull(executionId, "executionId");
        java.util.Objects.requireNonNull(now, "now");
        operationInserts = List.copyOf(operationInserts);
        operationUpdates = List.copyOf(operationUpdates);
        callbacks = List.copyOf(callbacks);
        children = List.copyOf(children);
        callbackTimeouts = List.copyOf(callbackTimeouts);
        events = List.copyOf(events);
        for (EventRecord event : events) {
            requireOwn(executionId, event.executionId(), "event " + event.type());
        }
        for (OperationRecord op : operationInserts) {
            requireOwn(executionId, op.executionId(), "operation " + op.operationId());
        }
        for (OperationRecord op : operationUpdates) {
            requireOwn(executionId, op.executionId(), "operation " + op.operationId());
        }
        for (CallbackRecord callback : callbacks) {
            requireOwn(executionId, callback.executionId(), "callback " + callback.id());
        }
        for (NewExecution child : children) {
            if (!executionId.equals(child.parentId())) {
                throw new IllegalArgumentException("execution " + child.id() + " is invoked by "
                        + child.parentId() + ", not by the checkpoint's execution " + executionId);
            }
        }
        if (transition != null && (transition.status() == null
                || transition.status() == dev.cairn.ExecutionStatus.RUNNING)) {
            throw new IllegalArgumentException("not a transition out of RUNNING: " + transition.status());
        }
    }

    /**
     * The events a store appends once it has decided this checkpoint's outcome: all of them when it is
     * {@link CommitOutcome#APPLIED}; when it is {@link CommitOutcome#SIGNALLED} (its writes applied, its suspension
     * not), all but {@link dev.cairn.HistoryEventType#EXECUTION_SUSPENDED}; none otherwise.
     */
    public List<EventRecord> eventsApplied(CommitOutcome outcome) {
        if (events.isEmpty() || outcome == CommitOutcome.APPLIED) {
            return outcome == CommitOutcome.APPLIED ? events : List.of();
        }
        if (outcome != CommitOutcome.SIGNALLED) {
            return List.of();
        }
        return events.stream().filter(e -> e.type() != dev.cairn.HistoryEventType.EXECUTION_SUSPENDED).toList();
    }

    private static void requireOwn(String executionId, String owner, String what) {
        if (!executionId.equals(owner)) {
            throw new IllegalArgumentException(what + " belongs to execution " + owner
                    + ", not to the checkpoint's execution " + executionId);
        }
    }
}
