package dev.cairn.testing;

import dev.cairn.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, for testing time-dependent workflows without sleeping: pass it to
 * {@code DurableEngine.builder().clock(...)}, then {@link #advance(Duration)} past a wait, a retry backoff or a
 * callback timeout, and the engine's scheduler fires what became due on its next tick.
 */
public final class VirtualClock implements Clock {

    private final AtomicReference<Instant> now;

    /** A clock standing at {@code start}. */
    public VirtualClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /** A clock standing at 2030-01-01T00:00:00Z. */
    public VirtualClock() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Override
    public Instant now() {
        return now.get();
    }

    /**
     * Moves the clock forward.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a virtual clock only moves forward; got " + duration);
        }
        return now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * Sets the clock to an instant at or after the current one.
     *
     * @throws IllegalArgumentException if {@code instant} is before the current time
     */
    public void set(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        now.updateAndGet(t -> {
            if (instant.isBefore(t)) {
                throw new IllegalArgumentException("a virtual clock only moves forward: " + instant + " is before " + t);
            }
            return instant;
        });
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now.get() + "]";
    }
}
