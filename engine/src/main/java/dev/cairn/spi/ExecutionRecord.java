package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import java.time.Instant;

/**
 * One row of the executions table, as a store returns it.
 *
 * @param id             the execution id, unique
 * @param name           the unique name given with {@code StartOptions.named}, or {@code null}
 * @param function       the registered name of the durable function
 * @param status         the current status
 * @param input          the serialized input
 * @param output         the serialized result once {@link ExecutionStatus#SUCCEEDED}, else {@code null}
 * @param error          the error once failed, cancelled or timed out, or why it is parked; else {@code null}
 * @param createdAt      when it was started (engine clock)
 * @param updatedAt      when the row last changed (engine clock)
 * @param endedAt        when it reached a terminal status, else {@code null}
 * @param wakeAt         when a {@link ExecutionStatus#SUSPENDED} or {@link ExecutionStatus#PENDING} execution
 *                       becomes due (engine clock); {@code null} for one that waits only for a callback
 * @param owner          the node that holds it while {@link ExecutionStatus#RUNNING}, else {@code null}
 * @param leaseUntil     when the owner's lease runs out (lease clock), else {@code null}
 * @param version        the fencing token: incremented by every claim; a write that carries an older version
 *                       is rejected
 * @param signals        incremented by every callback completion and cancel request; a suspension is only
 *                       recorded if no signal arrived since the run began
 * @param cancelReason   set once {@link dev.cairn.DurableEngine#cancel} was asked for a running execution
 * @param timeoutAt      when the execution times out (engine clock), or {@code null}
 * @param parentId       the execution that started this one with {@code ctx.invoke}, or {@code null}. When an
 *                       execution with a parent reaches a terminal status, the store signals the parent in the same
 *                       transaction, as a callback completion does.
 * @param propagatedContext what was captured when the execution started ({@link NewExecution#propagatedContext()}),
 *                       as the engine encoded it, or {@code null}; written once, never changed
 */
