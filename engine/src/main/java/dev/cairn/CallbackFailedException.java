package dev.cairn;

/**
 * A callback was failed by the external system through {@link DurableEngine#failCallback}, or its submitter
 * failed. Thrown from {@link DurableCallback#result()} and {@link DurableContext#waitForCallback}.
 */
public class CallbackFailedException extends OperationFailedException {

    private final String callbackId;

    /**
     * @param message    what happened
     * @param callbackId the callback
     * @param error      the error it was failed with
     */
    public CallbackFailedException(String message, String callbackId, ErrorInfo error) {
        this(message, callbackId, null, error);
    }

    /**
     * @param message     what happened
     * @param callbackId  the callback
     * @param operationId the callback's operation (or the waitForCallback's), or {@code null}
     * @param error       the error it was failed with
     */
    public CallbackFailedException(String message, String callbackId, String operationId, ErrorInfo error) {
        super(message, operationId, error);
        this.callbackId = callbackId;
    }

    /** The callback's id. */
    public String callbackId() {
        return callbackId;
    }

    /** The error type and message the callback was failed with. */
    @Override
    public ErrorInfo error() {
        return super.error();
    }
}
