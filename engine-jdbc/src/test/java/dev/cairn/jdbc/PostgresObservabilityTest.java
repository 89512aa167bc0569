package dev.cairn.jdbc;

import dev.cairn.contract.ObservabilityContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Listing and history on PostgreSQL at 127.0.0.1:5432. */
class PostgresObservabilityTest extends ObservabilityContractTest {

    private static ServerStore server;

    @BeforeAll
    static void connect() {
        server = ServerStore.postgres();
    }

    @AfterAll
    static void disconnect() {
        server.close();
    }

    @Override
    protected ExecutionStore openStore() {
        return server.fresh();
    }
}
