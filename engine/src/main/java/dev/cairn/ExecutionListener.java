package dev.cairn;

import java.time.Duration;
import java.time.Instant;

/**
 * Told what the engine does, for metrics, tracing or logs: {@code DurableEngine.builder().listener(...)}. Every
 * method has a default that does nothing; implement those you need.
 *
 * <p>Methods are called on the engine's threads while it works: the run's thread for execution, operation and step
 * events, the checkpoint writer's (or a waiting run's) thread for {@link #checkpointBatchCommitted}. They must be
 * quick and must not block: count, time, record a span; hand anything slow to a thread of your own. A listener that
 * throws is logged and ignored: it never breaks an execution.
 *
 * <p>A run replays the operations it checkpointed before; their events are reported with {@code replayed} set, so
 * that they are not counted as new work. Events are reported once per run: an execution resumed on another node,
 * or after a crash, reports its replayed operations again there.
 */
public interface ExecutionListener {

    /** An execution's first run began (on this node). */
    default void executionStarted(ExecutionEvent event) {
    }

    /** A run of an execution that ran before began: after a pause, or after the node running it went away. */
    default void executionResumed(ExecutionEvent event) {
    }

    /** A run paused its execution: it waits for {@link ExecutionEvent#wakeAt()} or a callback. */
    default void executionSuspended(ExecutionEvent event) {
    }

    /** An execution reached a terminal status on this node. */
    default void executionEnded(ExecutionEvent event) {
    }

    /**
     * A run stopped before it could suspend or end its execution. The execution runs again later, here or on
     * another node. {@link ExecutionEvent#error()} says why, its type one of {@code dev.cairn.EngineClosing} (the
     * engine is closing), {@code dev.cairn.ExecutionTakenOver} (another node claimed the execution, or it ended
     * meanwhile) and {@code dev.cairn.StoreUnavailable} (the store failed; the execution is claimed again shortly).
     *
     * <p>Every run that began ({@link #executionStarted} or {@link #executionResumed}) is followed by exactly one of
     * {@link #executionSuspended}, {@link #executionEnded} and this. A step attempt that the run's stop cut short
     * may have reported its start and not its end.
     */
    default void executionInterrupted(ExecutionEvent event) {
    }

    /** An operation began, or was reached again on replay. */
    default void operationStarted(OperationEvent event) {
    }

    /** An operation ended, or its recorded outcome was replayed. */
    default void operationEnded(OperationEvent event) {
    }

    /** An attempt of a step is about to run its body. */
    default void stepAttemptStarted(StepAttemptEvent event) {
    }

    /** An attempt of a step returned; its result is about to be checkpointed. */
    default void stepAttemptSucceeded(StepAttemptEvent event) {
    }

    /** An attempt of a step failed; it is retried at {@link StepAttemptEvent#nextAttemptAt()} unless that is null. */
    default void stepAttemptFailed(StepAttemptEvent event) {
    }

    /** A group commit of checkpoints was written (or failed). */
    default void checkpointBatchCommitted(CommitEvent event) {
    }

    /** This node is taking over an execution whose owner's lease ran out. */
    default void leaseTakenOver(String executionId) {
    }

    /**
     * An execution's run began, paused or ended.
     *
     * @param executionId the execution
     * @param function    its function's registered name
     * @param status      RUNNING when a run begins or is interrupted; SUSPENDED; or the terminal status
     * @param at          engine time
     * @param wakeAt      for a pause, when it is due again ({@code null}: a callback wakes it); otherwise null
     * @param error       for a failed, cancelled or timed-out end, why; for an interrupted run, why it stopped;
     *                    otherwise null
     * @param runTime     for a pause, an end or an interruption, the real time the run took on this node; otherwise
     *                    zero
     * @param propagatedContext what the {@link ExecutionContextPropagator}s captured when the execution started, as
     *                    stored with it; empty if nothing was
     */
    record ExecutionEvent(String executionId, String function, ExecutionStatus status, Instant at, Instant wakeAt,
            ErrorInfo error, Duration runTime, java.util.Map<String, String> propagatedContext) {

        /** Normalizes a missing context to an empty one. */
        public ExecutionEvent {
            propagatedContext = propagatedContext == null ? java.util.Map.of() : propagatedContext;
        }

        /** An event of an execution with no propagated context. */
        public ExecutionEvent(String executionId, String function, ExecutionStatus status, Instant at, Instant wakeAt,
                ErrorInfo error, Duration runTime) {
            this(executionId, function, status, at, wakeAt, error, runTime, java.util.Map.of());
        }
    }

    /**
     * An operation began or ended.
     *
     * @param executionId the execution
     * @param function    its function's registered name
     * @param operationId the operation's id
     * @param parentId    the enclosing context operation's id, or null at the top level
     * @param type        the operation's type
     * @param subType     its finer kind, or null
     * @param name        its name
     * @param status      for an end, SUCCEEDED or FAILED; for a start, null
     * @param error       for a failed end, the error; otherwise null
     * @param replayed    whether the operation's outcome was read from its checkpoint rather than produced now
     * @param elapsed     for an end, the real time from its start in this run; otherwise zero
     * @param lateness    for the start of an operation that a timer paused and that is due now (a wait reached
     *                    again after its due time, a step's next attempt after its retry backoff), how long after
     *                    its due time this run reached it, on the engine's clock; otherwise null
     */
    record OperationEvent(String executionId, String function, String operationId, String parentId, OperationType type,
            String subType, String name, OperationStatus status, ErrorInfo error, boolean replayed,
            Duration elapsed, Duration lateness) {

        /** An event without a lateness, as before it was reported. */
        public OperationEvent(String executionId, String function, String operationId, String parentId,
                OperationType type, String subType, String name, OperationStatus status, ErrorInfo error,
                boolean replayed, Duration elapsed) {
            this(executionId, function, operationId, parentId, type, subType, name, status, error, replayed, elapsed,
                    null);
        }
    }

    /**
     * An attempt of a step.
     *
     * @param executionId   the execution
     * @param function      its function's registered name
     * @param operationId   the step's operation id
     * @param name          the step's name
     * @param attempt       the attempt, from 1
     * @param error         for a failed attempt, what it threw; otherwise null
     * @param nextAttemptAt for a failed attempt that is retried, when; otherwise null
     * @param elapsed       for an attempt that ended, the real time its body ran; otherwise zero
     */
    record StepAttemptEvent(String executionId, String function, String operationId, String name, int attempt,
            Throwable error, Instant nextAttemptAt, Duration elapsed) {
    }

    /**
     * A group commit.
     *
     * @param checkpoints how many checkpoints it wrote together (after merging those of one execution)
     * @param latency     the real time the store took
     * @param failed      whether the store failed (nothing of the batch may be assumed written)
     */
    record CommitEvent(int checkpoints, Duration latency, boolean failed) {
    }
}
