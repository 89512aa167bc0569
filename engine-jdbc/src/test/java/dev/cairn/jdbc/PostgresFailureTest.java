package dev.cairn.jdbc;

import dev.cairn.contract.FailureContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The failure contract on PostgreSQL at 127.0.0.1:5432. */
class PostgresFailureTest extends FailureContractTest {

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
