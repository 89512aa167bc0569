package dev.cairn;

/**
 * A callback was failed by the external system through {@link DurableEngine#failCallback}, or its submitter
 * failed. Thrown from {@link DurableCallback#result()} and {@link DurableContext#waitForCallback}.
 */
public class CallbackFailedException extends DurableException {

    private final String callbackId;
    private final ErrorInfo error;

    /**
     * @param message    what happened
     * @param callbackId the callback
     * @param error      the error it was failed with
     */
    public CallbackFailedException(String message, String callbackId, ErrorInfo error) {
        super(message);
        this.callbackId = callbackId;
        this.error = error;
    }

    /** The callback's id. */
    public String callbackId() {
        return callbackId;
    }

    /** The error type and message the callback was failed with. */
    public ErrorInfo error() {
        return error;
    }
}
