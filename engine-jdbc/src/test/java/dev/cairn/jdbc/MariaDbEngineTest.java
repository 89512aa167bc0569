package dev.cairn.jdbc;

import dev.cairn.contract.DurableEngineContractTest;
import dev.cairn.spi.ExecutionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine's contract on MariaDB at 127.0.0.1:3306. */
class MariaDbEngineTest extends DurableEngineContractTest {

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

    @Override
    protected ExecutionStore reopenStore(ExecutionStore previous) {
        previous.close();
        return server.reopen();
    }
}
