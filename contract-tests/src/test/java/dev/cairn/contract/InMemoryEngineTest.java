package dev.cairn.contract;

import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.spi.ExecutionStore;

/** The engine's contract on the in-memory store. */
class InMemoryEngineTest extends DurableEngineContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }

    @Override
    protected ExecutionStore reopenStore(ExecutionStore previous) {
        return previous; // the same JVM: its data is all there is
    }

    @Override
    protected void closeStore(ExecutionStore store) {
        store.close();
    }
}
