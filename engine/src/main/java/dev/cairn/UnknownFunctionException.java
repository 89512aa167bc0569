package dev.cairn;

/** A durable function name that no registered function has. */
public class UnknownFunctionException extends DurableException {

    /** @param message which name, and which are registered */
    public UnknownFunctionException(String message) {
        super(message);
    }
}
