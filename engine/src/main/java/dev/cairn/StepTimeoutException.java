package dev.cairn;

/**
 * A step's attempt ran longer than its {@link dev.cairn.config.StepConfig.Builder#timeout(java.time.Duration)
 * timeout}. It is the error of that attempt, and goes through the step's retry strategy like any failure; the
 * body's thread was interrupted and abandoned.
 */
public class StepTimeoutException extends DurableException {

    /** @param message which attempt of which step, and the timeout */
    public StepTimeoutException(String message) {
        super(message);
    }
}
