package dev.cairn;

/**
 * A callback was not completed before its timeout, or went longer than its heartbeat timeout without a
 * heartbeat. Thrown from {@link DurableCallback#result()}; a workflow can catch it and compensate.
 */
public class CallbackTimeoutException extends CallbackFailedException {

    /**
     * @param message    what happened
     * @param callbackId the callback
     * @param error      the recorded timeout error
     */
    public CallbackTimeoutException(String message, String callbackId, ErrorInfo error) {
        this(message, callbackId, null, error);
    }

    /**
     * @param message     what happened
     * @param callbackId  the callback
     * @param operationId the callback's operation, or {@code null}
     * @param error       the timeout error
     */
    public CallbackTimeoutException(String message, String callbackId, String operationId, ErrorInfo error) {
        super(message, callbackId, operationId, error);
    }
}
