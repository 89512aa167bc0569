package dev.cairn.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.Test;

/** The in-memory store fulfils the whole store contract. */
class InMemoryExecutionStoreTest extends ExecutionStoreContractTest {

    @Override
    protected ExecutionStore newStore() {
        ExecutionStore store = new InMemoryExecutionStore();
        store.initialize();
        return store;
    }

    @Test
    void itIsExclusive() {
        assertTrue(store.isExclusive());
    }
}
