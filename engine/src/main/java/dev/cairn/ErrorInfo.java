package dev.cairn;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * An error as it is checkpointed: the exception's type, message and stack trace. It is what survives a
 * restart, so it is what a replayed operation reports.
 *
 * @param type       the fully qualified class name of the exception, or a type chosen by the caller of
 *                   {@link DurableEngine#failCallback}
 * @param message    the exception's message, possibly {@code null}
 * @param stackTrace the printed stack trace, possibly {@code null}
 */
public record ErrorInfo(String type, String message, String stackTrace) {

    /** Maximum number of characters of a stack trace that is kept. */
    public static final int MAX_STACK_TRACE_CHARS = 16_384;

    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        if (stackTrace != null && stackTrace.length() > MAX_STACK_TRACE_CHARS) {
            stackTrace = stackTrace.substring(0, MAX_STACK_TRACE_CHARS) + "\n\t... (truncated)";
        }
    }

    /** Records a throwable: its class name, message and stack trace. */
    public static ErrorInfo of(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return new ErrorInfo(error.getClass().getName(), error.getMessage(), trace.toString());
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
