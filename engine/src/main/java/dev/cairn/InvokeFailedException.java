package dev.cairn;

/**
 * A durable function started with {@link DurableContext#invoke} ended without a result: it failed, was
 * cancelled or timed out. {@link #error()} holds the child's error.
 */
public class InvokeFailedException extends DurableException {

    private final String childExecutionId;
    private final ExecutionStatus childStatus;
    private final ErrorInfo error;

    /**
     * @param message          what happened
     * @param childExecutionId the child execution
     * @param childStatus      its terminal status
     * @param error            its error
     */
    public InvokeFailedException(String message, String childExecutionId, ExecutionStatus childStatus, ErrorInfo error) {
        super(message);
        this.childExecutionId = childExecutionId;
        this.childStatus = childStatus;
        this.error = error;
    }

    /** The child execution's id. */
    public String childExecutionId() {
        return childExecutionId;
    }

    /** FAILED, CANCELLED or TIMED_OUT. */
    public ExecutionStatus childStatus() {
        return childStatus;
    }

    /** The child's error. */
    public ErrorInfo error() {
        return error;
    }
}
