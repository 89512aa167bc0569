package dev.cairn.config;

/**
 * How a {@code map} or a {@code parallel} records its items: each in a checkpointed child context of its own, or
 * flat, as virtual contexts that write nothing themselves.
 */
public enum Nesting {

    /**
     * Each item is a child context with a checkpoint of its own: STARTED when it starts, and its result or error
     * when it ends. A finished item is never run again: its result is read from that checkpoint. Two writes and a
     * row per item, on top of the items' own operations.
     */
    NESTED,

    /**
     * Each item is a virtual context: its operations are numbered under the item as with {@link #NESTED}, and they
     * appear as children of the batch operation, but the item itself writes nothing. A batch of 1,000 one-step items
     * writes the 1,000 steps and the batch's own two checkpoints, nothing more. The price: an item's result is kept
     * only in memory, so each time the execution is replayed, the finished items run again, replaying their own
     * operations from their checkpoints, to rebuild their results. Item code between operations must therefore
     * be deterministic (as all workflow code must be), and an item whose operations do not replay to the same end
     * fails the execution with {@code NonDeterministicExecutionException}.
     */
    FLAT
}
