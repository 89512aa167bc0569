package dev.cairn.internal.replay;

import dev.cairn.OperationType;
import dev.cairn.internal.run.ExecutionRun;
import dev.cairn.spi.OperationRecord;
import java.util.Objects;

/**
 * The one non-determinism check: an operation's checkpoint must be of the operation the code calls at its id now,
 * with the same type, sub-type and name. A mismatch means the code changed under a running execution; the
 * execution is failed with {@link dev.cairn.NonDeterministicExecutionException} naming the operation, what was
 * recorded and what is called, and never retried.
 */
final class ReplayValidator {

    /** What a non-determinism message ends with: what it means and what to do. */
    static final String CODE_CHANGED = "The code changed under a running execution; its checkpoints no longer fit,"
            + " so it is failed. Keep the old code registered until such executions end, or start new executions.";

    private ReplayValidator() {
    }

    /**
     * The checkpoint of operation {@code id}, marked reached, if it matches what is called.
     *
     * @return the checkpoint, or {@code null} if there is none
     * @throws dev.cairn.NonDeterministicExecutionException if it is of another operation
     */
    static OperationRecord validate(ExecutionRun run, String id, OperationType type, String subType, String name) {
        OperationRecord recorded = run.visit(id);
        if (recorded != null && (recorded.type() != type || !Objects.equals(recorded.subType(), subType)
                || !Objects.equals(recorded.name(), name))) {
            throw run.nonDeterministic(id, "operation " + id + " of execution " + run.executionId()
                    + " was recorded as " + describe(recorded.type(), recorded.subType(), recorded.name())
                    + " but the code now calls " + describe(type, subType, name) + ". " + CODE_CHANGED);
        }
        return recorded;
    }

    private static String describe(OperationType type, String subType, String name) {
        return type + (subType == null ? "" : "/" + subType) + (name == null ? " (unnamed)" : " '" + name + "'");
    }

    /** An operation as messages name it: {@code step 'charge'}, or {@code unnamed step}. */
    static String label(String kind, String name) {
        return name == null ? "unnamed " + kind : kind + " '" + name + "'";
    }
}
