package dev.cairn;

import java.util.List;

/**
 * The outcome of {@link DurableContext#map} or {@link DurableContext#parallel}: every item with its status,
 * result or error, the counts, and why the batch completed.
 *
 * @param items            every item, in input order
 * @param completionReason why the batch completed
 * @param <T>              the result type
 */
public record BatchResult<T>(List<BatchItem<T>> items, CompletionReason completionReason) {

    public BatchResult {
        items = List.copyOf(items);
    }

    /** The results of the successful items, in input order. */
    public List<T> results() {
        return items.stream().filter(i -> i.status() == BatchItemStatus.SUCCEEDED).map(BatchItem::result).toList();
    }

    /** The failed items. */
    public List<BatchItem<T>> failures() {
        return items.stream().filter(i -> i.status() == BatchItemStatus.FAILED).toList();
    }

    /** The same as {@link #results()}, under the AWS durable SDK's name. */
    public List<T> succeeded() {
        return results();
    }

    /** The same as {@link #failures()}, under the AWS durable SDK's name. */
    public List<BatchItem<T>> failed() {
        return failures();
    }

    /** How many items succeeded. */
    public int successCount() {
        return count(BatchItemStatus.SUCCEEDED);
    }

    /** How many items failed. */
    public int failureCount() {
        return count(BatchItemStatus.FAILED);
    }

    /** How many items had started and not finished when the batch completed. */
    public int startedCount() {
        return count(BatchItemStatus.STARTED);
    }

    /** How many items never started. */
    public int skippedCount() {
        return count(BatchItemStatus.SKIPPED);
    }

    /** Whether any item failed. */
    public boolean hasFailures() {
        return failureCount() > 0;
    }

    /**
     * Rethrows the failure of the first failed item, in input order, as the type it was thrown as; returns this
     * result if no item failed: {@code ctx.map(...).throwIfError().results()}.
     *
     * <p>Only the error's record (type, message, stack trace) survives a replay, so the exception is rebuilt from it
     * on every run, the first included: an unchecked exception with a public constructor taking a message is thrown
     * as its own type with the recorded message; anything else (a checked exception, which is then the cause, or
     * one of Cairn's own exceptions thrown out of the item) as {@link BatchItemFailedException} with the record.
     *
     * @return this result, when no item failed
     */
    public BatchResult<T> throwIfError() {
        for (BatchItem<T> item : items) {
            if (item.status() == BatchItemStatus.FAILED) {
                throw dev.cairn.internal.RecordedErrors.rethrowable(item.error(), item.index(), item.name(),
                        "item " + item.index() + " ('" + item.name() + "') of the batch");
            }
        }
        return this;
    }

    private int count(BatchItemStatus status) {
        int n = 0;
        for (BatchItem<T> item : items) {
            if (item.status() == status) {
                n++;
            }
        }
        return n;
    }
}
