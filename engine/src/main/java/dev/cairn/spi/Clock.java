package dev.cairn.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine's source of time. Everything the engine decides by time (when a wait is due, when a retry runs,
 * when a callback times out, what {@code ctx.now()} records) reads this clock, so a virtual clock in tests
 * moves all of it at once. See {@code dev.cairn.testing.VirtualClock}.
 */
@FunctionalInterface
public interface Clock {

    /** The current instant. */
    Instant now();

    /**
     * A future that completes once this clock reads {@code instant} or later: what the engine waits on when a
     * running workflow thread must notice a time coming due (an {@code anyOf} over a wait and a running step).
     *
     * <p>The default suits a clock that moves with the system clock: it completes after the wall time between
     * {@link #now()} and {@code instant}, looking again if the clock is still short of it then. A clock that moves
     * otherwise (a virtual clock) should complete it when it is moved past {@code instant}.
     *
     * @throws NullPointerException if {@code instant} is null
     */
    default CompletableFuture<Void> whenReached(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        CompletableFuture<Void> reached = new CompletableFuture<>();
        Clocks.completeWhenReached(this, instant, reached);
        return reached;
    }

    /** The system clock. */
    static Clock system() {
        return Instant::now;
    }
}

/** The wall-time scheduling behind {@link Clock#whenReached}. */
final class Clocks {

    private Clocks() {
    }

    static void completeWhenReached(Clock clock, Instant instant, CompletableFuture<Void> reached) {
        if (reached.isDone()) {
            return; // the caller no longer waits
        }
        long millis = Duration.between(clock.now(), instant).toMillis();
        if (millis <= 0 && !clock.now().isBefore(instant)) {
            reached.complete(null);
            return;
        }
        CompletableFuture.runAsync(() -> completeWhenReached(clock, instant, reached),
                CompletableFuture.delayedExecutor(Math.max(1, millis), TimeUnit.MILLISECONDS));
    }
}
