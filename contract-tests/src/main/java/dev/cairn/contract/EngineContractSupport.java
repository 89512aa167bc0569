package dev.cairn.contract;

import static org.awaitility.Awaitility.await;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.UnknownExecutionException;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the engine contract tests share: a store per test, engines on a {@link VirtualClock} with a fast tick,
 * closed after each test, and the usual waits. Subclasses say how to open a store.
 */
public abstract class EngineContractSupport {

    /** For subclasses, one per store. */
    protected EngineContractSupport() {
    }

    /** A fresh, empty store, once per test. */
    protected abstract ExecutionStore openStore();

    protected static final Duration RESULT_TIMEOUT = Duration.ofSeconds(30);
    protected static final StepConfig NO_RETRY = StepConfig.builder().retryStrategy(RetryStrategies.none()).build();

    protected VirtualClock clock;
    protected ExecutionStore store;
    private final List<DurableEngine> engines = new ArrayList<>();

    @BeforeEach
    void openStoreAndClock() {
        clock = new VirtualClock();
        store = openStore();
    }

    @AfterEach
    void closeEnginesAndStore() {
        engines.forEach(DurableEngine::close);
        store.close();
    }

    /** A builder on the test's store and clock, with a fast tick and poll. */
    protected DurableEngine.Builder builder() {
        return builderOn(store);
    }

    /** A builder on another store (one that wraps the test's, say), with the test's clock, tick and poll. */
    protected DurableEngine.Builder builderOn(ExecutionStore on) {
        return DurableEngine.builder().store(on).clock(clock).tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100)).shutdownGrace(Duration.ofMillis(500));
    }

    /** Builds and starts an engine, closed after the test. */
    protected DurableEngine started(DurableEngine.Builder builder) {
        DurableEngine engine = builder.build();
        engines.add(engine);
        engine.start();
        return engine;
    }

    protected static void awaitStatus(DurableEngine engine, String id, ExecutionStatus status) {
        await().atMost(RESULT_TIMEOUT).pollInterval(Duration.ofMillis(10)).ignoreException(UnknownExecutionException.class)
                .until(() -> engine.describe(id).status() == status);
    }

    protected static <T> ExecutionHandle<T> start(DurableEngine engine, String fn, Object input, Class<T> type) {
        return engine.startExecution(fn, input, type, StartOptions.defaults());
    }
}
