package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import java.time.Instant;

/**
 * One checkpointed operation: a row of the operations table, keyed by {@code (executionId, operationId)}.
 *
 * @param executionId  the execution it belongs to
 * @param operationId  its deterministic id: a counter per context, child ids prefixed by the parent's
 *                     ({@code "3"}, {@code "3-1"})
 * @param parentId     the enclosing context operation's id, or {@code null} at the top level
 * @param type         the operation type
 * @param subType      a finer kind ({@code "WaitForCallback"}, {@code "Now"}), or {@code null}
 * @param name         the name user code gave it, or {@code null}
 * @param status       its state
 * @param attempt      the number of attempts made so far (steps); 0 for other types
 * @param result       the serialized result once {@link OperationStatus#SUCCEEDED}, else {@code null}
 * @param error        the last error (after a failed attempt, or once {@link OperationStatus#FAILED})
 * @param scheduledAt  when a wait is due or a retry is scheduled (engine clock), else {@code null}
 * @param startedAt    when it first ran (engine clock)
 * @param endedAt      when it finished (engine clock), else {@code null}
 */
public record OperationRecord(
        String executionId,
        String operationId,
        String parentId,
        OperationType type,
        String subType,
        String name,
        OperationStatus status,
        int attempt,
        String result,
        ErrorInfo error,
        Instant scheduledAt,
        Instant startedAt,
        Instant endedAt) {
}
