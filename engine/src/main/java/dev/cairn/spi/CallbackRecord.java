package dev.cairn.spi;

import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import java.time.Duration;
import java.time.Instant;

/**
 * One row of the callbacks table.
 *
 * @param id                 the callback id handed to the external system: at least 128 random bits
 * @param executionId        the execution waiting for it
 * @param operationId        the callback operation's id
 * @param status             its state
 * @param result             the serialized result once {@link CallbackStatus#SUCCEEDED}
 * @param error              the error once failed or timed out
 * @param timeoutAt          when it times out (engine clock), or {@code null} for never
 * @param heartbeatTimeout   how long it may go without a heartbeat, or {@code null} for no limit
 * @param heartbeatDeadline  when the next heartbeat is due (engine clock), or {@code null}
 * @param createdAt          engine clock
 * @param completedAt        engine clock, once terminal
 */
public record CallbackRecord(
        String id,
        String executionId,
        String operationId,
        CallbackStatus status,
        String result,
        dev.cairn.ErrorInfo error,
        Instant timeoutAt,
        Duration heartbeatTimeout,
        Instant heartbeatDeadline,
        Instant createdAt,
        Instant completedAt) {

    /** The earliest moment at which this pending callback times out, or {@code null} if it never does. */
    public Instant deadline() {
        if (timeoutAt == null) {
            return heartbeatDeadline;
        }
        if (heartbeatDeadline == null) {
            return timeoutAt;
        }
        return timeoutAt.isBefore(heartbeatDeadline) ? timeoutAt : heartbeatDeadline;
    }
}
