package dev.cairn.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link VirtualClock} and {@link Clock#whenReached}: a time comes when the clock is moved there. */
class VirtualClockTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void movesOnlyForward() {
        VirtualClock clock = new VirtualClock(T0);
        assertEquals(T0.plusSeconds(5), clock.advance(Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> clock.set(T0));
        clock.set(T0.plusSeconds(9));
        assertEquals(T0.plusSeconds(9), clock.now());
    }

    @Test
    void whenReachedCompletesWhenTheClockIsMovedToTheInstantOrPastIt() {
        VirtualClock clock = new VirtualClock(T0);
        CompletableFuture<Void> at5 = clock.whenReached(T0.plusSeconds(5));
        CompletableFuture<Void> at10 = clock.whenReached(T0.plusSeconds(10));
        assertFalse(at5.isDone());

        clock.advance(Duration.ofSeconds(4));
        assertFalse(at5.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(at5.isDone());
        assertFalse(at10.isDone());

        clock.set(T0.plusSeconds(60));
        assertTrue(at10.isDone());
        assertTrue(clock.whenReached(T0).isDone(), "a time already passed has come");
    }

    @Test
    void aCancelledWaitIsDroppedAndTheOthersStillCome() {
        VirtualClock clock = new VirtualClock(T0);
        CompletableFuture<Void> dropped = clock.whenReached(T0.plusSeconds(5));
        CompletableFuture<Void> kept = clock.whenReached(T0.plusSeconds(5));
        dropped.cancel(false);
        clock.advance(Duration.ofSeconds(5));
        assertTrue(dropped.isCancelled());
        assertTrue(kept.isDone() && !kept.isCompletedExceptionally());
    }

    @Test
    void theDefaultWhenReachedFollowsWallTimeForAClockThatMovesWithIt() {
        Clock system = Clock.system();
        CompletableFuture<Void> soon = system.whenReached(Instant.now().plusMillis(200));
        assertFalse(soon.isDone());
        await().atMost(Duration.ofSeconds(5)).until(soon::isDone);
        assertTrue(system.whenReached(Instant.now().minusSeconds(1)).isDone());
    }
}
