package dev.cairn.spi;

import dev.cairn.DurableException;

/**
 * The database refused a write for what it contains (a value too long for its column, a character its encoding
 * cannot hold, a constraint), not because it could not be reached: the same write fails again however often it
 * is retried. Nothing of the refused transaction was written.
 *
 * <p>A store throws it so that the engine can fail that one write, and only it, instead of retrying it: the
 * engine's group commit then writes the other writes of the same batch on their own, and the execution whose
 * write was refused ends {@code FAILED} with this message. Its message names the operation and the reason, never
 * the values.
 */
public class WriteRejectedException extends DurableException {

    /** @param message what was refused and why, without the values */
    public WriteRejectedException(String message) {
        super(message);
    }

    /** @param message what was refused and why, without the values @param cause the database's error */
    public WriteRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
