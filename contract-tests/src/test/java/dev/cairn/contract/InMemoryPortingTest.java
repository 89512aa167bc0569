package dev.cairn.contract;

import dev.cairn.spi.ExecutionStore;
import dev.cairn.testing.InMemoryExecutionStore;

/** What code ported from the AWS durable SDK relies on, on the in-memory store. */
class InMemoryPortingTest extends PortingContractTest {

    @Override
    protected ExecutionStore openStore() {
        return new InMemoryExecutionStore();
    }
}
