package dev.cairn;

/**
 * A callback was completed, failed or heartbeated after it had already been completed, failed or timed out,
 * or after its execution ended. The first outcome stands.
 */
public class CallbackAlreadyCompletedException extends DurableException {

    private final String callbackId;
    private final CallbackStatus status;

    /**
     * @param callbackId the callback
     * @param status     its status, which did not change
     * @param message    what happened
     */
    public CallbackAlreadyCompletedException(String callbackId, CallbackStatus status, String message) {
        super(message);
        this.callbackId = callbackId;
        this.status = status;
    }

    /** The callback. */
    public String callbackId() {
        return callbackId;
    }

    /** The status it already had. */
    public CallbackStatus status() {
        return status;
    }
}