public record ExecutionRecord(
        String id,
        String name,
        String function,
        ExecutionStatus status,
        String input,
        String output,
        ErrorInfo error,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        Instant wakeAt,
        String owner,
        Instant leaseUntil,
        long version,
        long signals,
        String cancelReason,
        Instant timeoutAt,
        String parentId,
        String propagatedContext) {

    /** A record of an execution without a propagated context. */
    public ExecutionRecord(String id, String name, String function, ExecutionStatus status, String input, String output,
            ErrorInfo error, Instant createdAt, Instant updatedAt, Instant endedAt, Instant wakeAt, String owner,
            Instant leaseUntil, long version, long signals, String cancelReason, Instant timeoutAt, String parentId) {
        this(id, name, function, status, input, output, error, createdAt, updatedAt, endedAt, wakeAt, owner, leaseUntil,
                version, signals, cancelReason, timeoutAt, parentId, null);
    }

    /** A record of an execution without a parent. */
    public ExecutionRecord(String id, String name, String function, ExecutionStatus status, String input, String output,
            ErrorInfo error, Instant createdAt, Instant updatedAt, Instant endedAt, Instant wakeAt, String owner,
            Instant leaseUntil, long version, long signals, String cancelReason, Instant timeoutAt) {
        this(id, name, function, status, input, output, error, createdAt, updatedAt, endedAt, wakeAt, owner, leaseUntil,
                version, signals, cancelReason, timeoutAt, null, null);
    }

    /** What a list of executions shows of this one. */
    public dev.cairn.ExecutionSummary summary() {
        return new dev.cairn.ExecutionSummary(id, name, function, status, createdAt, endedAt, wakeAt, parentId,
                error == null ? null : error.type());
    }

    /**
     * A builder of a record from scratch: every component {@code null} or 0 until set.
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
        b.name = name;
        b.function = function;
        b.status = status;
        b.input = input;
        b.output = output;
        b.error = error;
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        b.endedAt = endedAt;
        b.wakeAt = wakeAt;
        b.owner = owner;
        b.leaseUntil = leaseUntil;
        b.version = version;
        b.signals = signals;
        b.cancelReason = cancelReason;
        b.timeoutAt = timeoutAt;
        b.parentId = parentId;
        b.propagatedContext = propagatedContext;
        return b;
    }

    /** Builds an {@link ExecutionRecord}, one component at a time; see the record's components. */
    public static final class Builder {
        private String id;
        private String name;
        private String function;
        private ExecutionStatus status;
        private String input;
        private String output;
        private ErrorInfo error;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant endedAt;
        private Instant wakeAt;
        private String owner;
        private Instant leaseUntil;
        private long version;
        private long signals;
        private String cancelReason;
        private Instant timeoutAt;
        private String parentId;
        private String propagatedContext;

        private Builder() {
        }

        /** Sets {@link ExecutionRecord#id()} and returns this builder. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** Sets {@link ExecutionRecord#name()} and returns this builder. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Sets {@link ExecutionRecord#function()} and returns this builder. */
        public Builder function(String function) {
            this.function = function;
            return this;
        }

        /** Sets {@link ExecutionRecord#status()} and returns this builder. */
        public Builder status(ExecutionStatus status) {
            this.status = status;
            return this;
        }

        /** Sets {@link ExecutionRecord#input()} and returns this builder. */
        public Builder input(String input) {
            this.input = input;
            return this;
        }

        /** Sets {@link ExecutionRecord#output()} and returns this builder. */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /** Sets {@link ExecutionRecord#error()} and returns this builder. */
        public Builder error(ErrorInfo error) {
            this.error = error;
            return this;
        }

        /** Sets {@link ExecutionRecord#createdAt()} and returns this builder. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Sets {@link ExecutionRecord#updatedAt()} and returns this builder. */
        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        /** Sets {@link ExecutionRecord#endedAt()} and returns this builder. */
        public Builder endedAt(Instant endedAt) {
            this.endedAt = endedAt;
            return this;
        }

        /** Sets {@link ExecutionRecord#wakeAt()} and returns this builder. */
        public Builder wakeAt(Instant wakeAt) {
            this.wakeAt = wakeAt;
            return this;
        }

        /** Sets {@link ExecutionRecord#owner()} and returns this builder. */
        public Builder owner(String owner) {
            this.owner = owner;
            return this;
        }

        /** Sets {@link ExecutionRecord#leaseUntil()} and returns this builder. */
        public Builder leaseUntil(Instant leaseUntil) {
            this.leaseUntil = leaseUntil;
            return this;
        }

        /** Sets {@link ExecutionRecord#version()} and returns this builder. */
        public Builder version(long version) {
            this.version = version;
            return this;
        }

        /** Sets {@link ExecutionRecord#signals()} and returns this builder. */
        public Builder signals(long signals) {
            this.signals = signals;
            return this;
        }

        /** Sets {@link ExecutionRecord#cancelReason()} and returns this builder. */
        public Builder cancelReason(String cancelReason) {
            this.cancelReason = cancelReason;
            return this;
        }

        /** Sets {@link ExecutionRecord#timeoutAt()} and returns this builder. */
        public Builder timeoutAt(Instant timeoutAt) {
            this.timeoutAt = timeoutAt;
            return this;
        }

        /** Sets {@link ExecutionRecord#parentId()} and returns this builder. */
        public Builder parentId(String parentId) {
            this.parentId = parentId;
            return this;
        }

        /** Sets {@link ExecutionRecord#propagatedContext()} and returns this builder. */
        public Builder propagatedContext(String propagatedContext) {
            this.propagatedContext = propagatedContext;
            return this;
        }

        /**
         * The record.
         *
         * @return a new record with the components set so far
         */
        public ExecutionRecord build() {
            return new ExecutionRecord(id, name, function, status, input, output, error, createdAt, updatedAt, endedAt,
                    wakeAt, owner, leaseUntil, version, signals, cancelReason, timeoutAt, parentId, propagatedContext);
        }
    }
}
