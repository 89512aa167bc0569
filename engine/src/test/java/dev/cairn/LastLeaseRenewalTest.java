package dev.cairn;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ForwardingExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LastLeaseRenewalTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    /** A store whose reads of due executions fail while {@code down} is set, as in a database outage. */
    static final class FlakyStore extends ForwardingExecutionStore {
        final AtomicBoolean down = new AtomicBoolean();

        FlakyStore() {
            super(new InMemoryExecutionStore());
        }

        @Override
        public List<DueExecution> findDue(Instant until, int limit) {
            if (down.get()) {
                throw new IllegalStateException("the store is down");
            }
            return super.findDue(until, limit);
        }
    }

    private static DurableEngine engine(FlakyStore store, VirtualClock leaseClock) {
        return DurableEngine.builder().store(store).leaseClock(leaseClock).leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(20)).tick(Duration.ofMillis(5)).build();
    }

    @Test
    void isEmptyBeforeStartAndAfterClose() {
        VirtualClock leaseClock = new VirtualClock();
        DurableEngine engine = engine(new FlakyStore(), leaseClock);
        assertEquals(Optional.empty(), engine.lastLeaseRenewal());
        engine.start();
        assertEquals(Optional.of(leaseClock.now()), engine.lastLeaseRenewal(), "the start counts until the first pass");
        engine.close();
        assertEquals(Optional.empty(), engine.lastLeaseRenewal());
    }

    @Test
    void movesWithEachRenewalPass() {
        VirtualClock leaseClock = new VirtualClock();
        try (DurableEngine engine = engine(new FlakyStore(), leaseClock)) {
            engine.start();
            Instant renewalDue = leaseClock.advance(LEASE.dividedBy(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.lastLeaseRenewal().equals(Optional.of(renewalDue)));
            leaseClock.advance(LEASE.dividedBy(6));
            Instant later = leaseClock.advance(LEASE.dividedBy(6));
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.lastLeaseRenewal().equals(Optional.of(later)));
        }
    }

    @Test
    void staysAtTheLastSuccessWhileTheStoreFails() throws Exception {
        VirtualClock leaseClock = new VirtualClock();
        FlakyStore store = new FlakyStore();
        try (DurableEngine engine = engine(store, leaseClock)) {
            engine.start();
            Instant before = leaseClock.now();
            store.down.set(true);
            leaseClock.advance(LEASE.multipliedBy(2));
            // Let the scheduler run many passes against the failing store; none of them renews.
            long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (System.nanoTime() < deadline) {
                assertEquals(Optional.of(before), engine.lastLeaseRenewal());
                Thread.onSpinWait();
            }
            store.down.set(false);
            Instant back = leaseClock.now();
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.lastLeaseRenewal().equals(Optional.of(back)));
            assertTrue(engine.lastLeaseRenewal().orElseThrow().isAfter(before));
        }
    }
}
