package dev.cairn;

import java.time.Duration;
import java.time.Instant;

/**
 * One event of an execution's history, as {@link DurableEngine#history(String)} returns it: in the order the events
 * happened, numbered from 1.
 *
 * <p>Times are the engine clock's, kept at millisecond precision. Events at the same millisecond are ordered as the
 * execution made them: an operation's start before what runs in it, and the end of a child context after what ran
 * in it.
 *
 * @param sequence         the event's place in the history, from 1
 * @param type             what happened
 * @param timestamp        when
 * @param operationId      the operation it concerns, or {@code null} for an event of the execution itself
 * @param parentId         the operation's enclosing context operation, or {@code null} at the top level
 * @param operationType    the operation's type, or {@code null} for an event of the execution itself
 * @param subType          the operation's finer kind ({@code "Map"}, {@code "WaitForCallback"}...), or
 *                         {@code null}
 * @param name             the operation's name, or for an event of the execution, its function's name
 * @param attempt          for step events, the attempt (from 1); otherwise 0
 * @param scheduledAt      for WAIT_STARTED, when the wait ends; for STEP_FAILED, when the next attempt is due
 *                         ({@code null} if the step failed for good); for EXECUTION_SUSPENDED, when it is due again
 *                         ({@code null} if only a callback can wake it); otherwise {@code null}
 * @param callbackId       for callback events, the callback's id; otherwise {@code null}
 * @param timeout          for CALLBACK_STARTED, the callback's timeout, or {@code null} if it has none
 * @param heartbeatTimeout for CALLBACK_STARTED, the callback's heartbeat timeout, or {@code null} if it has none
 * @param payload          with {@link HistoryOptions#includeData()}: the serialized result of a step, callback,
 *                         context or invoke that succeeded, the input of EXECUTION_STARTED, the result of
 *                         EXECUTION_SUCCEEDED; otherwise {@code null}
 * @param error            for a failure, its error; without {@link HistoryOptions#includeData()} its stack trace is
 *                         left out
 */
public record HistoryEvent(
        long sequence,
        HistoryEventType type,
        Instant timestamp,
        String operationId,
        String parentId,
        OperationType operationType,
        String subType,
        String name,
        int attempt,
        Instant scheduledAt,
        String callbackId,
        Duration timeout,
        Duration heartbeatTimeout,
        String payload,
        ErrorInfo error) {

    /** @throws NullPointerException if {@code type} or {@code timestamp} is null */
    public HistoryEvent {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(timestamp, "timestamp");
    }
}
