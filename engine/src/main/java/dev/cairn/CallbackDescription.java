package dev.cairn;

import java.time.Instant;

/**
 * One callback of an execution, as {@link DurableEngine#describe} shows it.
 *
 * @param id          the callback id
 * @param operationId the callback operation's id
 * @param status      its status
 * @param result      its serialized result, or {@code null}
 * @param error       its error, or {@code null}
 * @param timeoutAt   when it times out, or {@code null}
 * @param heartbeatDeadline when the next heartbeat is due, or {@code null}
 * @param createdAt   when it was created
 * @param completedAt when it was completed, or {@code null}
 */
public record CallbackDescription(
        String id,
        String operationId,
        CallbackStatus status,
        String result,
        ErrorInfo error,
        Instant timeoutAt,
        Instant heartbeatDeadline,
        Instant createdAt,
        Instant completedAt) {
}
