package dev.cairn;

/**
 * {@link DurableEngine#startExecution} was given a name that an existing execution has, with a different
 * input (or function). Starting the same name with the same input returns the existing execution instead.
 */
public class ExecutionAlreadyExistsException extends DurableException {

    private final String name;
    private final String existingExecutionId;

    /**
     * @param name                the name
     * @param existingExecutionId the execution that holds it
     * @param message             what differs
     */
    public ExecutionAlreadyExistsException(String name, String existingExecutionId, String message) {
        super(message);
        this.name = name;
        this.existingExecutionId = existingExecutionId;
    }

    /** The contested name. */
    public String name() {
        return name;
    }

    /** The id of the execution that holds the name. */
    public String existingExecutionId() {
        return existingExecutionId;
    }
}
