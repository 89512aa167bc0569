package dev.cairn;

/**
 * A durable function started with {@link DurableContext#invoke} ended without a result: it failed, was
 * cancelled or timed out. {@link #error()} holds the child's error.
 */
public class InvokeFailedException extends OperationFailedException {

    private final String childExecutionId;
    private final ExecutionStatus childStatus;

    /**
     * @param message          what happened
     * @param childExecutionId the child execution
     * @param childStatus      its terminal status
     * @param error            its error
     */
    public InvokeFailedException(String message, String childExecutionId, ExecutionStatus childStatus, ErrorInfo error) {
        this(message, null, childExecutionId, childStatus, error);
    }

    /**
     * @param message          what happened
     * @param operationId      the invoke operation's id, or {@code null}
     * @param childExecutionId the child execution
     * @param childStatus      its terminal status
     * @param error            its error
     */
    public InvokeFailedException(String message, String operationId, String childExecutionId,
            ExecutionStatus childStatus, ErrorInfo error) {
        super(message, operationId, error);
        this.childExecutionId = childExecutionId;
        this.childStatus = childStatus;
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
    @Override
    public ErrorInfo error() {
        return super.error();
    }
}
