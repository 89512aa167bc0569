package dev.cairn.console.internal;

/** A request the console cannot act on as sent: answered with 400 and this message. */
public final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the request and what would be right */
    public BadRequestException(String message) {
        super(message);
    }
}
