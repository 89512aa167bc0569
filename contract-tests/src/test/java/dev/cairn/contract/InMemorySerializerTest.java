package dev.cairn.contract;

import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;

/** Per-operation serializers on the in-memory store. */
class InMemorySerializerTest extends SerializerContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }
}
