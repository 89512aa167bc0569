package dev.cairn.jdbc;

import dev.cairn.contract.PortingContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** What code ported from the AWS durable SDK relies on, on the embedded H2 file store. */
class H2PortingTest extends PortingContractTest {

    @TempDir
    Path directory;

    @Override
    protected ExecutionStore openStore() {
        return JdbcExecutionStore.h2(directory);
    }
}
