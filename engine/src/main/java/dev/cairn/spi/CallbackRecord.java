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
 * @param resultType         the type the workflow reads the result as ({@link java.lang.reflect.Type#getTypeName()}),
 *                           against which a completion's value is checked; {@code null} if unknown
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
        Instant completedAt,
        String resultType) {

    /** A record without a result type. */
    public CallbackRecord(String id, String executionId, String operationId, CallbackStatus status, String result,
            ErrorInfo error, Instant timeoutAt, Duration heartbeatTimeout, Instant heartbeatDeadline, Instant createdAt,
            Instant completedAt) {
        this(id, executionId, operationId, status, result, error, timeoutAt, heartbeatTimeout, heartbeatDeadline,
                createdAt, completedAt, null);
    }

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

    /** Whether this callback is PENDING and its deadline is at or before {@code now}: it has timed out. */
    public boolean isOverdue(Instant now) {
        Instant deadline = deadline();
        return status == CallbackStatus.PENDING && deadline != null && !now.isBefore(deadline);
    }

    /**
     * The error this callback times out with: a {@code dev.cairn.CallbackTimeoutException} saying whether the
     * timeout or the heartbeat timeout ran out. Every store and the engine record the same one.
     */
    public ErrorInfo timeoutError() {
        boolean timedOut = timeoutAt != null && (heartbeatDeadline == null || !heartbeatDeadline.isBefore(timeoutAt));
        String what = "callback " + id + " (operation " + operationId + " of execution " + executionId + ")";
        String message = timedOut
                ? what + " timed out: not completed within " + Duration.between(createdAt, timeoutAt)
                : what + " timed out: no heartbeat within " + heartbeatTimeout;
        return ErrorInfo.of(dev.cairn.CallbackTimeoutException.class.getName(), message);
    }

    /** This callback, timed out at {@code now}. */
    public CallbackRecord timedOut(Instant now) {
        return new CallbackRecord(id, executionId, operationId, CallbackStatus.TIMED_OUT, null, timeoutError(),
                timeoutAt, heartbeatTimeout, heartbeatDeadline, createdAt, now, resultType);
    }
}
