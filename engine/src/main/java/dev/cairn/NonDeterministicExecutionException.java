package dev.cairn;

/**
 * On replay, an operation did not match its checkpoint: the code changed under a running execution. The
 * execution is marked FAILED with this error and is never retried; start a new execution to run the new code.
 */
public class NonDeterministicExecutionException extends DurableException {

    private final String executionId;
    private final String operationId;

    /**
     * @param executionId the execution
     * @param operationId the operation whose checkpoint did not match
     * @param message     what was recorded and what was called
     */
    public NonDeterministicExecutionException(String executionId, String operationId, String message) {
        super(message);
        this.executionId = executionId;
        this.operationId = operationId;
    }

    /** The execution. */
    public String executionId() {
        return executionId;
    }

    /** The operation whose checkpoint did not match. */
    public String operationId() {
        return operationId;
    }
}
