package dev.cairn.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the JDBC store that need no database: error classification and migration scripts. */
class DialectAndScriptTest {

    @Test
    void deadlocksAndSerializationFailuresAreRetried() {
        Dialect pg = new PostgresDialect();
        assertTrue(pg.isRetryable(new SQLException("deadlock detected", "40P01")));
        assertTrue(pg.isRetryable(new SQLException("could not serialize", "40001")));
        assertFalse(pg.isRetryable(new SQLException("duplicate key", "23505")));
        assertFalse(pg.isRetryable(new SQLException("connection refused", "08001")));

        BatchUpdateException batch = new BatchUpdateException("batch aborted", "HY000", new int[0]);
        batch.setNextException(new SQLException("Deadlock found when trying to get lock", "40001", 1213));
        assertTrue(new MariaDbDialect(false).isRetryable(batch), "the cause may hide in the next exception");

        assertTrue(new H2Dialect().isRetryable(new SQLException("concurrent update", "90131", 90131)));
        assertFalse(new H2Dialect().isRetryable(new SQLException("timeout", "HYT00", 50200)));
    }

    @Test
    void uniqueViolationsAndMissingTablesAreRecognised() {
        Dialect d = new PostgresDialect();
        assertTrue(d.isUniqueViolation(new SQLException("x", "23505")));
        assertTrue(d.isUniqueViolation(new SQLException("wrapped", "HY000", new SQLException("x", "23000"))));
        assertFalse(d.isUniqueViolation(new SQLException("x", "42P01")));
        assertTrue(d.isMissingTable(new SQLException("x", "42P01")));
        assertTrue(d.isMissingTable(new SQLException("x", "42S02")));
        assertFalse(d.isMissingTable(new SQLException("x", "42601")));
    }

    @Test
    void everyDialectHasEveryMigrationAndEachEndsByRecordingItsVersion() throws IOException {
        for (Dialect d : List.of(new H2Dialect(), new PostgresDialect(), new MariaDbDialect(false))) {
            for (Schema.Migration m : Schema.MIGRATIONS) {
                try (InputStream in = Schema.class.getResourceAsStream(m.resource(d))) {
                    assertTrue(in != null, m.resource(d));
                    String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    List<String> statements = Schema.statements(script.replace("${prefix}", "p_"));
                    String last = statements.get(statements.size() - 1);
                    assertEquals("INSERT INTO p_schema_version (version, description) VALUES (" + m.version()
                            + ", '" + m.description() + "')", last, m.resource(d));
                    for (String sql : statements) {
                        assertFalse(sql.contains("${"), sql);
                        assertFalse(sql.endsWith(";"), sql);
                        assertTrue(sql.startsWith("CREATE") || sql.startsWith("ALTER") || sql.startsWith("INSERT")
                                || sql.startsWith("DROP INDEX"), sql);
                    }
                }
            }
        }
    }

    @Test
    void scriptsAreSplitAtSemicolonsEndingALine() {
        assertEquals(List.of("CREATE TABLE a (\n    x INT\n)", "INSERT INTO a VALUES (1)"),
                Schema.statements("-- comment; not a statement\nCREATE TABLE a (\n    x INT\n);\n\n"
                        + "INSERT INTO a VALUES (1);\n"));
    }
}
