/**
 * Cairn's JDBC store: executions, operations and callbacks in an embedded H2 file or in PostgreSQL, MariaDB or
 * MySQL. The API is {@code dev.cairn.jdbc.JdbcExecutionStore} and its builder; the rest of the package is the
 * store's own.
 */
module dev.cairn.jdbc {
    requires transitive dev.cairn.engine;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    requires com.h2database;

    exports dev.cairn.jdbc;
}
