package dev.cairn.jdbc;

import dev.cairn.contract.CompositionContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Composition on PostgreSQL at 127.0.0.1:5432. */
class PostgresCompositionTest extends CompositionContractTest {

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
