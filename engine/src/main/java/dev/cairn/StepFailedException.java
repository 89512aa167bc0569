package dev.cairn;

/**
 * A step failed and will not be retried: its retry strategy gave up, or the error was not retryable. Thrown
 * from {@link DurableContext#step} at the first run and, from the checkpoint, on every replay.
 */
public class StepFailedException extends OperationFailedException {

    private final String executionId;
    private final String stepName;
    private final int attempts;

    /**
     * @param executionId the execution
     * @param operationId the step's operation id
     * @param stepName    the step's name
     * @param attempts    how many attempts were made
     * @param error       the last attempt's error
     */
    public StepFailedException(String executionId, String operationId, String stepName, int attempts, ErrorInfo error) {
        super("step '" + stepName + "' (operation " + operationId + " of execution " + executionId + ") failed after "
                + attempts + (attempts == 1 ? " attempt: " : " attempts: ") + error.summary(), operationId, error);
        this.executionId = executionId;
        this.stepName = stepName;
        this.attempts = attempts;
    }

    /** The execution. */
    public String executionId() {
        return executionId;
    }

    /** The step's name. */
    public String stepName() {
        return stepName;
    }

    /** How many attempts were made. */
    public int attempts() {
        return attempts;
    }

    /** The last attempt's error: the type, message and stack trace of what the step threw. */
    @Override
    public ErrorInfo error() {
        return super.error();
    }
}
