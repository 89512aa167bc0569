package dev.cairn.jdbc;

import dev.cairn.spi.StoreLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * MariaDB and MySQL (InnoDB). DDL commits implicitly, so migrations are serialized with a named server lock,
 * which outlives the implicit commits.
 */
final class MariaDbDialect extends Dialect {

    private static final int LOCK_WAIT_SECONDS = 60;

    private final boolean mysql;

    MariaDbDialect(boolean mysql) {
        this.mysql = mysql;
    }

    @Override
    String migrationDirectory() {
        return "mariadb";
    }

    /**
     * MariaDB Connector/J sends {@code set autocommit=0} and {@code set autocommit=1} to the server for each
     * switch of auto-commit; {@code START TRANSACTION} begins a transaction without them.
     */
    @Override
    boolean beginsTransactionsWithStatements() {
        return true;
    }

    /**
     * MariaDB Connector/J sends a batch of inserts with the bulk protocol, which the server refuses for {@code
     * INSERT ... SELECT} (error 1295). MariaDB plans a statement each time it runs it, so a statement that lists
     * the rows to lock is planned for its list and cannot degrade as PostgreSQL's cached generic plans do.
     */
    @Override
    boolean batchesInsertSelect() {
        return false;
    }

    @Override
    String displayName() {
        return mysql ? "MySQL" : "MariaDB";
    }

    /**
     * A {@code LONGTEXT} holds 4 GiB, but one statement must fit in the server's {@code max_allowed_packet} (16 MiB
     * by default), which also bounds a value: the limit is the packet size less 1 MiB for the rest of the row.
     */
    @Override
    StoreLimits limits(Connection connection) throws SQLException {
        long packet = 16L << 20;
        try (PreparedStatement ps = connection.prepareStatement("SELECT @@max_allowed_packet");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                packet = rs.getLong(1);
            }
        }
        return new StoreLimits(Math.max(64 << 10, packet - (1L << 20)), true);
    }

    /**
     * Besides SQLState classes 22 and 23: MariaDB reports an incorrect string value (1366), a row too large
     * (1118) and a packet too large (1153, 1301) with other states.
     */
    @Override
    boolean isRejection(SQLException e) {
        if (super.isRejection(e)) {
            return true;
        }
        for (SQLException x : chain(e)) {
            int code = x.getErrorCode();
            if (code == 1366 || code == 1118 || code == 1153 || code == 1301) {
                return true;
            }
        }
        return false;
    }

    @Override
    void lockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lockName(prefix));
            ps.setInt(2, LOCK_WAIT_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new StoreException("could not take the migration lock " + lockName(prefix) + " within "
                            + LOCK_WAIT_SECONDS + " s: another process is migrating the Cairn schema");
                }
            }
        }
    }

    @Override
    void unlockMigrations(Connection connection, String prefix) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, lockName(prefix));
            ps.executeQuery().close();
        }
    }

    private static String lockName(String prefix) {
        return "cairn_migrate_" + prefix;
    }
}
