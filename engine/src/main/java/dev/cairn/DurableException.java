package dev.cairn;

/** The base of every exception Cairn throws. Unchecked. */
public class DurableException extends RuntimeException {

    /** An exception with a message. */
    public DurableException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public DurableException(String message, Throwable cause) {
        super(message, cause);
    }
}
