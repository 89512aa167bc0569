package dev.cairn.jdbc;

import dev.cairn.contract.PortingContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** What code ported from the AWS durable SDK relies on, on PostgreSQL at 127.0.0.1:5432. */
class PostgresPortingTest extends PortingContractTest {

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
