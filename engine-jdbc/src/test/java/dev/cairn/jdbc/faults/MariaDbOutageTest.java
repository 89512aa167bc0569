package dev.cairn.jdbc.faults;

/** {@link OutageTest} on the MariaDB server of the machine, through the proxy. */
class MariaDbOutageTest extends OutageTest {

    @Override
    protected FaultDatabases.Server server() {
        return FaultDatabases.MARIADB;
    }
}
