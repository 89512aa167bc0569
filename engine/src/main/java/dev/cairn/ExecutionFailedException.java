package dev.cairn;

/**
 * Thrown by {@link ExecutionHandle#result()} when the execution ended without a result: it failed, was
 * cancelled or timed out. {@link #error()} holds the recorded error.
 */
public class ExecutionFailedException extends DurableException {

    private final String executionId;
    private final ExecutionStatus status;
    private final ErrorInfo error;

    /**
     * @param executionId the execution
     * @param status      its terminal status
     * @param error       the recorded error
     */
    public ExecutionFailedException(String executionId, ExecutionStatus status, ErrorInfo error) {
        super("execution " + executionId + " ended " + status + (error == null ? "" : ": " + error.summary()));
        this.executionId = executionId;
        this.status = status;
        this.error = error;
    }

    /** The execution. */
    public String executionId() {
        return executionId;
    }

    /** FAILED, CANCELLED or TIMED_OUT. */
    public ExecutionStatus status() {
        return status;
    }

    /** The recorded error: its type, message and stack trace. */
    public ErrorInfo error() {
        return error;
    }
}
