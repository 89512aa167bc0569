package dev.cairn;

/** How one item or branch of a batch ({@link DurableContext#map}, {@link DurableContext#parallel}) stands. */
public enum BatchItemStatus {
    /** Finished with a result. */
    SUCCEEDED,
    /** Finished with an error. */
    FAILED,
    /** Started, and not finished when the batch completed. */
    STARTED,
    /** Never started: the batch completed first. */
    SKIPPED
}
