package dev.cairn;

import java.time.Instant;
import java.util.List;

/**
 * An execution and its history, as {@link DurableEngine#describe} shows it.
 *
 * @param id         the execution id
 * @param name       its unique name, or {@code null}
 * @param function   its function's registered name
 * @param status     its status
 * @param input      its serialized input
 * @param result     its serialized result once SUCCEEDED, else {@code null}
 * @param error      its error once FAILED, CANCELLED or TIMED_OUT, or why it is PARKED; else {@code null}
 * @param createdAt  when it started
 * @param updatedAt  when it last changed
 * @param endedAt    when it ended, or {@code null}
 * @param wakeAt     when a suspended execution is due, or {@code null}
 * @param parentId   the execution that invoked this one with {@link DurableContext#invoke}, or {@code null}
 * @param childExecutionIds the executions this one invoked, in the order it invoked them
 * @param operations its operations, in the order they were first run
 * @param callbacks  its callbacks
 */
public record ExecutionDescription(
        String id,
        String name,
        String function,
        ExecutionStatus status,
        String input,
        String result,
        ErrorInfo error,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        Instant wakeAt,
        String parentId,
        List<String> childExecutionIds,
        List<OperationDescription> operations,
        List<CallbackDescription> callbacks) {

    public ExecutionDescription {
        childExecutionIds = List.copyOf(childExecutionIds);
        operations = List.copyOf(operations);
        callbacks = List.copyOf(callbacks);
    }
}
