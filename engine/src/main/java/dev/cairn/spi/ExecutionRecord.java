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
        String parentId) {

    /** A record of an execution without a parent. */
    public ExecutionRecord(String id, String name, String function, ExecutionStatus status, String input, String output,
            ErrorInfo error, Instant createdAt, Instant updatedAt, Instant endedAt, Instant wakeAt, String owner,
            Instant leaseUntil, long version, long signals, String cancelReason, Instant timeoutAt) {
        this(id, name, function, status, input, output, error, createdAt, updatedAt, endedAt, wakeAt, owner, leaseUntil,
                version, signals, cancelReason, timeoutAt, null);
    }
}
