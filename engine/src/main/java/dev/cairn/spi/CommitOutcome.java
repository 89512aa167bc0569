package dev.cairn.spi;

/** What a store did with one execution's {@link Checkpoint}. */
public enum CommitOutcome {
    /** Every write was applied. */
    APPLIED,
    /**
     * The operation and callback writes were applied, but not the suspension: a signal arrived since the run
     * began. The run must replay instead of suspending.
     */
    SIGNALLED,
    /** Nothing was applied: another node claimed the execution since (the version moved on), or it ended. */
    FENCED,
    /**
     * Nothing was applied, and the store ended the execution as {@link dev.cairn.ExecutionStatus#CANCELLED}
     * because a cancel request was pending.
     */
    CANCELLED
}
