package dev.cairn.jdbc;

import dev.cairn.DurableException;

/**
 * The database failed a {@link JdbcExecutionStore} operation: it could not be reached, a statement failed, the
 * schema is missing or too old. The operation's writes were rolled back. The cause is the {@link
 * java.sql.SQLException} when there is one.
 */
public class StoreException extends DurableException {

    /**
     * An exception with a message.
     *
     * @param message what failed
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what failed
     * @param cause   the underlying error, usually a {@link java.sql.SQLException}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
