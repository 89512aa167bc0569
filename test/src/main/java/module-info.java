/**
 * Cairn's test kit: what a team tests its own workflows with. {@link dev.cairn.test.CairnExtension} for JUnit 5,
 * {@link dev.cairn.test.TestEngine} on virtual time (waits, retries and timeouts skipped, callbacks completed by
 * name, crashes injected), and {@link dev.cairn.test.WorkflowReplayer}, which replays recorded histories against new
 * code. The JDBC store is optional: only {@code CairnExtension.h2()} and {@code .jdbc(DataSource)} need it.
 */
module dev.cairn.test {
    requires transitive dev.cairn.engine;
    requires transitive org.junit.jupiter.api;
    requires transitive java.sql;
    requires static dev.cairn.jdbc;

    exports dev.cairn.test;
}
