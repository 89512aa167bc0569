package dev.cairn.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CairnMetricsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final MockClock registryClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, registryClock);
    private final VirtualClock clock = new VirtualClock();
    private final AtomicInteger charges = new AtomicInteger();
    private CairnMetrics metrics;
    private DurableEngine engine;

    @BeforeEach
    void startEngine() {
        metrics = CairnMetrics.builder(registry).statusCountInterval(Duration.ofMinutes(1)).build();
        StepConfig retried = StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofSeconds(10)))
                .build();
        engine = DurableEngine.builder()
                .store(new InMemoryExecutionStore())
                .clock(clock)
                .tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100))
                .listener(metrics)
                .register("flaky", String.class, String.class, (in, ctx) -> ctx.step("charge", String.class, s -> {
                    if (charges.incrementAndGet() == 1) {
                        throw new IllegalStateException("declined");
                    }
                    return "paid " + in;
                }, retried))
                .register("napper", String.class, String.class, (in, ctx) -> {
                    ctx.wait("nap", Duration.ofSeconds(20));
                    return "rested " + in;
                })
                .register("broken", String.class, String.class, (in, ctx) -> ctx.step("refuse", String.class, s -> {
                    throw new IllegalArgumentException("no " + in);
                }, StepConfig.builder().retryStrategy(RetryStrategies.none()).build()))
                .build();
        metrics.bindTo(engine);
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private Timer timer(String name, String... tags) {
        Timer timer = registry.find(name).tags(tags).timer();
        assertNotNull(timer, "a timer " + name + " " + List.of(tags) + " in " + names());
        return timer;
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        registry.forEachMeter(m -> names.add(m.getId().getName() + m.getId().getTags()));
        return names;
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private void awaitStatus(ExecutionHandle<?> h, ExecutionStatus status) {
        Awaitility.await().atMost(TIMEOUT).until(() -> h.status() == status);
    }

    @Test
    void aStepThatFailsThenSucceedsAWaitAndAFailedExecutionAreCountedAndTimedByFunctionAndOutcome() {
        double before = gauge("cairn.executions.stored", "status", "SUCCEEDED");
        assertEquals(0, before, "nothing stored yet");

        ExecutionHandle<String> flaky = engine.startExecution("flaky", "order-1", String.class, StartOptions.defaults());
        ExecutionHandle<String> napper = engine.startExecution("napper", "x", String.class, StartOptions.defaults());
        awaitStatus(flaky, ExecutionStatus.SUSPENDED);
        awaitStatus(napper, ExecutionStatus.SUSPENDED);
        Awaitility.await().atMost(TIMEOUT).until(() -> gauge("cairn.timers.pending") == 2);

        clock.advance(Duration.ofSeconds(15)); // the retry was due at 10 s: 5 s late
        assertEquals("paid order-1", flaky.result(TIMEOUT));
        clock.advance(Duration.ofSeconds(12)); // the wait was due at 20 s: 7 s late
        assertEquals("rested x", napper.result(TIMEOUT));
        ExecutionHandle<String> broken = engine.startExecution("broken", "y", String.class, StartOptions.defaults());
        assertThrows(ExecutionFailedException.class, () -> broken.result(TIMEOUT));
        Awaitility.await().atMost(TIMEOUT).until(() -> count("cairn.executions.ended", "function", "broken") == 1);

        assertEquals(1, count("cairn.executions.started", "function", "flaky"));
        assertEquals(1, count("cairn.executions.resumed", "function", "flaky"));
        assertEquals(1, count("cairn.executions.suspended", "function", "flaky"));
        assertEquals(1, count("cairn.executions.ended", "function", "flaky", "status", "SUCCEEDED"));
        assertEquals(1, count("cairn.executions.ended", "function", "napper", "status", "SUCCEEDED"));
        assertEquals(1, count("cairn.executions.ended", "function", "broken", "status", "FAILED"));
        assertEquals(0, count("cairn.executions.resumed", "function", "broken"));
        assertEquals(3, registry.find("cairn.executions.started").counters().stream().mapToDouble(Counter::count)
                .sum());

        assertEquals(1, count("cairn.step.attempts", "function", "flaky", "outcome", "RETRIED"));
        assertEquals(1, count("cairn.step.attempts", "function", "flaky", "outcome", "SUCCEEDED"));
        assertEquals(0, count("cairn.step.attempts", "function", "flaky", "outcome", "FAILED"));
        assertEquals(1, count("cairn.step.attempts", "function", "broken", "outcome", "FAILED"));
        assertEquals(1, timer("cairn.step.duration", "function", "flaky", "outcome", "RETRIED").count());
        assertEquals(1, timer("cairn.step.duration", "function", "flaky", "outcome", "SUCCEEDED").count());

        assertEquals(1, timer("cairn.execution.run", "function", "flaky", "status", "SUSPENDED").count());
        assertEquals(1, timer("cairn.execution.run", "function", "flaky", "status", "SUCCEEDED").count());
        assertEquals(1, timer("cairn.execution.run", "function", "broken", "status", "FAILED").count());

        Timer retryLateness = timer("cairn.timer.lateness", "function", "flaky", "operation", "STEP");
        assertEquals(1, retryLateness.count());
        assertEquals(5.0, retryLateness.totalTime(TimeUnit.SECONDS), 1e-9);
        Timer waitLateness = timer("cairn.timer.lateness", "function", "napper", "operation", "WAIT");
        assertEquals(1, waitLateness.count());
        assertEquals(7.0, waitLateness.totalTime(TimeUnit.SECONDS), 1e-9);
        assertNull(registry.find("cairn.timer.lateness").tags("function", "broken").timer(), "no timer, no lateness");

        Timer commits = timer("cairn.checkpoint.commit", "outcome", "SUCCEEDED");
        assertTrue(commits.count() >= 3, "the starts, the checkpoints and the ends were committed: " + commits.count());
        assertEquals(0, timer("cairn.checkpoint.commit", "outcome", "FAILED").count());
        var batches = registry.get("cairn.checkpoint.batch.size").summary();
        assertEquals(commits.count(), batches.count());
        assertTrue(batches.totalAmount() >= batches.count(), "at least one checkpoint per commit");

        Awaitility.await().atMost(TIMEOUT).until(() -> gauge("cairn.timers.pending") == 0);
        assertEquals(0, gauge("cairn.executions.stored", "status", "SUCCEEDED"), "cached for a minute");
        registryClock.add(Duration.ofMinutes(1));
        assertEquals(2, gauge("cairn.executions.stored", "status", "SUCCEEDED"));
        assertEquals(1, gauge("cairn.executions.stored", "status", "FAILED"));
        assertEquals(0, gauge("cairn.executions.stored", "status", "SUSPENDED"));

        List<String> ids = List.of(flaky.executionId(), napper.executionId(), broken.executionId());
        for (Meter meter : registry.getMeters()) {
            assertTrue(meter.getId().getName().startsWith("cairn."), meter.getId().getName());
            for (Tag tag : meter.getId().getTags()) {
                assertFalse(ids.stream().anyMatch(id -> tag.getValue().contains(id)), "an execution id in " + meter.getId());
            }
        }
    }

    @Test
    void theStatusCountsAreReadOncePerIntervalAndAFailedReadKeepsTheLastCounts() {
        AtomicInteger reads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        dev.cairn.spi.ExecutionStore store = new dev.cairn.spi.ForwardingExecutionStore(new InMemoryExecutionStore()) {
            @Override
            public java.util.Map<ExecutionStatus, Long> countByStatus() {
                reads.incrementAndGet();
                if (down.get()) {
                    throw new IllegalStateException("store down");
                }
                return super.countByStatus();
            }
        };
        SimpleMeterRegistry own = new SimpleMeterRegistry(SimpleConfig.DEFAULT, registryClock);
        CairnMetrics counted = CairnMetrics.builder(own).statusCountInterval(Duration.ofSeconds(30)).build();
        try (DurableEngine other = DurableEngine.builder().store(store).clock(clock).listener(counted)
                .register("echo", String.class, String.class, (in, ctx) -> in).build()) {
            counted.bindTo(other);
            other.start();
            assertEquals("a", other.startExecution("echo", "a", String.class, StartOptions.defaults()).result(TIMEOUT));
            for (ExecutionStatus status : ExecutionStatus.values()) {
                own.get("cairn.executions.stored").tags("status", status.name()).gauge().value();
            }
            assertEquals(1, own.get("cairn.executions.stored").tags("status", "SUCCEEDED").gauge().value());
            assertEquals(1, reads.get(), "one read for every status");

            down.set(true);
            registryClock.add(Duration.ofSeconds(30));
            assertEquals(1, own.get("cairn.executions.stored").tags("status", "SUCCEEDED").gauge().value(),
                    "the last counts while the store fails");
            own.get("cairn.executions.stored").tags("status", "FAILED").gauge().value();
            assertEquals(2, reads.get(), "a failed read waits for the interval too");

            assertThrows(IllegalStateException.class, () -> counted.bindTo(other));
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(NullPointerException.class, () -> CairnMetrics.create(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CairnMetrics.builder(registry).statusCountInterval(Duration.ZERO));
        assertTrue(e.getMessage().contains("statusCountInterval"), e.getMessage());
        assertThrows(NullPointerException.class, () -> CairnMetrics.create(registry).bindTo(null));
    }
}
