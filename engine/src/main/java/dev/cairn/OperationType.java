package dev.cairn;

/** The kind of a durable operation, recorded with its checkpoint and checked on replay. */
public enum OperationType {
    /** {@link DurableContext#step}, and the recorded values of {@link DurableContext#now()} and {@link DurableContext#randomUUID()}. */
    STEP,
    /** {@link DurableContext#wait(String, java.time.Duration)}. */
    WAIT,
    /** {@link DurableContext#createCallback}. */
    CALLBACK,
    /**
     * A child context: {@link DurableContext#runInChildContext}, a batch and its items or branches, and the contexts
     * {@link DurableContext#waitForCallback}, {@link DurableContext#waitForCondition} and
     * {@link DurableContext#withRetry} run in. The sub-type says which.
     */
    CONTEXT,
    /** {@link DurableContext#invoke}: a child execution; the sub-type is the invoked function's name. */
    INVOKE
}
