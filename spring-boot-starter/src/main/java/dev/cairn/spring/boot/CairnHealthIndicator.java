package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionQuery;
import dev.cairn.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The engine's health, as {@code cairn} under {@code /actuator/health}: UP when the engine is running, its store
 * answers a read, and its lease renewals are on time; DOWN otherwise, with the reason in the details.
 *
 * <p>The engine renews its leases every third of the lease duration. Renewals count as late when the last one is
 * more than two thirds of a lease ago (one renewal missed: a third of the lease is left before other nodes may take
 * over executions this node still runs). The store is read with a one-row page of the execution list, which an index
 * serves whatever the size of the tables. Details: {@code lastLeaseRenewal}, {@code sinceLastLeaseRenewal},
 * {@code leaseDuration}, and {@code store} ({@code reachable}, or the error).
 */
public final class CairnHealthIndicator implements HealthIndicator {

    private final DurableEngine engine;
    private final Duration leaseDuration;
    private final Clock leaseClock;

    /**
     * A health indicator on the real clock, which is the engine's lease clock unless a test changed it.
     *
     * @param engine        the engine
     * @param leaseDuration the engine's lease duration ({@code cairn.lease-duration})
     */
    public CairnHealthIndicator(DurableEngine engine, Duration leaseDuration) {
        this(engine, leaseDuration, Clock.system());
    }

    /**
     * A health indicator reading the time from {@code leaseClock}, which must be the engine's lease clock.
     *
     * @param engine        the engine
     * @param leaseDuration the engine's lease duration
     * @param leaseClock    the engine's lease clock
     */
    public CairnHealthIndicator(DurableEngine engine, Duration leaseDuration, Clock leaseClock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
        if (leaseDuration.isZero() || leaseDuration.isNegative()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
        this.leaseClock = Objects.requireNonNull(leaseClock, "leaseClock");
    }

    /** @return the engine's health, with details */
    @Override
    public Health health() {
        Optional<Instant> lastRenewal = engine.lastLeaseRenewal();
        if (lastRenewal.isEmpty()) {
            return Health.down().withDetail("engine", "not running (not started yet, or closed)").build();
        }
        Health.Builder health = Health.up().withDetail("engine", "running");
        Duration since = Duration.between(lastRenewal.get(), leaseClock.now());
        health.withDetail("lastLeaseRenewal", lastRenewal.get().toString())
                .withDetail("sinceLastLeaseRenewal", since.toString())
                .withDetail("leaseDuration", leaseDuration.toString());
        if (since.compareTo(leaseDuration.multipliedBy(2).dividedBy(3)) > 0) {
            health.down().withDetail("leaseRenewals", "late: the last renewal was " + since.toMillis()
                    + " ms ago, renewals are due every " + leaseDuration.dividedBy(3).toMillis() + " ms");
        } else {
            health.withDetail("leaseRenewals", "on time");
        }
        try {
            engine.listExecutions(ExecutionQuery.builder().limit(1).build());
            health.withDetail("store", "reachable");
        } catch (RuntimeException e) {
            health.down().withDetail("store", "unreachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return health.build();
    }
}
