package dev.cairn;

/**
 * How {@link DurableEngine#history(String, HistoryOptions)} reads a history.
 *
 * @param includeData whether events carry their payloads (results, inputs, outputs) and errors with their stack
 *                    traces; without, they carry neither payloads nor stack traces, but still the type and message
 *                    of an error
 */
public record HistoryOptions(boolean includeData) {

    /** Events without payloads. */
    public static final HistoryOptions DEFAULT = new HistoryOptions(false);

    /** Events with their payloads and full errors. */
    public static HistoryOptions withData() {
        return new HistoryOptions(true);
    }
}
