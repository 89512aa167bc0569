package dev.cairn.jdbc;

import dev.cairn.contract.CompositionContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Composition on the embedded H2 file store. */
class H2CompositionTest extends CompositionContractTest {

    @TempDir
    Path directory;

    @Override
    protected ExecutionStore openStore() {
        return JdbcExecutionStore.h2(directory);
    }
}
