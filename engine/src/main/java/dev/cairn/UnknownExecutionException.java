package dev.cairn;

import dev.cairn.internal.UserText;

/** No execution has the given id. */
public class UnknownExecutionException extends DurableException {

    /** @param executionId the id that was not found */
    public UnknownExecutionException(String executionId) {
        super("no execution has id '" + UserText.quote(executionId) + "'");
    }
}
