package dev.cairn.jdbc;

import dev.cairn.contract.FailureContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The failure contract on the embedded H2 file store. */
class H2FailureTest extends FailureContractTest {

    @TempDir
    Path directory;

    @Override
    protected ExecutionStore openStore() {
        return JdbcExecutionStore.h2(directory);
    }
}
