package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionSummary;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ForwardingExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class CairnHealthIndicatorTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    /** A store that fails every read while {@code down} is set, as in a database outage. */
    static final class FlakyStore extends ForwardingExecutionStore {
        final AtomicBoolean down = new AtomicBoolean();

        FlakyStore() {
            super(new InMemoryExecutionStore());
        }

        private void check() {
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
        }

        @Override
        public List<DueExecution> findDue(Instant until, int limit) {
            check();
            return super.findDue(until, limit);
        }

        @Override
        public List<ExecutionSummary> listExecutions(ExecutionQuery query) {
            check();
            return super.listExecutions(query);
        }
    }

    private static DurableEngine engine(FlakyStore store, VirtualClock leaseClock) {
        return DurableEngine.builder().store(store).leaseClock(leaseClock).leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(20)).tick(Duration.ofMillis(5)).build();
    }

    @Test
    void downWhileTheEngineIsNotRunning() {
        VirtualClock leaseClock = new VirtualClock();
        DurableEngine engine = engine(new FlakyStore(), leaseClock);
        CairnHealthIndicator indicator = new CairnHealthIndicator(engine, LEASE, leaseClock);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        engine.start();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        engine.close();
        Health closed = indicator.health();
        assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
        assertThat(closed.getDetails().get("engine")).asString().contains("not running");
    }

    @Test
    void upWithDetailsWhenRunningReachableAndOnTime() {
        VirtualClock leaseClock = new VirtualClock();
        try (DurableEngine engine = engine(new FlakyStore(), leaseClock)) {
            engine.start();
            Health health = new CairnHealthIndicator(engine, LEASE, leaseClock).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("engine", "running").containsEntry("store", "reachable")
                    .containsEntry("leaseRenewals", "on time").containsEntry("leaseDuration", "PT30S")
                    .containsEntry("lastLeaseRenewal", leaseClock.now().toString());
        }
    }

    @Test
    void downWhenTheStoreFailsAndRenewalsFallBehind() {
        VirtualClock leaseClock = new VirtualClock();
        FlakyStore store = new FlakyStore();
        try (DurableEngine engine = engine(store, leaseClock)) {
            engine.start();
            CairnHealthIndicator indicator = new CairnHealthIndicator(engine, LEASE, leaseClock);
            store.down.set(true);
            leaseClock.advance(LEASE); // the scheduler cannot renew while every read fails
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("leaseRenewals")).asString().startsWith("late");
            assertThat(health.getDetails().get("store")).asString().contains("connection refused");

            store.down.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().equals(Status.UP));
        }
    }

    @Test
    void renewalsLessThanTwoThirdsOfALeaseAgoAreOnTime() {
        VirtualClock leaseClock = new VirtualClock();
        FlakyStore store = new FlakyStore();
        try (DurableEngine engine = engine(store, leaseClock)) {
            engine.start();
            CairnHealthIndicator indicator = new CairnHealthIndicator(engine, LEASE, leaseClock);
            store.down.set(true);
            leaseClock.advance(LEASE.multipliedBy(2).dividedBy(3));
            assertThat(indicator.health().getDetails()).containsEntry("leaseRenewals", "on time");
            leaseClock.advance(Duration.ofMillis(1));
            assertThat(indicator.health().getDetails().get("leaseRenewals")).asString().startsWith("late");
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class, CairnHealthAutoConfiguration.class))
            .withBean(InMemoryExecutionStore.class, InMemoryExecutionStore::new)
            .withPropertyValues("cairn.jdbc.embedded-directory=target/unused-" + UUID.randomUUID());

    @Test
    void theIndicatorIsConfiguredWhenHealthSupportIsOnTheClassPath() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(CairnHealthIndicator.class).hasBean("cairnHealthIndicator");
            assertThat(context.getBean(CairnHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void noIndicatorWithoutHealthSupportOrWhenDisabled() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasSingleBean(DurableEngine.class)
                        .doesNotHaveBean(CairnHealthIndicator.class));
        runner.withPropertyValues("management.health.cairn.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CairnHealthIndicator.class));
    }

    @Test
    void anEngineOfTheApplicationsOwnGetsTheIndicatorToo() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class, CairnHealthAutoConfiguration.class))
                .withBean("myEngine", DurableEngine.class,
                        () -> DurableEngine.builder().store(new InMemoryExecutionStore()).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(CairnHealthIndicator.class);
                    assertThat(context.getBean(CairnHealthIndicator.class).health().getStatus())
                            .as("the application has not started its engine").isEqualTo(Status.DOWN);
                });
    }
}
