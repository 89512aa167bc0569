package dev.cairn;

/**
 * A child context ({@link DurableContext#runInChildContext}, one attempt of {@link DurableContext#withRetry})
 * failed. The child's error is checkpointed with the child, so this is what the parent sees on every replay too.
 */
public class ChildContextFailedException extends DurableException {

    private final String operationId;
    private final ErrorInfo error;

    /**
     * @param message     what failed
     * @param operationId the child context's operation id
     * @param error       the child's error
     */
    public ChildContextFailedException(String message, String operationId, ErrorInfo error) {
        super(message);
        this.operationId = operationId;
        this.error = error;
    }

    /** The child context's operation id. */
    public String operationId() {
        return operationId;
    }

    /** What the child threw: its type, message and stack trace. */
    public ErrorInfo error() {
        return error;
    }
}
