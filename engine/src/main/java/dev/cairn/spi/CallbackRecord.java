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
 *                           against which a completion's value is checked, prefixed with {@code own-serializer:}
 *                           when the workflow reads it with a serializer of the operation's own (which the engine
 *                           cannot check a value against); {@code null} if unknown. Stores keep it as given.
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
        return toBuilder().status(CallbackStatus.TIMED_OUT).result(null).error(timeoutError()).completedAt(now).build();
    }

    /**
     * A builder of a record from scratch: every component {@code null} until set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this record, to copy it with a few components changed.
     *
     * @return a new builder holding this record's components
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.executionId = executionId;
        b.operationId = operationId;
        b.status = status;
        b.result = result;
        b.error = error;
        b.timeoutAt = timeoutAt;
        b.heartbeatTimeout = heartbeatTimeout;
        b.heartbeatDeadline = heartbeatDeadline;
        b.createdAt = createdAt;
        b.completedAt = completedAt;
        b.resultType = resultType;
        return b;
    }

    /** Builds a {@link CallbackRecord}, one component at a time; see the record's components. */
    public static final class Builder {
        private String id;
        private String executionId;
        private String operationId;
        private CallbackStatus status;
        private String result;
        private ErrorInfo error;
        private Instant timeoutAt;
        private Duration heartbeatTimeout;
        private Instant heartbeatDeadline;
        private Instant createdAt;
        private Instant completedAt;
        private String resultType;

        private Builder() {
        }

        /** Sets {@link CallbackRecord#id()} and returns this builder. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets {@link CallbackRecord#executionId()} and returns this builder. */
        public Builder executionId(String executionId) {
            this.executionId = executionId;
            return this;
        }

        /** Sets {@link CallbackRecord#operationId()} and returns this builder. */
        public Builder operationId(String operationId) {
            this.operationId = operationId;
            return this;
        }

        /** Sets {@link CallbackRecord#status()} and returns this builder. */
        public Builder status(CallbackStatus status) {
            this.status = status;
            return this;
        }

        /** Sets {@link CallbackRecord#result()} and returns this builder. */
        public Builder result(String result) {
            this.result = result;
            return this;
        }

        /** Sets {@link CallbackRecord#error()} and returns this builder. */
        public Builder error(ErrorInfo error) {
            this.error = error;
            return this;
        }

        /** Sets {@link CallbackRecord#timeoutAt()} and returns this builder. */
        public Builder timeoutAt(Instant timeoutAt) {
            this.timeoutAt = timeoutAt;
            return this;
        }

        /** Sets {@link CallbackRecord#heartbeatTimeout()} and returns this builder. */
        public Builder heartbeatTimeout(Duration heartbeatTimeout) {
            this.heartbeatTimeout = heartbeatTimeout;
            return this;
        }

        /** Sets {@link CallbackRecord#heartbeatDeadline()} and returns this builder. */
        public Builder heartbeatDeadline(Instant heartbeatDeadline) {
            this.heartbeatDeadline = heartbeatDeadline;
            return this;
        }

        /** Sets {@link CallbackRecord#createdAt()} and returns this builder. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Sets {@link CallbackRecord#completedAt()} and returns this builder. */
        public Builder completedAt(Instant completedAt) {
            this.completedAt = completedAt;
            return this;
        }

        /** Sets {@link CallbackRecord#resultType()} and returns this builder. */
        public Builder resultType(String resultType) {
            this.resultType = resultType;
            return this;
        }

        /**
         * The record.
         *
         * @return a new record with the components set so far
         */
        public CallbackRecord build() {
            return new CallbackRecord(id, executionId, operationId, status, result, error, timeoutAt, heartbeatTimeout,
                    heartbeatDeadline, createdAt, completedAt, resultType);
        }
    }
}
