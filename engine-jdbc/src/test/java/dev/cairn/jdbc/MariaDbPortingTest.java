package dev.cairn.jdbc;

import dev.cairn.contract.PortingContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** What code ported from the AWS durable SDK relies on, on MariaDB at 127.0.0.1:3306. */
class MariaDbPortingTest extends PortingContractTest {

    private static ServerStore server;

    @BeforeAll
    static void connect() {
        server = ServerStore.mariaDb();
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
