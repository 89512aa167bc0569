package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackStatus;
import dev.cairn.ExecutionStatus;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.contract.ExecutionStoreContractTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The store contract, plus what is particular to the JDBC store: migrations, the schema check, table prefixes.
 * The extra tests use their own random table prefixes on {@link #dataSource()} and drop their tables.
 */
abstract class JdbcStoreTestBase extends ExecutionStoreContractTest {

    /** A data source on the database under test, where tables of any prefix may be created and dropped. */
    protected abstract DataSource dataSource();

    @Test
    void initializingTwiceMigratesOnceAndRecordsTheVersion() throws SQLException {
        String prefix = TestDatabases.randomPrefix();
        try {
            JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build();
            s.initialize();
            s.initialize();
            assertEquals(allVersions(), versions(prefix));
            assertEquals(prefix, s.tablePrefix());
            assertTrue(s.createExecution(pending("e1")).created());
            s.close();
            assertEquals(allVersions(), versions(prefix), "the data source is still open after close()");
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void concurrentInitializationsAreSafe() throws Exception {
        String prefix = TestDatabases.randomPrefix();
        try {
            race(4, i -> {
                JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build().initialize();
                return null;
            });
            assertEquals(allVersions(), versions(prefix));
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void withoutMigrationsAMissingSchemaIsAClearError() {
        String prefix = TestDatabases.randomPrefix();
        try {
            JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).migrate(false)
                    .build();
            StoreException e = assertThrows(StoreException.class, s::initialize);
            assertTrue(e.getMessage().contains("schema is missing"), e.getMessage());
            assertTrue(e.getMessage().contains(prefix + "schema_version"), e.getMessage());
            assertTrue(e.getMessage().contains("migrate(true)"), e.getMessage());
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void withoutMigrationsAMigratedSchemaIsAccepted() {
        String prefix = TestDatabases.randomPrefix();
        try {
            JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build().initialize();
            JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).migrate(false)
                    .build();
            s.initialize();
            assertTrue(s.createExecution(pending("e1")).created());
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void aSchemaNewerThanTheCodeIsRefused() throws SQLException {
        String prefix = TestDatabases.randomPrefix();
        try {
            JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build().initialize();
            try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + prefix + "schema_version (version, description) VALUES (99, 'x')");
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            for (boolean migrate : new boolean[] {true, false}) {
                JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix)
                        .migrate(migrate).build();
                StoreException e = assertThrows(StoreException.class, s::initialize);
                assertTrue(e.getMessage().contains("newer"), e.getMessage());
            }
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void tablePrefixesAreValidated() {
        JdbcExecutionStore.Builder b = JdbcExecutionStore.builder(dataSource());
        for (String bad : List.of("cairn-", "1abc_", "a b", "x;drop", "ü_", "a".repeat(33))) {
            assertThrows(IllegalArgumentException.class, () -> b.tablePrefix(bad), bad);
        }
        for (String good : List.of("", "_", "cairn_", "Cairn2_", "a".repeat(32))) {
            b.tablePrefix(good);
        }
    }

    @Test
    void aStoreOnADataSourceIsNotExclusiveUnlessSaid() {
        assertFalse(JdbcExecutionStore.create(dataSource()).isExclusive());
        assertTrue(JdbcExecutionStore.builder(dataSource()).exclusive(true).build().isExclusive());
    }

    @Test
    void aVersion1SchemaIsUpgradedInPlaceWithTheExecutionsSuspendedInIt() throws Exception {
        String prefix = TestDatabases.randomPrefix();
        try {
            // A database as Cairn's first release left it: the V1 script, and an execution waiting for a callback.
            try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                Dialect dialect = Dialect.detect(c);
                String v1;
                try (java.io.InputStream in = Schema.class.getResourceAsStream(Schema.MIGRATIONS.get(0).resource(dialect))) {
                    v1 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("${prefix}", prefix);
                }
                for (String sql : Schema.statements(v1)) {
                    s.execute(sql);
                }
                long t1 = t(1).toEpochMilli();
                s.executeUpdate("INSERT INTO " + prefix + "executions (id, function_name, status, input, created_at,"
                        + " updated_at, version, signals) VALUES ('old', 'fn', 'SUSPENDED', '\"in\"', " + t1 + ", " + t1
                        + ", 1, 0)");
                s.executeUpdate("INSERT INTO " + prefix + "operations (execution_id, operation_id, type, name, status,"
                        + " attempt, started_at) VALUES ('old', '1', 'CALLBACK', 'approval', 'STARTED', 0, " + t1 + ")");
                s.executeUpdate("INSERT INTO " + prefix + "callbacks (id, execution_id, operation_id, status, created_at)"
                        + " VALUES ('cb-old', 'old', '1', 'PENDING', " + t1 + ")");
            }
            JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build();
            s.initialize();
            assertEquals(allVersions(), versions(prefix));
            CallbackRecord before = s.findCallback("cb-old").orElseThrow();
            assertEquals(CallbackStatus.PENDING, before.status());
            assertNull(before.resultType(), "a callback created before V2 has no recorded type");
            assertEquals(List.of("old"), s.listExecutions(dev.cairn.ExecutionQuery.builder().function("fn")
                    .statuses(ExecutionStatus.SUSPENDED).build()).stream().map(dev.cairn.ExecutionSummary::id).toList(),
                    "an execution from before V3 is listed");
            assertEquals(List.of(), s.loadEvents("old"), "no events were kept before V3");
            assertEquals(CallbackUpdate.Outcome.APPLIED, s.heartbeatCallback("cb-old", t(3)).outcome());
            assertEquals(List.of(dev.cairn.HistoryEventType.CALLBACK_HEARTBEAT),
                    s.loadEvents("old").stream().map(dev.cairn.spi.EventRecord::type).toList());
            CallbackUpdate u = s.completeCallback(success("cb-old", "\"approved\"", t(5)));
            assertEquals(CallbackUpdate.Outcome.APPLIED, u.outcome());
            ExecutionRecord resumed = s.findExecution("old").orElseThrow();
            assertEquals(ExecutionStatus.PENDING, resumed.status(), "woken by the completion, as before the upgrade");
            assertEquals("approval", s.loadHistory("old").operations().get(0).name());
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    @Test
    void aVersion3SchemaIsUpgradedInPlaceAndItsExecutionsRunOnWithoutAContext() throws Exception {
        String prefix = TestDatabases.randomPrefix();
        try {
            // A database as version 3 left it, with an execution that waits for a timer.
            try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                applyScripts(c, prefix, 3);
                long t1 = t(1).toEpochMilli();
                s.executeUpdate("INSERT INTO " + prefix + "executions (id, function_name, status, input, created_at,"
                        + " updated_at, wake_at, version, signals) VALUES ('old', 'fn', 'SUSPENDED', '\"in\"', " + t1
                        + ", " + t1 + ", " + t(60).toEpochMilli() + ", 1, 0)");
            }
            assertEquals(List.of(1, 2, 3), versions(prefix));
            JdbcExecutionStore s = JdbcExecutionStore.builder(dataSource()).tablePrefix(prefix).build();
            s.initialize();
            assertEquals(allVersions(), versions(prefix));
            assertNull(s.findExecution("old").orElseThrow().propagatedContext(), "a row from before V4 has none");
            ExecutionRecord claimed = s.claim("old", NODE_A, t(60), l(0), l(30)).orElseThrow();
            assertEquals(ExecutionStatus.RUNNING, claimed.status(), "claimed when due, as before the upgrade");
            assertNull(claimed.propagatedContext());

            String context = "{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}";
            s.createExecution(new dev.cairn.spi.NewExecution("new", null, "fn", "1", t(61), null, null, null, null,
                    context));
            assertEquals(context, s.claim("new", NODE_A, t(62), l(0), l(30)).orElseThrow().propagatedContext());
            s.close();
        } finally {
            TestDatabases.dropTables(dataSource(), prefix);
        }
    }

    /** Applies the migration scripts up to {@code version} by hand, as a team that runs its own migrations does. */
    private void applyScripts(Connection c, String prefix, int version) throws Exception {
        Dialect dialect = Dialect.detect(c);
        try (Statement s = c.createStatement()) {
            for (Schema.Migration m : Schema.MIGRATIONS) {
                if (m.version() > version) {
                    break;
                }
                String script;
                try (java.io.InputStream in = Schema.class.getResourceAsStream(m.resource(dialect))) {
                    script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .replace("${prefix}", prefix);
                }
                for (String sql : Schema.statements(script)) {
                    s.execute(sql);
                }
            }
        }
    }

    /** Every schema version this code knows, in order. */
    private static List<Integer> allVersions() {
        return Schema.MIGRATIONS.stream().map(Schema.Migration::version).toList();
    }

    private List<Integer> versions(String prefix) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM " + prefix + "schema_version ORDER BY version")) {
            List<Integer> list = new java.util.ArrayList<>();
            while (rs.next()) {
                list.add(rs.getInt(1));
            }
            return list;
        }
    }
}
