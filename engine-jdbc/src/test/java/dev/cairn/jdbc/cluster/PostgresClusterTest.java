package dev.cairn.jdbc.cluster;

/** Several nodes on one PostgreSQL database at 127.0.0.1:5432. */
class PostgresClusterTest extends ClusterTest {

    @Override
    protected ClusterDatabases.Server server() {
        return ClusterDatabases.POSTGRES;
    }
}
