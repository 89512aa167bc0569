package dev.cairn.spring.boot;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Which application databases count as embedded for {@code cairn.jdbc.initialize-schema=embedded}: H2 running in
 * this process ({@code jdbc:h2:mem:}, {@code jdbc:h2:file:}, a bare path), not an H2 server ({@code jdbc:h2:tcp:},
 * {@code jdbc:h2:ssl:}). The other databases Cairn supports (PostgreSQL, MariaDB, MySQL) run as servers.
 */
final class EmbeddedDatabases {

    private EmbeddedDatabases() {
    }

    /** The JDBC URL the data source connects to, read from one borrowed connection. */
    static String url(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            return url == null ? "" : url;
        } catch (SQLException e) {
            throw new IllegalStateException("Cairn could not connect to the application's DataSource to read its"
                    + " JDBC URL: " + e.getMessage(), e);
        }
    }

    /** Whether the URL is an H2 database inside this process. */
    static boolean isEmbedded(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return u.startsWith("jdbc:h2:") && !u.startsWith("jdbc:h2:tcp:") && !u.startsWith("jdbc:h2:ssl:");
    }

    /** Whether the URL is an in-memory H2 database, which loses every checkpoint when the JVM exits. */
    static boolean isInMemory(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:mem:");
    }
}
