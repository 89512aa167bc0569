package dev.cairn;

/** Why a batch completed. */
public enum CompletionReason {
    /** Every item finished. */
    ALL_COMPLETED,
    /** The minimum number of successful items was reached. */
    MIN_SUCCESSFUL_REACHED,
    /** More items failed than the batch tolerates. */
    FAILURE_TOLERANCE_EXCEEDED,
    /** The batch's own predicate ({@link dev.cairn.config.CompletionConfig#shouldComplete}) said it is complete. */
    COMPLETION_PREDICATE_MET
}
