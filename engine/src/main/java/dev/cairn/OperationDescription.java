package dev.cairn;

import java.time.Instant;

/**
 * One operation of an execution, as {@link DurableEngine#describe} shows it.
 *
 * @param id          its operation id
 * @param parentId    its enclosing context's id, or {@code null}
 * @param type        its type
 * @param subType     its sub-type, or {@code null}
 * @param name        its name, or {@code null}
 * @param status      its status
 * @param attempts    attempts made (steps)
 * @param result      its serialized result, or {@code null}
 * @param error       its (last) error, or {@code null}
 * @param scheduledAt when a wait is due or a retry is scheduled, or {@code null}
 * @param startedAt   when it started
 * @param endedAt     when it ended, or {@code null}
 */
public record OperationDescription(
        String id,
        String parentId,
        OperationType type,
        String subType,
        String name,
        OperationStatus status,
        int attempts,
        String result,
        ErrorInfo error,
        Instant scheduledAt,
        Instant startedAt,
        Instant endedAt) {
}
