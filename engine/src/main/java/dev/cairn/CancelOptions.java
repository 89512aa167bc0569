package dev.cairn;

/**
 * Options for {@link DurableEngine#cancel(String, String, CancelOptions)}.
 *
 * @param includeInvokedChildren also cancel the executions it started with {@link DurableContext#invoke}
 *                               (and theirs), which otherwise run on
 */
public record CancelOptions(boolean includeInvokedChildren) {

    /** Cancel only the execution itself. */
    public static CancelOptions defaults() {
        return new CancelOptions(false);
    }

    /** Cancel the execution and, recursively, the executions it invoked that have not ended. */
    public static CancelOptions withInvokedChildren() {
        return new CancelOptions(true);
    }
}
