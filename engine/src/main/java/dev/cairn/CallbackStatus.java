package dev.cairn;

/** The state of a callback created by {@link DurableContext#createCallback}. */
public enum CallbackStatus {
    /** Waiting for {@link DurableEngine#completeCallback} or {@link DurableEngine#failCallback}. */
    PENDING,
    /** Completed with a result. */
    SUCCEEDED,
    /** Failed by the external system, or because its submitter failed. */
    FAILED,
    /** Its timeout or its heartbeat timeout passed first. */
    TIMED_OUT;

    /** Whether the callback can no longer be completed. */
    public boolean isTerminal() {
        return this != PENDING;
    }
}
