package dev.cairn.config;

/**
 * How far a batch ({@code map} or {@code parallel}) has come, as a
 * {@linkplain CompletionConfig#shouldComplete completion predicate} sees it.
 *
 * <p>Only finished items are counted: which items are running at a given moment depends on threads and on where a
 * run was resumed, so a predicate of these counts alone decides the same way on every replay.
 *
 * @param succeeded the items that finished with a result
 * @param failed    the items that finished with an error
 * @param total     the items in the batch
 */
public record BatchCounts(int succeeded, int failed, int total) {

    /** The items that finished, successfully or not. */
    public int completed() {
        return succeeded + failed;
    }

    /** The items that have not finished: still running, or not started. */
    public int remaining() {
        return total - completed();
    }
}
