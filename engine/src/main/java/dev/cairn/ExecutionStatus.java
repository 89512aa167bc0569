package dev.cairn;

/**
 * Where an execution stands.
 *
 * <p>{@link #PENDING}, {@link #RUNNING}, {@link #SUSPENDED} and {@link #PARKED} are live states; the others
 * are terminal: once an execution reaches one of them it never changes again.
 */
public enum ExecutionStatus {
    /** Ready to run: started, resumed by a timer or a callback, and not yet claimed by a node. */
    PENDING,
    /** Claimed by a node, which holds a lease on it while its code runs. */
    RUNNING,
    /** Waiting for a timer or a callback; holds no thread and no memory, only rows. */
    SUSPENDED,
    /**
     * Its function is not registered on the node that picked it up. It is resumed when an engine with that
     * function registered starts, or when the function is registered on a running engine.
     */
    PARKED,
    /** Finished with a result. */
    SUCCEEDED,
    /** Finished with an error, recorded with its type, message and stack trace. */
    FAILED,
    /** Stopped by {@link DurableEngine#cancel(String, String)}. */
    CANCELLED,
    /** Stopped because it ran past its execution timeout. */
    TIMED_OUT;

    /** Whether this status is final. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == TIMED_OUT;
    }
}
