package dev.cairn.spi;

/**
 * What text a store can hold, so that the engine refuses a value the database would refuse, before anything is
 * written, instead of failing a checkpoint (and retrying it) later.
 *
 * @param maxTextBytes the largest text (a serialized input, result or output), in UTF-8 bytes, that one column
 *                     holds and one statement carries
 * @param nulAllowed   whether text may contain the NUL character (PostgreSQL's text cannot)
 */
public record StoreLimits(long maxTextBytes, boolean nulAllowed) {

    /** No limit beyond the engine's own: what an in-memory store holds. */
    public static final StoreLimits NONE = new StoreLimits(Long.MAX_VALUE, true);

    /**
     * @throws IllegalArgumentException if {@code maxTextBytes} is not positive
     */
    public StoreLimits {
        if (maxTextBytes <= 0) {
            throw new IllegalArgumentException("maxTextBytes must be positive, was " + maxTextBytes);
        }
    }
}
