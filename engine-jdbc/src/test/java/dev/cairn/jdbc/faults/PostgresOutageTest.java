package dev.cairn.jdbc.faults;

/** {@link OutageTest} on the PostgreSQL server of the machine, through the proxy. */
class PostgresOutageTest extends OutageTest {

    @Override
    protected FaultDatabases.Server server() {
        return FaultDatabases.POSTGRES;
    }
}
