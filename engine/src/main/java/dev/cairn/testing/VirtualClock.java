package dev.cairn.testing;

import dev.cairn.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to, for testing time-dependent workflows without sleeping: pass it to
 * {@code DurableEngine.builder().clock(...)}, then {@link #advance(Duration)} past a wait, a retry backoff or a
 * callback timeout, and the engine's scheduler fires what became due on its next tick. A workflow thread that
 * waits for a time while other work runs ({@link #whenReached}) is woken by the move itself.
 */
public final class VirtualClock implements Clock {

    private final AtomicReference<Instant> now;
    /** The futures of {@link #whenReached} not completed yet. */
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Instant instant, CompletableFuture<Void> reached) {
    }

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
        Instant moved = now.updateAndGet(t -> t.plus(duration));
        wake();
        return moved;
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
        wake();
    }

    /** Completes when this clock is moved to {@code instant} or past it (at once if it is there already). */
    @Override
    public CompletableFuture<Void> whenReached(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        CompletableFuture<Void> reached = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.removeIf(w -> w.reached().isDone());
            waiters.add(new Waiter(instant, reached));
        }
        wake();
        return reached;
    }

    private void wake() {
        List<CompletableFuture<Void>> due = new ArrayList<>();
        synchronized (waiters) {
            Instant t = now.get();
            waiters.removeIf(w -> {
                if (!w.instant().isAfter(t)) {
                    due.add(w.reached());
                    return true;
                }
                return w.reached().isDone();
            });
        }
        due.forEach(f -> f.complete(null)); // outside the lock: a dependent action may read or move the clock
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now.get() + "]";
    }
}
