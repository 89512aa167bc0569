package dev.cairn.contract;

import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.spi.ExecutionStore;

/** Composition on the in-memory store. */
class InMemoryCompositionTest extends CompositionContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }
}
