package dev.cairn;

/**
 * The error recorded for an {@link dev.cairn.config.StepSemantics#AT_MOST_ONCE_PER_RETRY} attempt that had
 * started but not finished when its JVM stopped. It goes through the step's retry strategy like any failure.
 */
public class StepInterruptedException extends DurableException {

    /** @param message which attempt of which step */
    public StepInterruptedException(String message) {
        super(message);
    }
}
