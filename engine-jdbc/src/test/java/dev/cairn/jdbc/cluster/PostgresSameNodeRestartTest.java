package dev.cairn.jdbc.cluster;

/** A node restarted under the same id on the PostgreSQL database at 127.0.0.1:5432. */
class PostgresSameNodeRestartTest extends SameNodeRestartTest {

    @Override
    protected ClusterDatabases.Server server() {
        return ClusterDatabases.POSTGRES;
    }
}
