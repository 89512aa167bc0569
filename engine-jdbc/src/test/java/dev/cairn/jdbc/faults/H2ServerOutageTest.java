package dev.cairn.jdbc.faults;

import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * {@link OutageTest} on H2 in TCP server mode, started by the test on an ephemeral port with its files in the
 * test's temporary directory; the engine reaches it through the proxy with a {@code jdbc:h2:tcp://} URL.
 */
class H2ServerOutageTest extends OutageTest {

    private Server h2;

    @Override
    protected FaultDatabases.Server server() throws SQLException {
        h2 = Server.createTcpServer("-tcp", "-tcpPort", "0", "-ifNotExists", "-baseDir", tmp.toString()).start();
        return FaultDatabases.h2(h2.getPort(), "outage");
    }

    @Override
    protected void stopServer() {
        if (h2 != null) {
            h2.stop();
        }
    }
}
