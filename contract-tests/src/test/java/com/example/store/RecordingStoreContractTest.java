package com.example.store;

import dev.cairn.contract.ExecutionStoreContractTest;
import dev.cairn.spi.ExecutionStore;

/**
 * How the author of another {@link ExecutionStore} checks it, from outside Cairn's packages: extend the contract with
 * a fresh, initialized store per test. The engine contracts ({@code DurableEngineContractTest},
 * {@code CompositionContractTest}, {@code FailureContractTest}) are extended the same way.
 */
class RecordingStoreContractTest extends ExecutionStoreContractTest {

    @Override
    protected ExecutionStore newStore() {
        ExecutionStore store = new RecordingStore();
        store.initialize();
        return store;
    }
}
