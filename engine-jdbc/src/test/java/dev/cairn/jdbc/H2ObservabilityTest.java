package dev.cairn.jdbc;

import dev.cairn.contract.ObservabilityContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Listing and history on the embedded H2 file store. */
class H2ObservabilityTest extends ObservabilityContractTest {

    @TempDir
    Path directory;

    @Override
    protected ExecutionStore openStore() {
        return JdbcExecutionStore.h2(directory);
    }
}
