package dev.cairn;

/** The state of one durable operation's checkpoint. */
public enum OperationStatus {
    /** Begun and not finished: a wait not yet due, a callback not yet completed, an at-most-once attempt under way. */
    STARTED,
    /** A failed step attempt whose retry is scheduled for {@code scheduledAt}. */
    RETRY_PENDING,
    /** Finished with a result. */
    SUCCEEDED,
    /** Finished with an error. */
    FAILED;

    /** Whether the operation has finished. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }
}
