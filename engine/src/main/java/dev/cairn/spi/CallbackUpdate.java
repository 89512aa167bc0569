package dev.cairn.spi;

import dev.cairn.ExecutionStatus;

/**
 * What a store did with a callback completion or heartbeat.
 *
 * @param outcome         what happened
 * @param callback        the callback row after the update, or {@code null} if it does not exist
 * @param executionStatus the waiting execution's status after the update, or {@code null}
 */
public record CallbackUpdate(Outcome outcome, CallbackRecord callback, ExecutionStatus executionStatus) {

    /** The possible outcomes. */
    public enum Outcome {
        /** Applied. For a completion, the execution's signal count was incremented and, if it was suspended, it is now PENDING and due. */
        APPLIED,
        /** No callback has that id. */
        NOT_FOUND,
        /** The callback had already been completed, failed or timed out; nothing changed. */
        ALREADY_COMPLETED,
        /** The execution that created it has ended; nothing changed. */
        EXECUTION_ENDED
    }
}
