package dev.cairn.spi;

import dev.cairn.ExecutionStatus;

/**
 * What a store did with a cancel request.
 *
 * @param outcome the outcome
 * @param status  the execution's status after the request, or {@code null} if it does not exist
 */
public record CancelResult(Outcome outcome, ExecutionStatus status) {

    /** The possible outcomes. */
    public enum Outcome {
        /** It was not running (pending, suspended or parked) and is now CANCELLED. */
        CANCELLED,
        /** It is running: the request is recorded and its owner stops it at its next checkpoint. */
        REQUESTED,
        /** It had already ended; nothing changed. */
        ALREADY_ENDED,
        /** No execution has that id. */
        NOT_FOUND
    }
}
