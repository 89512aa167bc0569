package dev.cairn.internal.engine;

import dev.cairn.internal.run.Registration;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.util.List;

/** Everything {@code DurableEngine.builder()} collected, validated there. */
public record EngineSettings(ExecutionStore store, boolean closeStore, List<Registration> registrations,
        Serializer serializer, Clock clock, Clock leaseClock, int concurrency, int maxPayloadBytes,
        Duration leaseDuration, Duration schedulerWindow, Duration pollInterval, Duration tick, Duration shutdownGrace,
        int historyCacheSize, String nodeId, List<dev.cairn.ExecutionListener> listeners,
        List<dev.cairn.ExecutionContextPropagator> propagators) {
}
