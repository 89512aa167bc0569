package dev.cairn.jdbc.cluster;

/** Several nodes on one MariaDB database at 127.0.0.1:3306. */
class MariaDbClusterTest extends ClusterTest {

    @Override
    protected ClusterDatabases.Server server() {
        return ClusterDatabases.MARIADB;
    }
}
