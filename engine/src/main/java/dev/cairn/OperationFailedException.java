package dev.cairn;

/**
 * A durable operation ended in failure, and this is what the workflow sees of it, at the first run and, from its
 * checkpoint, on every replay: a step that gave up ({@link StepFailedException}), a child context or a
 * {@code withRetry} block ({@link ChildContextFailedException}), a callback failed or timed out
 * ({@link CallbackFailedException}), an invoked execution that ended without a result
 * ({@link InvokeFailedException}), a condition never met ({@link ConditionNotMetException}). Catch this to handle
 * any of them.
 */
public class OperationFailedException extends DurableException {

    private final String operationId;
    private final ErrorInfo error;

    /**
     * @param message     what failed
     * @param operationId the failed operation's id, or {@code null} if it is not known
     * @param error       the error recorded for it
     */
    protected OperationFailedException(String message, String operationId, ErrorInfo error) {
        super(message);
        this.operationId = operationId;
        this.error = error;
    }

    /** The failed operation's id within its execution ({@code "3"}, {@code "3-1"}), or {@code null} if unknown. */
    public String operationId() {
        return operationId;
    }

    /** The error recorded for the operation: its type, message and stack trace. */
    public ErrorInfo error() {
        return error;
    }
}
