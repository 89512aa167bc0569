package dev.cairn;

/** {@link DurableContext#waitForCondition} polled its maximum number of times and the condition was not met. */
public class ConditionNotMetException extends DurableException {

    private final String lastState;

    /**
     * @param message   what was waited for and how often it was polled
     * @param lastState the serialized last state
     */
    public ConditionNotMetException(String message, String lastState) {
        super(message);
        this.lastState = lastState;
    }

    /** The last state, serialized. */
    public String lastState() {
        return lastState;
    }
}
