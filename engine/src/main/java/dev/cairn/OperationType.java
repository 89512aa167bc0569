package dev.cairn;

/** The kind of a durable operation, recorded with its checkpoint and checked on replay. */
public enum OperationType {
    /** {@link DurableContext#step}, and the recorded values of {@link DurableContext#now()} and {@link DurableContext#randomUUID()}. */
    STEP,
    /** {@link DurableContext#wait(String, java.time.Duration)}. */
    WAIT,
    /** {@link DurableContext#createCallback}. */
    CALLBACK,
    /** A child context, such as the one {@link DurableContext#waitForCallback} runs in. */
    CONTEXT
}
