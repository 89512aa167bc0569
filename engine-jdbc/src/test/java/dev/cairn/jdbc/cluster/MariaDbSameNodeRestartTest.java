package dev.cairn.jdbc.cluster;

/** A node restarted under the same id on the MariaDB database at 127.0.0.1:3306. */
class MariaDbSameNodeRestartTest extends SameNodeRestartTest {

    @Override
    protected ClusterDatabases.Server server() {
        return ClusterDatabases.MARIADB;
    }
}
