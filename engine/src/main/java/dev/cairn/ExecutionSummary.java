package dev.cairn;

import java.time.Instant;

/**
 * One row of a {@link ExecutionPage}: what a list of executions shows, without inputs, results or stack traces.
 *
 * @param id        the execution id
 * @param name      the unique name it was started with ({@link StartOptions#named}), or {@code null}
 * @param function  the registered name of its function
 * @param status    its status when the page was read
 * @param createdAt when it was started (engine clock)
 * @param endedAt   when it reached a terminal status, or {@code null}
 * @param wakeAt    when a suspended or pending execution is due, or {@code null}
 * @param parentId  the execution that invoked it with {@code ctx.invoke}, or {@code null}
 * @param errorType the type of its error once it failed, was cancelled or timed out (or why it is parked), else
 *                  {@code null}
 */
public record ExecutionSummary(
        String id,
        String name,
        String function,
        ExecutionStatus status,
        Instant createdAt,
        Instant endedAt,
        Instant wakeAt,
        String parentId,
        String errorType) {

    /** @throws NullPointerException if {@code id}, {@code function}, {@code status} or {@code createdAt} is null */
    public ExecutionSummary {
        java.util.Objects.requireNonNull(id, "id");
        java.util.Objects.requireNonNull(function, "function");
        java.util.Objects.requireNonNull(status, "status");
        java.util.Objects.requireNonNull(createdAt, "createdAt");
    }
}
