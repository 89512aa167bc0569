package dev.cairn;

import dev.cairn.internal.UserText;

/** No callback has the given id. */
public class UnknownCallbackException extends DurableException {

    private final String callbackId;

    /** @param callbackId the id that was not found */
    public UnknownCallbackException(String callbackId) {
        super("no callback has id '" + UserText.quote(callbackId) + "': check that the id was passed on unchanged"
                + " (callback ids are case-sensitive)");
        this.callbackId = callbackId;
    }

    /** The id that was not found. */
    public String callbackId() {
        return callbackId;
    }
}
