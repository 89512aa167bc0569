package dev.cairn;

/** What a {@link HistoryEvent} records. */
public enum HistoryEventType {
    /** The execution was started. */
    EXECUTION_STARTED,
    /** It ended with a result. */
    EXECUTION_SUCCEEDED,
    /** It ended with an error. */
    EXECUTION_FAILED,
    /** It ran past its execution timeout. */
    EXECUTION_TIMED_OUT,
    /** It was cancelled. */
    EXECUTION_CANCELLED,
    /** It paused, holding no thread, until the time in {@link HistoryEvent#scheduledAt()} or a callback. */
    EXECUTION_SUSPENDED,
    /** A run picked it up again after it had run before: after a pause, or after a node running it stopped. */
    EXECUTION_RESUMED,
    /** An attempt of a step began ({@link HistoryEvent#attempt()} says which). */
    STEP_STARTED,
    /** A step's attempt returned; its result is the step's. */
    STEP_SUCCEEDED,
    /**
     * An attempt of a step failed. {@link HistoryEvent#scheduledAt()} is when the next attempt is due, or
     * {@code null} when the step failed for good.
     */
    STEP_FAILED,
    /** A wait began; {@link HistoryEvent#scheduledAt()} is when it ends. */
    WAIT_STARTED,
    /** A wait ended. */
    WAIT_SUCCEEDED,
    /** A wait was cut short: its execution ended while it waited. */
    WAIT_CANCELLED,
    /** A callback was created, with its id, timeout and heartbeat timeout. */
    CALLBACK_STARTED,
    /** The outside system sent a heartbeat for a callback. */
    CALLBACK_HEARTBEAT,
    /** A callback was completed with a result. */
    CALLBACK_SUCCEEDED,
    /** A callback was failed by the outside system. */
    CALLBACK_FAILED,
    /** A callback ran past its timeout or its heartbeat timeout. */
    CALLBACK_TIMED_OUT,
    /** A child context (a batch, an item, a branch, a wait for a callback or a condition...) began. */
    CONTEXT_STARTED,
    /** A child context returned. */
    CONTEXT_SUCCEEDED,
    /** A child context failed. */
    CONTEXT_FAILED,
    /** Another durable function was invoked. */
    INVOKE_STARTED,
    /** The invoked execution succeeded. */
    INVOKE_SUCCEEDED,
    /** The invoked execution failed, was cancelled or timed out. */
    INVOKE_FAILED
}
