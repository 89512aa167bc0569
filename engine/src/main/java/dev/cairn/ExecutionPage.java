package dev.cairn;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link DurableEngine#listExecutions(ExecutionQuery)}: executions newest first, and the cursor of the
 * next page.
 *
 * @param items      the executions of this page, newest first (by creation time, then by id)
 * @param nextCursor what to pass to {@link ExecutionQuery.Builder#after(String)} for the next page; empty on the
 *                   last page
 */
public record ExecutionPage(List<ExecutionSummary> items, Optional<String> nextCursor) {

    /** @throws NullPointerException if an argument is null */
    public ExecutionPage {
        items = List.copyOf(items);
        java.util.Objects.requireNonNull(nextCursor, "nextCursor");
    }
}
