package dev.cairn.jdbc;

import dev.cairn.contract.SerializerContractTest;
import dev.cairn.spi.ExecutionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Per-operation serializers on the embedded H2 file store, reopened from its file on a restart. */
class H2SerializerTest extends SerializerContractTest {

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
