package dev.cairn.spi;

import java.util.List;

/**
 * The writes of one execution in one group commit, fenced by the version its run claimed.
 *
 * <p>A store applies a checkpoint only if the execution row is still {@link dev.cairn.ExecutionStatus#RUNNING}
 * at {@code version}, with no cancel request pending. Then, in order: the operation inserts and updates, the
 * callback inserts, and the transition (if any).
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
 */
public record Checkpoint(
        String executionId,
        long version,
        List<OperationRecord> operationInserts,
        List<OperationRecord> operationUpdates,
        List<CallbackRecord> callbacks,
        Transition transition,
        java.time.Instant now) {

    public Checkpoint {
        operationInserts = List.copyOf(operationInserts);
        operationUpdates = List.copyOf(operationUpdates);
        callbacks = List.copyOf(callbacks);
    }
}
