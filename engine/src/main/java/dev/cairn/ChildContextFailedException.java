package dev.cairn;

/**
 * A child context ({@link DurableContext#runInChildContext}, one attempt of {@link DurableContext#withRetry})
 * failed. The child's error is checkpointed with the child, so this is what the parent sees on every replay too.
 */
public class ChildContextFailedException extends OperationFailedException {

    /**
     * @param message     what failed
     * @param operationId the child context's operation id
     * @param error       the child's error
     */
    public ChildContextFailedException(String message, String operationId, ErrorInfo error) {
        super(message, operationId, error);
    }
}
