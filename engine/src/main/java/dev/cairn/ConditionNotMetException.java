package dev.cairn;

/** {@link DurableContext#waitForCondition} polled its maximum number of times and the condition was not met. */
public class ConditionNotMetException extends OperationFailedException {

    private final String lastState;

    /**
     * @param message   what was waited for and how often it was polled
     * @param lastState the serialized last state
     */
    public ConditionNotMetException(String message, String lastState) {
        this(message, null, lastState);
    }

    /**
     * @param message     what was waited for and how often it was polled
     * @param operationId the waitForCondition's operation id, or {@code null}
     * @param lastState   the serialized last state
     */
    public ConditionNotMetException(String message, String operationId, String lastState) {
        super(message, operationId, ErrorInfo.of(ConditionNotMetException.class.getName(), message));
        this.lastState = lastState;
    }

    /** The last state, serialized. */
    public String lastState() {
        return lastState;
    }
}
