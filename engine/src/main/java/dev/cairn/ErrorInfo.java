package dev.cairn;

import java.io.PrintWriter;
import java.io.StringWriter;
import dev.cairn.internal.UserText;
import java.util.Objects;

/**
 * An error as it is checkpointed: the exception's type, message and stack trace. It is what survives a
 * restart, so it is what a replayed operation reports.
 *
 * <p>It holds only text every supported database can store: control characters other than tab and line breaks
 * (such as NUL, which PostgreSQL refuses) are escaped as {@code \\uXXXX}, lone UTF-16 surrogates are replaced by
 * U+FFFD, and the type, message and stack trace are cut to {@link #MAX_TYPE_CHARS}, {@link #MAX_MESSAGE_CHARS}
 * and {@link #MAX_STACK_TRACE_CHARS} characters.
 *
 * @param type       the fully qualified class name of the exception, or a type chosen by the caller of
 *                   {@link DurableEngine#failCallback}
 * @param message    the exception's message, possibly {@code null}
 * @param stackTrace the printed stack trace, possibly {@code null}
 */
public record ErrorInfo(String type, String message, String stackTrace) {

    /** Maximum number of characters of a stack trace that is kept. */
    public static final int MAX_STACK_TRACE_CHARS = 16_384;

    /** Maximum number of characters of a message that is kept. */
    public static final int MAX_MESSAGE_CHARS = 1_000_000;

    /** Maximum number of characters of a type that is kept. */
    public static final int MAX_TYPE_CHARS = 1_000;

    /**
     * @throws NullPointerException if {@code type} is null
     */
    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        type = UserText.storable(type, MAX_TYPE_CHARS, "... (truncated)");
        message = UserText.storable(message, MAX_MESSAGE_CHARS, "... (truncated)");
        stackTrace = UserText.storable(stackTrace, MAX_STACK_TRACE_CHARS, "\n\t... (truncated)");
    }

    /**
     * Records a throwable: its class name, message and stack trace. If printing the stack trace fails (the heap is
     * exhausted, say), the error is recorded without it.
     */
    public static ErrorInfo of(Throwable error) {
        String trace;
        try {
            StringWriter out = new StringWriter();
            error.printStackTrace(new PrintWriter(out));
            trace = out.toString();
        } catch (RuntimeException | Error e) {
            trace = null;
        }
        return new ErrorInfo(error.getClass().getName(), error.getMessage(), trace);
    }

    /** An error with a type and a message and no stack trace. */
    public static ErrorInfo of(String type, String message) {
        return new ErrorInfo(type, message, null);
    }

    /** {@code type: message}, the way a console shows it. */
    public String summary() {
        return message == null ? type : type + ": " + message;
    }
}
