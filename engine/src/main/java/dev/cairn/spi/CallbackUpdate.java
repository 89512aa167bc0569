package dev.cairn.spi;

import dev.cairn.ExecutionStatus;

/**
 * What a store did with a callback completion or heartbeat.
 *
 * @param outcome         what happened
 * @param callback        the callback row after the update, or {@code null} if it does not exist
 * @param executionStatus the waiting execution's status after the update, or {@code null}
 * @param claimed         the execution's row if the completion claimed it ({@link ExecutionStore#completeCallback(
 *                        String, java.util.function.Function, Claimant)}), else {@code null}
 */
public record CallbackUpdate(Outcome outcome, CallbackRecord callback, ExecutionStatus executionStatus,
                             ExecutionRecord claimed) {

    /** An update that claimed nothing. */
    public CallbackUpdate(Outcome outcome, CallbackRecord callback, ExecutionStatus executionStatus) {
        this(outcome, callback, executionStatus, null);
    }

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
