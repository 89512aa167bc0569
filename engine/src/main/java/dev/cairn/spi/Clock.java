package dev.cairn.spi;

import java.time.Instant;

/**
 * The engine's source of time. Everything the engine decides by time (when a wait is due, when a retry runs,
 * when a callback times out, what {@code ctx.now()} records) reads this clock, so a virtual clock in tests
 * moves all of it at once. See {@code dev.cairn.testing.VirtualClock}.
 */
@FunctionalInterface
public interface Clock {

    /** The current instant. */
    Instant now();

    /** The system clock. */
    static Clock system() {
        return Instant::now;
    }
}
