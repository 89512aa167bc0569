package dev.cairn.spi;

import java.time.Instant;

/**
 * An execution to insert.
 *
 * <p>It is inserted either {@link dev.cairn.ExecutionStatus#PENDING} with {@code wakeAt = createdAt} and no
 * owner (any node may claim it), or, when {@code owner} is given, directly
 * {@link dev.cairn.ExecutionStatus#RUNNING} with that owner, {@code leaseUntil} and version 1, so that the
 * starting node runs it without a separate claim.
 *
 * @param id         the new execution's id
 * @param name       the unique name, or {@code null}
 * @param function   the registered function name
 * @param input      the serialized input
 * @param createdAt  engine clock
 * @param owner      the node that runs it at once, or {@code null}
 * @param leaseUntil lease clock; required when {@code owner} is given
 * @param timeoutAt  when it times out, or {@code null}
 * @param parentId   the invoking execution, or {@code null}
 * @param propagatedContext what the engine's {@link dev.cairn.ExecutionContextPropagator}s captured when it was
 *                   started, encoded by the engine (a JSON object of at most
 *                   {@value dev.cairn.ExecutionContextPropagator#MAX_CONTEXT_BYTES} bytes), or {@code null}; a store
 *                   keeps it as it is and returns it with every {@link ExecutionRecord} of the execution
 */
public record NewExecution(
        String id,
        String name,
        String function,
        String input,
        Instant createdAt,
        String owner,
        Instant leaseUntil,
        Instant timeoutAt,
        String parentId,
        String propagatedContext) {

    /** An execution without a propagated context. */
    public NewExecution(String id, String name, String function, String input, Instant createdAt, String owner,
            Instant leaseUntil, Instant timeoutAt, String parentId) {
        this(id, name, function, input, createdAt, owner, leaseUntil, timeoutAt, parentId, null);
    }

    /** An execution without a parent. */
    public NewExecution(String id, String name, String function, String input, Instant createdAt, String owner,
            Instant leaseUntil, Instant timeoutAt) {
        this(id, name, function, input, createdAt, owner, leaseUntil, timeoutAt, null, null);
    }
}
