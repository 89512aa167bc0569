package dev.cairn.internal.schedule;

import dev.cairn.spi.ExecutionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one node: it renews, every third of a lease, the leases of the executions the node is running
 * (and of those it is about to claim again), and only those, so that an execution it holds but no longer runs is
 * taken over once its lease runs out; and, at every poll, it hands the running executions whose owner's lease ran
 * out to the dispatcher, which claims them. Both run on the scheduler's thread, on the lease clock (real time).
 */
final class LeaseRenewer {

    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
    private static final int BATCH = 500;

    private final ExecutionStore store;
    private final String nodeId;
    private final Duration lease;
    private final Supplier<Set<String>> held;
    private final Predicate<String> dispatch;
    private final dev.cairn.internal.Listeners listeners;
    /** Written by the scheduler's thread, read by health checks. */
    private volatile Instant lastRenewal;

    LeaseRenewer(ExecutionStore store, String nodeId, Duration lease, Supplier<Set<String>> held,
            Predicate<String> dispatch, dev.cairn.internal.Listeners listeners) {
        this.listeners = listeners;
        this.store = store;
        this.nodeId = nodeId;
        this.lease = lease;
        this.held = held;
        this.dispatch = dispatch;
    }

    void start(Instant leaseNow) {
        lastRenewal = leaseNow;
    }

    /** Renews the held leases if a third of a lease has passed since the last renewal that succeeded. */
    void renewIfDue(Instant leaseNow) {
        if (leaseNow.isBefore(lastRenewal.plus(lease.dividedBy(3)))) {
            return;
        }
        Set<String> executions = held.get();
        if (!executions.isEmpty()) {
            store.renewLeases(nodeId, executions, leaseNow.plus(lease));
        }
        lastRenewal = leaseNow;
    }

    /**
     * When the last renewal pass succeeded (a pass with no lease to renew counts), on the lease clock; the start
     * time until the first one, {@code null} before {@link #start}.
     */
    Instant lastRenewal() {
        return lastRenewal;
    }

    /** Hands the executions whose owner's lease ran out to the dispatcher. */
    void takeOverExpired(Instant leaseNow) {
        for (String id : store.findExpiredLeases(leaseNow, BATCH)) {
            if (dispatch.test(id)) {
                log.info("execution {}: its owner's lease ran out; taking it over", id);
                listeners.leaseTakenOver(id);
            }
        }
    }
}
