package dev.cairn.contract;

import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.spi.ExecutionStore;

/** The failure contract on the in-memory store. */
class InMemoryFailureTest extends FailureContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }
}
