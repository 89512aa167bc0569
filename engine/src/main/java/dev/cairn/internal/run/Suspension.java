package dev.cairn.internal.run;

import java.time.Instant;

/**
 * Unwinds a durable function when its execution cannot make progress: a wait not due, a callback not completed,
 * a retry backing off. It is an {@link Error} so that {@code catch (Exception e)} in user code does not swallow
 * it; a function that catches it anyway is still suspended, because the run remembers that it suspended.
 */
public final class Suspension extends Error {

    /** When the execution becomes due again; {@code null} when only a callback can wake it. */
    public final transient Instant wakeAt;

    Suspension(Instant wakeAt) {
        super("execution suspended", null, false, false);
        this.wakeAt = wakeAt;
    }
}
