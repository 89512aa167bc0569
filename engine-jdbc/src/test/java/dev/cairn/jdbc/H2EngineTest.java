package dev.cairn.jdbc;

import dev.cairn.contract.DurableEngineContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The engine's contract on the embedded H2 file store, reopened from its file on every restart. */
class H2EngineTest extends DurableEngineContractTest {

    @TempDir
    Path directory;

    @Override
    protected ExecutionStore openStore() {
        return JdbcExecutionStore.h2(directory);
    }

    @Override
    protected ExecutionStore reopenStore(ExecutionStore previous) {
        previous.close();
        return JdbcExecutionStore.h2(directory);
    }
}
