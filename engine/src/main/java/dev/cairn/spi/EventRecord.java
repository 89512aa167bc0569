package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import dev.cairn.HistoryEventType;
import java.time.Instant;
import java.util.Objects;

/**
 * An event of an execution's history that its operation, callback and execution rows cannot show once they have
 * moved on: every attempt of a step after the first and every failed attempt that was retried, every heartbeat
 * of a callback, every pause and every resumption. A store appends them, in order, and never changes them; the
 * rest of the history is read from the rows themselves.
 *
 * <p>They are written by {@link ExecutionStore#commit} with the checkpoint that carries them
 * ({@link Checkpoint#events()}), and by {@link ExecutionStore#heartbeatCallback} (a
 * {@link HistoryEventType#CALLBACK_HEARTBEAT}).
 *
 * @param executionId the execution
 * @param type        what happened: {@link HistoryEventType#STEP_STARTED}, {@link HistoryEventType#STEP_FAILED},
 *                    {@link HistoryEventType#CALLBACK_HEARTBEAT}, {@link HistoryEventType#EXECUTION_SUSPENDED} or
 *                    {@link HistoryEventType#EXECUTION_RESUMED}
 * @param at          when (engine clock)
 * @param operationId the operation it concerns (for a heartbeat, the callback's operation), or {@code null} for an
 *                    event of the execution
 * @param attempt     for step events, the attempt; otherwise 0
 * @param scheduledAt for STEP_FAILED, when the next attempt is due; for EXECUTION_SUSPENDED, when the execution
 *                    is due again ({@code null} if only a callback wakes it); otherwise {@code null}
 * @param error       for STEP_FAILED, the attempt's error; otherwise {@code null}
 */
public record EventRecord(
        String executionId,
        HistoryEventType type,
        Instant at,
        String operationId,
        int attempt,
        Instant scheduledAt,
        ErrorInfo error) {

    /** @throws NullPointerException if {@code executionId}, {@code type} or {@code at} is null */
    public EventRecord {
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }
}
