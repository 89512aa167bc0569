package dev.cairn.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.DurableEngine;
import dev.cairn.testing.InMemoryExecutionStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What an engine does with its store when it starts and closes. */
class EngineLifecycleTest {

    private static final class CountingStore extends ForwardingStore {
        final AtomicInteger closes = new AtomicInteger();

        CountingStore() {
            super(new InMemoryExecutionStore());
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void anEngineClosesAStoreItOwnsAndLeavesAStoreItWasGiven() {
        CountingStore owned = new CountingStore();
        DurableEngine first = DurableEngine.builder().ownStore(owned).build();
        first.start();
        first.close();
        first.close();
        assertEquals(1, owned.closes.get(), "closed once, when the engine closed");

        CountingStore given = new CountingStore();
        DurableEngine second = DurableEngine.builder().store(given).build();
        second.start();
        second.close();
        assertEquals(0, given.closes.get(), "a store the engine was given is the caller's to close");
    }
}
