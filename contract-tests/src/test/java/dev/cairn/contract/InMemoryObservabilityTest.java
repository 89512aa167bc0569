package dev.cairn.contract;

import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;

/** Listing and history on the in-memory store. */
class InMemoryObservabilityTest extends ObservabilityContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }
}
