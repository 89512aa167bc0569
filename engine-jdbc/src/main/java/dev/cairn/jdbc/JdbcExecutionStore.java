package dev.cairn.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.CallbackStatus;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.internal.UserText;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.StoreLimits;
import dev.cairn.spi.Transition;
import dev.cairn.spi.WriteRejectedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * An {@link ExecutionStore} that keeps executions, operations and callbacks in a relational database through
 * JDBC: an embedded H2 file by default ({@link #h2(Path)}), or PostgreSQL, MariaDB or MySQL through a
 * {@link DataSource} you provide ({@link #create(DataSource)}, {@link #builder(DataSource)}).
 *
 * <p>It uses three tables, {@code <prefix>executions}, {@code <prefix>operations} and {@code <prefix>callbacks},
 * plus {@code <prefix>schema_version}; the prefix is {@code cairn_} unless {@linkplain Builder#tablePrefix
 * configured}. {@link #initialize()} creates or upgrades them from versioned scripts, or, with {@link
 * Builder#migrate(boolean) migrate(false)}, only checks their version. Instants are stored as epoch milliseconds
 * and durations as milliseconds, in {@code BIGINT} columns: instants are kept at millisecond precision.
 *
 * <p>Every method runs in one transaction on a connection borrowed for that call only. A transaction that fails
 * on a deadlock or a serialization conflict (SQLState class 40) is retried a few times; a statement the database
 * refuses for the values it carries (SQLState classes 22 and 23: too long, an encoding it cannot store, a
 * constraint) is thrown as {@link WriteRejectedException}; other failures as {@link StoreException}; everything
 * is rolled back then. Their messages never quote the values written: databases echo them, and they are user
 * payloads. Transactions that lock several execution rows lock them in id order, so that they cannot deadlock
 * one another. A {@linkplain #commit group commit} is one
 * transaction made of JDBC batches, whatever the number of executions in it. Claims and fences are conditional
 * updates, so any number of processes can share one database.
 *
 * <p>For MariaDB and MySQL, do not set {@code useAffectedRows=true} or {@code rewriteBatchedStatements=true} on
 * the connection: the store reads the number of rows each statement matched.
 */
public final class JdbcExecutionStore implements ExecutionStore {

    /** The default table prefix. */
    public static final String DEFAULT_TABLE_PREFIX = "cairn_";

    static final String CANCELLED_ERROR_TYPE = "Cancelled";
    static final String DEFAULT_CANCEL_REASON = "cancelled";

    private static final Pattern PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)?");
    private static final int MAX_PREFIX_LENGTH = 32;
    private static final int MAX_ATTEMPTS = 5;
    private static final int IN_LIST_CHUNK = 500;

    private static final String EXECUTION_COLUMNS = "id, name, function_name, status, input, output, error_type, "
            + "error_message, error_stack, created_at, updated_at, ended_at, wake_at, owner, lease_until, version, "
            + "signals, cancel_reason, timeout_at, parent_id";
    private static final String OPERATION_COLUMNS = "execution_id, operation_id, parent_id, type, sub_type, name, "
            + "status, attempt, result, error_type, error_message, error_stack, scheduled_at, started_at, ended_at";
    private static final String CALLBACK_COLUMNS = "id, execution_id, operation_id, status, result, error_type, "
            + "error_message, error_stack, timeout_at, heartbeat_timeout_ms, heartbeat_deadline, created_at, "
            + "completed_at, result_type";

    /** The directories of the H2 stores open in this JVM. */
    private static final Map<Path, Boolean> OPEN_H2_DIRECTORIES = new ConcurrentHashMap<>();

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String prefix;
    private final boolean migrate;
    private final boolean exclusive;
    private final AutoCloseable ownedPool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Schema schema;
    private volatile StoreLimits limits;

    private final String executions;
    private final String operations;
    private final String callbacks;

    private JdbcExecutionStore(DataSource dataSource, Dialect dialect, String prefix, boolean migrate,
                               boolean exclusive, AutoCloseable ownedPool) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.prefix = prefix;
        this.migrate = migrate;
        this.exclusive = exclusive;
        this.ownedPool = ownedPool;
        this.schema = new Schema(dataSource, dialect, prefix);
        this.executions = prefix + "executions";
        this.operations = prefix + "operations";
        this.callbacks = prefix + "callbacks";
        this.limits = dialect instanceof PostgresDialect ? new StoreLimits((1L << 30) - 1, false) : StoreLimits.NONE;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Construction

    /**
     * The embedded default: an H2 database file in {@code directory} (created if needed), on a connection pool of
     * its own that {@link #close()} closes. The store is {@linkplain #isExclusive() exclusive}: H2 locks the file,
     * so only one process at a time can open it.
     *
     * <p>Every commit is written to the file before the call returns ({@code WRITE_DELAY=0}), so that what the
     * store acknowledged survives the process being killed. H2 does not close the database from a JVM shutdown
     * hook ({@code DB_CLOSE_ON_EXIT=FALSE}): it stays usable until {@link #close()}.
     *
     * @param directory where the database file ({@code cairn.mv.db}) is kept
     * @return a store; call {@link #initialize()} (the engine does) before using it
     * @throws StoreException if the database cannot be opened, for example because another process has it open
     */
    public static JdbcExecutionStore h2(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path dir;
        try {
            Files.createDirectories(directory);
            dir = directory.toRealPath();
        } catch (IOException e) {
            throw new StoreException("could not create the H2 database directory " + directory, e);
        }
        String file = dir.resolve("cairn").toString();
        if (file.contains(";")) {
            throw new IllegalArgumentException("the H2 database directory must not contain ';': " + dir);
        }
        // H2 locks the file against other processes; within this JVM it would share it: refuse that too.
        if (OPEN_H2_DIRECTORIES.putIfAbsent(dir, Boolean.TRUE) != null) {
            throw new StoreException("the H2 database " + file + ".mv.db is already open in this JVM: "
                    + "one store at a time may use it");
        }
        Runnable release = () -> OPEN_H2_DIRECTORIES.remove(dir);
        HikariConfig config = new HikariConfig();
        config.setPoolName("cairn-h2");
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(h2Url(file));
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        // embedded connections do not go stale; retiring the last one would close and reopen the database
        config.setMaxLifetime(0);
        // every use of a connection ends in an explicit commit or rollback; switching auto-commit back on after
        // each transaction would cost H2 another write to the file
        config.setAutoCommit(false);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            release.run();
            throw new StoreException("could not open the H2 database " + file + ".mv.db: " + rootMessage(e), e);
        }
        AutoCloseable closer = () -> {
            try {
                pool.close();
            } finally {
                release.run();
            }
        };
        try {
            return new Builder(pool).exclusive(true).ownedPool(closer).build();
        } catch (RuntimeException e) {
            try {
                closer.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The JDBC URL of the embedded H2 database file {@code file} (without its {@code .mv.db} suffix). */
    static String h2Url(String file) {
        // "retry:" reopens the file when an interrupt closed its channel: a thread interrupted while it writes
        // (user code that interrupts itself, a shutdown) must not close the database for everyone.
        return "jdbc:h2:retry:" + file
                // write every commit to the file at commit time, not up to 500 ms later
                + ";WRITE_DELAY=0"
                // no JVM shutdown hook closing the database under the engine's feet; close() closes it
                + ";DB_CLOSE_ON_EXIT=FALSE"
                + ";LOCK_TIMEOUT=10000";
    }

    /**
     * A store on {@code dataSource}, with the default table prefix, migrating the schema at
     * {@link #initialize()}. The dialect (H2, PostgreSQL, MariaDB or MySQL) is detected from the connection's
     * metadata. {@link #close()} does not close the data source.
     *
     * @param dataSource a pooled data source
     * @return the store
     * @throws StoreException if the database cannot be reached or is not supported
     */
    public static JdbcExecutionStore create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * A builder for a store on {@code dataSource}, to choose the table prefix, whether it migrates the schema,
     * and whether it is exclusive. {@link #close()} does not close the data source.
     *
     * @param dataSource a pooled data source
     * @return the builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /** Builds a {@link JdbcExecutionStore} on a {@link DataSource}. */
    public static final class Builder {

        private final DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean migrate = true;
        private boolean exclusive;
        private AutoCloseable ownedPool;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * The prefix of the store's table names; {@code cairn_} by default. Letters, digits and underscores,
         * not starting with a digit, at most 32 characters; it may be empty. Tables are created unquoted, so
         * PostgreSQL folds them to lower case and H2 to upper case.
         *
         * @param prefix the prefix
         * @return this builder
         * @throws IllegalArgumentException if the prefix is not valid
         */
        public Builder tablePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches() || prefix.length() > MAX_PREFIX_LENGTH) {
                throw new IllegalArgumentException("invalid table prefix '" + prefix + "': use letters, digits "
                        + "and underscores, not starting with a digit, at most " + MAX_PREFIX_LENGTH
                        + " characters");
            }
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * Whether {@link JdbcExecutionStore#initialize()} creates and upgrades the schema ({@code true}, the
         * default), or only checks that it is at the version this Cairn needs ({@code false}), for teams that
         * apply the migration scripts themselves. The scripts are in the jar under
         * {@code dev/cairn/jdbc/migrations/<dialect>/}, with a {@code ${prefix}} placeholder for the table prefix.
         *
         * @param migrate whether to migrate
         * @return this builder
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * Whether only one process at a time uses this database ({@code false} by default). An engine on an
         * exclusive store takes over, when it starts, the executions left running, without waiting for their
         * leases to run out. Only say {@code true} when no other process can use the same tables.
         *
         * @param exclusive whether the store is exclusive
         * @return this builder
         */
        public Builder exclusive(boolean exclusive) {
            this.exclusive = exclusive;
            return this;
        }

        Builder ownedPool(AutoCloseable pool) {
            this.ownedPool = pool;
            return this;
        }

        /**
         * Builds the store. Borrows one connection to detect the database.
         *
         * @return the store; call {@link JdbcExecutionStore#initialize()} (the engine does) before using it
         * @throws StoreException if the database cannot be reached or is not supported
         */
        public JdbcExecutionStore build() {
            Dialect dialect;
            try (Connection c = dataSource.getConnection()) {
                dialect = Dialect.detect(c);
            } catch (SQLException e) {
                throw new StoreException("could not connect to the database to detect its type: "
                        + e.getMessage(), e);
            }
            return new JdbcExecutionStore(dataSource, dialect, tablePrefix, migrate, exclusive, ownedPool);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Creates or upgrades the schema; or, if the store was built with {@code migrate(false)}, checks that the
     * schema is at the version this Cairn needs. Safe when several processes start at once.
     *
     * @throws StoreException if the schema cannot be migrated, or is missing, older or newer than expected
     */
    @Override
    public void initialize() {
        if (migrate) {
            schema.migrate();
        } else {
            schema.check();
        }
        try (Connection c = dataSource.getConnection()) {
            limits = dialect.limits(c);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the limits of " + dialect.displayName() + ": "
                    + Dialect.safeMessage(e), Dialect.redacted(e));
        }
    }

    /** What this database holds: see {@link Dialect#limits}. */
    @Override
    public StoreLimits limits() {
        return limits;
    }

    /**
     * Whether one process at a time uses this store: {@code true} for {@link #h2(Path)}, otherwise as built
     * ({@code false} by default).
     */
    @Override
    public boolean isExclusive() {
        return exclusive;
    }

    /**
     * The prefix of this store's table names.
     *
     * @return the prefix, {@code cairn_} unless configured
     */
    public String tablePrefix() {
        return prefix;
    }

    /**
     * Closes the connection pool if the store built it ({@link #h2(Path)}); a data source that was given is left
     * open.
     */
    @Override
    public void close() {
        if (ownedPool != null && closed.compareAndSet(false, true)) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new StoreException("could not close the connection pool", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Executions

    /** {@inheritDoc} */
    @Override
    public CreateResult createExecution(NewExecution execution) {
        ExecutionRecord row = newRow(execution);
        CreateResult result = inTransaction("create execution " + execution.id(), c -> {
            if (row.name() != null) {
                Optional<ExecutionRecord> existing = selectExecutionByName(c, row.name());
                if (existing.isPresent()) {
                    return new CreateResult(existing.get(), false);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + executions + " (" + EXECUTION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindExecution(ps, row);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (row.name() != null && dialect.isUniqueViolation(e)) {
                    c.rollback();
                    return null; // most likely the name, taken concurrently: read it in a new transaction
                }
                throw e;
            }
            return new CreateResult(row, true);
        });
        if (result != null) {
            return result;
        }
        return inTransaction("read execution named " + row.name(), c -> selectExecutionByName(c, row.name())
                .map(existing -> new CreateResult(existing, false))
                .orElseThrow(() -> new StoreException("could not insert execution " + row.id()
                        + ": a unique constraint failed, but no execution is named " + row.name())));
    }

    @Override
    public List<ExecutionRecord> createExecutions(List<NewExecution> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<ExecutionRecord> rows = new ArrayList<>(batch.size());
        for (NewExecution execution : batch) {
            if (execution.name() != null) {
                throw new IllegalArgumentException("createExecutions takes unnamed executions; " + execution.id()
                        + " is named " + execution.name());
            }
            rows.add(newRow(execution));
        }
        return inTransaction("create " + rows.size() + " execution(s)", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + executions + " (" + EXECUTION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (ExecutionRecord row : rows) {
                    bindExecution(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return List.copyOf(rows);
        });
    }

    /** The row a new execution starts as. */
    private static ExecutionRecord newRow(NewExecution execution) {
        Objects.requireNonNull(execution, "execution");
        Objects.requireNonNull(execution.id(), "execution.id");
        Objects.requireNonNull(execution.function(), "execution.function");
        Objects.requireNonNull(execution.createdAt(), "execution.createdAt");
        boolean owned = execution.owner() != null;
        if (owned) {
            Objects.requireNonNull(execution.leaseUntil(), "execution.leaseUntil is required with an owner");
        }
        return new ExecutionRecord(
                execution.id(),
                execution.name(),
                execution.function(),
                owned ? ExecutionStatus.RUNNING : ExecutionStatus.PENDING,
                execution.input(),
                null,
                null,
                ms(execution.createdAt()),
                ms(execution.createdAt()),
                null,
                owned ? null : ms(execution.createdAt()),
                execution.owner(),
                owned ? ms(execution.leaseUntil()) : null,
                owned ? 1 : 0,
                0,
                null,
                ms(execution.timeoutAt()),
                execution.parentId());
    }

    /** {@inheritDoc} */
    @Override
    public Optional<ExecutionRecord> findExecution(String executionId) {
        return inTransaction("read execution " + UserText.quote(executionId),
                c -> selectExecution(c, executionId, false));
    }

    /** {@inheritDoc} */
    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
                                           Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(leaseNow, "leaseNow");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        return inTransaction("claim execution " + UserText.quote(executionId), c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'RUNNING', owner = ?, lease_until = ?, version = version + 1,"
                    + " wake_at = NULL, updated_at = ?"
                    + " WHERE id = ? AND (status = 'PENDING' OR (status = 'SUSPENDED' AND wake_at <= ?)"
                    + " OR (status = 'RUNNING' AND (lease_until < ? OR owner = ?)))")) {
                ps.setString(1, owner);
                setInstant(ps, 2, leaseUntil);
                setInstant(ps, 3, now);
                ps.setString(4, executionId);
                setInstant(ps, 5, now);
                setInstant(ps, 6, leaseNow);
                ps.setString(7, owner);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                return Optional.<ExecutionRecord>empty();
            }
            return selectExecution(c, executionId, false);
        });
    }

    /** {@inheritDoc} */
    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        Objects.requireNonNull(until, "until");
        if (limit <= 0) {
            return List.of();
        }
        return inTransaction("find due executions", c -> {
            try (PreparedStatement ps = c.prepareStatement(dialect.limit("SELECT id, wake_at FROM " + executions
                    + " WHERE status IN ('PENDING', 'SUSPENDED') AND wake_at <= ? ORDER BY wake_at, id"))) {
                setInstant(ps, 1, until);
                ps.setInt(2, limit);
                List<DueExecution> due = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new DueExecution(rs.getString(1), getInstant(rs, 2)));
                    }
                }
                return List.copyOf(due);
            }
        });
    }

    /** {@inheritDoc} */
    @Override
    public List<String> findExpiredLeases(Instant leaseNow, int limit) {
        Objects.requireNonNull(leaseNow, "leaseNow");
        if (limit <= 0) {
            return List.of();
        }
        return inTransaction("find expired leases", c -> {
            try (PreparedStatement ps = c.prepareStatement(dialect.limit("SELECT id FROM " + executions
                    + " WHERE status = 'RUNNING' AND lease_until < ? ORDER BY lease_until, id"))) {
                setInstant(ps, 1, leaseNow);
                ps.setInt(2, limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return List.copyOf(ids);
            }
        });
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        List<String> ids = List.copyOf(new java.util.TreeSet<>(executionIds));
        if (ids.isEmpty()) {
            return Set.of();
        }
        return inTransaction("renew the leases of " + owner, c -> {
            Set<String> renewed = new LinkedHashSet<>();
            for (List<String> chunk : chunks(ids)) {
                // Lock first, in id order, as the group commit's fence does: two transactions that lock rows of
                // the executions table always take them in the same order, so they cannot deadlock.
                List<String> held = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + executions + " WHERE id IN ("
                        + placeholders(padded(chunk.size())) + ") AND status = 'RUNNING' AND owner = ?"
                        + " ORDER BY id FOR UPDATE")) {
                    int i = bindPadded(ps, 1, chunk);
                    ps.setString(i, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            held.add(rs.getString(1));
                        }
                    }
                }
                if (held.isEmpty()) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions + " SET lease_until = ?"
                        + " WHERE id IN (" + placeholders(padded(held.size())) + ")")) {
                    setInstant(ps, 1, leaseUntil);
                    bindPadded(ps, 2, held);
                    ps.executeUpdate();
                }
                renewed.addAll(held);
            }
            return Set.copyOf(renewed);
        });
    }

    /** {@inheritDoc} */
    @Override
    public int releaseOwned(String owner, Instant now) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        return inTransaction("release the executions of " + owner, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'PENDING', wake_at = ?, owner = NULL, lease_until = NULL, updated_at = ?"
                    + " WHERE status = 'RUNNING' AND owner = ?")) {
                setInstant(ps, 1, now);
                setInstant(ps, 2, now);
                ps.setString(3, owner);
                return ps.executeUpdate();
            }
        });
    }

    /** {@inheritDoc} */
    @Override
    public int releaseAllRunning(Instant now) {
        Objects.requireNonNull(now, "now");
        return inTransaction("release running executions", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'PENDING', wake_at = ?, owner = NULL, lease_until = NULL, updated_at = ?"
                    + " WHERE status = 'RUNNING'")) {
                setInstant(ps, 1, now);
                setInstant(ps, 2, now);
                return ps.executeUpdate();
            }
        });
    }

    /** {@inheritDoc} */
    @Override
    public int unpark(Collection<String> functions, Instant now) {
        Objects.requireNonNull(now, "now");
        List<String> names = List.copyOf(new LinkedHashSet<>(functions));
        if (names.isEmpty()) {
            return 0;
        }
        return inTransaction("unpark executions", c -> {
            int count = 0;
            for (List<String> chunk : chunks(names)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                        + " SET status = 'PENDING', wake_at = ?, error_type = NULL, error_message = NULL,"
                        + " error_stack = NULL, updated_at = ? WHERE status = 'PARKED' AND function_name IN ("
                        + placeholders(chunk.size()) + ")")) {
                    setInstant(ps, 1, now);
                    setInstant(ps, 2, now);
                    int i = 3;
                    for (String name : chunk) {
                        ps.setString(i++, name);
                    }
                    count += ps.executeUpdate();
                }
            }
            return count;
        });
    }

    /** {@inheritDoc} */
    @Override
    public History loadHistory(String executionId) {
        return inTransaction("load the history of " + executionId, c -> {
            List<OperationRecord> ops = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + OPERATION_COLUMNS + " FROM " + operations
                    + " WHERE execution_id = ?")) {
                ps.setString(1, executionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ops.add(readOperation(rs));
                    }
                }
            }
            return new History(ops, selectCallbacks(c, executionId));
        });
    }

    /** {@inheritDoc} */
    @Override
    public List<CallbackRecord> loadCallbacks(String executionId) {
        return inTransaction("load the callbacks of " + executionId, c -> selectCallbacks(c, executionId));
    }

    /** {@inheritDoc} */
    @Override
    public Optional<CallbackRecord> findCallback(String callbackId) {
        return inTransaction("read callback " + UserText.quote(callbackId), c -> selectCallback(c, callbackId, false));
    }

    /** {@inheritDoc} */
    @Override
    public List<ExecutionRecord> listExecutions(ExecutionStatus status, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return inTransaction("list executions", c -> {
            String where = status == null ? "" : " WHERE status = ?";
            try (PreparedStatement ps = c.prepareStatement(dialect.limit("SELECT " + EXECUTION_COLUMNS + " FROM "
                    + executions + where + " ORDER BY created_at DESC, id DESC"))) {
                int i = 1;
                if (status != null) {
                    ps.setString(i++, status.name());
                }
                ps.setInt(i, limit);
                List<ExecutionRecord> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(readExecution(rs));
                    }
                }
                return List.copyOf(rows);
            }
        });
    }

    /** Counts executions per status; every status is present, with 0 if there is none. */
    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return inTransaction("count executions", c -> {
            Map<ExecutionStatus, Long> counts = new EnumMap<>(ExecutionStatus.class);
            for (ExecutionStatus s : ExecutionStatus.values()) {
                counts.put(s, 0L);
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM " + executions + " GROUP BY status")) {
                while (rs.next()) {
                    counts.put(ExecutionStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Group commit

    /**
     * Applies the checkpoints in one transaction, with one JDBC batch per kind of statement: first the fence of
     * every checkpoint (a conditional update of its execution row, which also locks it), then the cancellations
     * of fenced executions with a pending cancel request, the operation inserts, the operation updates, the
     * callback inserts and the transitions. If several checkpoints of one execution are in the batch, they are
     * applied in their order, as if committed one after the other.
     *
     * @throws StoreException if the database failed (an operation or callback inserted twice, for example);
     *                        then nothing of the batch was written
     */
    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        for (Checkpoint checkpoint : batch) {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
        // Round k holds the k-th checkpoint of each execution: the checkpoints of one round touch distinct rows.
        List<List<Integer>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            int round = seen.merge(batch.get(i).executionId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        return inTransaction("commit " + batch.size() + " checkpoint(s)", c -> {
            CommitOutcome[] outcomes = new CommitOutcome[batch.size()];
            for (List<Integer> round : rounds) {
                commitRound(c, batch, round, outcomes);
            }
            return List.of(outcomes);
        });
    }



    private void commitRound(Connection c, List<Checkpoint> batch, List<Integer> round, CommitOutcome[] outcomes)
            throws SQLException {
        // 1. Fences: lock the executions' rows, in id order so that concurrent group commits lock in the same order,
        // and check that each is still RUNNING at the checkpoint's version with no cancel request. A lock rather than
        // an update: it writes less, and no claim can slip in before the commit. The transitions below check the
        // version again as they write.
        List<Integer> order = new ArrayList<>(round);
        order.sort(Comparator.comparing(i -> batch.get(i).executionId()));
        List<Integer> accepted = new ArrayList<>();
        List<Integer> toCancel = new ArrayList<>();
        // The parents of executions that end here are signalled below: lock them now, with the rest and in the
        // same order, rather than after (a parent's id sorts before its children's).
        java.util.Set<String> toLock = new java.util.TreeSet<>();
        List<String> ending = new ArrayList<>();
        for (int i : order) {
            Checkpoint cp = batch.get(i);
            toLock.add(cp.executionId());
            if (cp.transition() != null && cp.transition().status().isTerminal()) {
                ending.add(cp.executionId());
            }
        }
        Map<String, String> parentOf = parentsOf(c, ending);
        toLock.addAll(parentOf.values());
        Map<String, FenceRow> rows = lockFenceRows(c, toLock);
        for (int i : order) {
            Checkpoint cp = batch.get(i);
            FenceRow row = rows.get(cp.executionId());
            if (row == null || row.status != ExecutionStatus.RUNNING || row.version != cp.version()) {
                outcomes[i] = CommitOutcome.FENCED;
            } else if (row.cancelReason != null) {
                toCancel.add(i);
            } else {
                accepted.add(i);
            }
        }
        if (!toCancel.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET status = 'CANCELLED', output = NULL, error_type = ?, error_message = cancel_reason,"
                    + " error_stack = NULL, wake_at = NULL, owner = NULL, lease_until = NULL, ended_at = ?,"
                    + " updated_at = ? WHERE id = ? AND version = ? AND status = 'RUNNING'")) {
                for (int i : toCancel) {
                    Checkpoint cp = batch.get(i);
                    ps.setString(1, CANCELLED_ERROR_TYPE);
                    setInstant(ps, 2, cp.now());
                    setInstant(ps, 3, cp.now());
                    ps.setString(4, cp.executionId());
                    ps.setLong(5, cp.version());
                    ps.addBatch();
                    outcomes[i] = CommitOutcome.CANCELLED;
                }
                ps.executeBatch();
            }
        }
        if (accepted.isEmpty()) {
            signalParents(c, batch, toCancel, parentOf);
            return;
        }
        accepted.sort(Comparator.naturalOrder());

        // 3. Operation inserts.
        List<OperationRecord> inserts = new ArrayList<>();
        for (int i : accepted) {
            inserts.addAll(batch.get(i).operationInserts());
        }
        insertOperations(c, inserts);

        // 4. Operation updates, whole rows by key; a row that is not there yet is inserted.
        List<OperationRecord> updates = new ArrayList<>();
        for (int i : accepted) {
            updates.addAll(batch.get(i).operationUpdates());
        }
        if (!updates.isEmpty()) {
            List<OperationRecord> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + operations + " SET parent_id = ?, type = ?,"
                    + " sub_type = ?, name = ?, status = ?, attempt = ?, result = ?, error_type = ?,"
                    + " error_message = ?, error_stack = ?, scheduled_at = ?, started_at = ?, ended_at = ?"
                    + " WHERE execution_id = ? AND operation_id = ?")) {
                for (OperationRecord op : updates) {
                    ps.setString(1, op.parentId());
                    ps.setString(2, name(op.type()));
                    ps.setString(3, op.subType());
                    ps.setString(4, op.name());
                    ps.setString(5, name(op.status()));
                    ps.setInt(6, op.attempt());
                    ps.setString(7, op.result());
                    setError(ps, 8, op.error());
                    setInstant(ps, 11, op.scheduledAt());
                    setInstant(ps, 12, op.startedAt());
                    setInstant(ps, 13, op.endedAt());
                    ps.setString(14, op.executionId());
                    ps.setString(15, op.operationId());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] == 0) {
                        missing.add(updates.get(k));
                    }
                }
            }
            insertOperations(c, missing);
        }

        // 5. Callback inserts.
        List<CallbackRecord> newCallbacks = new ArrayList<>();
        for (int i : accepted) {
            newCallbacks.addAll(batch.get(i).callbacks());
        }
        if (!newCallbacks.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + callbacks + " (" + CALLBACK_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (CallbackRecord cb : newCallbacks) {
                    bindCallback(ps, cb);
                    ps.addBatch();
                }
                checkBatch(ps.executeBatch(), "insert callbacks");
            }
        }

        // 6. Transitions. A suspension only applies if no signal arrived since the run began.
        List<Integer> suspensions = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i : accepted) {
            Transition t = batch.get(i).transition();
            if (t == null) {
                outcomes[i] = CommitOutcome.APPLIED;
            } else if (t.status() == ExecutionStatus.SUSPENDED) {
                suspensions.add(i);
            } else {
                others.add(i);
            }
        }
        String transition = "UPDATE " + executions + " SET status = ?, wake_at = ?, output = ?, error_type = ?,"
                + " error_message = ?, error_stack = ?, owner = NULL, lease_until = NULL, ended_at = ?,"
                + " updated_at = ? WHERE id = ? AND version = ? AND status = 'RUNNING'";
        if (!others.isEmpty()) {
            List<Integer> unknown = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(transition)) {
                for (int i : others) {
                    Checkpoint cp = batch.get(i);
                    bindTransition(ps, cp);
                    ps.setLong(10, cp.version());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    int i = others.get(k);
                    if (counts[k] == 1) {
                        outcomes[i] = CommitOutcome.APPLIED;
                    } else if (counts[k] == 0) {
                        outcomes[i] = CommitOutcome.FENCED; // claimed away since the fence was read
                    } else {
                        unknown.add(i);
                    }
                }
            }
            for (int i : unknown) {
                Optional<ExecutionRecord> row = selectExecution(c, batch.get(i).executionId(), false);
                outcomes[i] = row.isPresent() && row.get().status() == batch.get(i).transition().status()
                        && row.get().version() == batch.get(i).version() ? CommitOutcome.APPLIED : CommitOutcome.FENCED;
            }
        }
        if (!suspensions.isEmpty()) {
            List<Integer> unknown = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(transition + " AND signals = ?")) {
                for (int i : suspensions) {
                    Checkpoint cp = batch.get(i);
                    bindTransition(ps, cp);
                    ps.setLong(10, cp.version());
                    ps.setLong(11, cp.transition().signals());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    int i = suspensions.get(k);
                    if (counts[k] == 1) {
                        outcomes[i] = CommitOutcome.APPLIED;
                    } else {
                        unknown.add(i);
                    }
                }
            }
            // Nothing changed (or the driver would not say): a signal arrived, or the execution was claimed away.
            for (int i : unknown) {
                Checkpoint cp = batch.get(i);
                Optional<ExecutionRecord> row = selectExecution(c, cp.executionId(), false);
                if (row.isEmpty() || row.get().version() != cp.version()) {
                    outcomes[i] = CommitOutcome.FENCED;
                } else if (row.get().status() == ExecutionStatus.SUSPENDED) {
                    outcomes[i] = CommitOutcome.APPLIED;
                } else if (row.get().status() == ExecutionStatus.RUNNING) {
                    outcomes[i] = CommitOutcome.SIGNALLED;
                } else {
                    outcomes[i] = CommitOutcome.FENCED;
                }
            }
        }

        // 7. Executions that ended signal the executions that invoked them.
        List<Integer> ended = new ArrayList<>(toCancel);
        for (int i : others) {
            if (outcomes[i] == CommitOutcome.APPLIED && batch.get(i).transition().status().isTerminal()) {
                ended.add(i);
            }
        }
        signalParents(c, batch, ended, parentOf);
    }

    /**
     * Signals the parents of the executions of {@code ended} checkpoints, which this transaction ended: as a
     * callback completion does, once per ended child, at the child's commit time. {@code known} holds the parents
     * read with the fence. Parents are locked in id order.
     */
    private void signalParents(Connection c, List<Checkpoint> batch, List<Integer> ended, Map<String, String> known)
            throws SQLException {
        if (ended.isEmpty()) {
            return;
        }
        List<Integer> order = new ArrayList<>(ended);
        order.sort(Comparator.naturalOrder());
        // The parents of executions that ended by a transition were read (and locked) with the fence; those of
        // executions ended by a cancel request are read now.
        Map<String, String> parentOf = new HashMap<>(known);
        List<String> unknown = new ArrayList<>();
        for (int i : order) {
            if (batch.get(i).transition() == null || !batch.get(i).transition().status().isTerminal()) {
                unknown.add(batch.get(i).executionId());
            }
        }
        parentOf.putAll(parentsOf(c, unknown));
        if (parentOf.isEmpty()) {
            return;
        }
        Map<String, List<Instant>> signalsByParent = new java.util.TreeMap<>();
        for (int i : order) {
            String parent = parentOf.get(batch.get(i).executionId());
            if (parent != null) {
                signalsByParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(batch.get(i).now());
            }
        }
        Map<String, FenceRow> parents = new HashMap<>();
        Map<String, Instant> wakeAts = new HashMap<>();
        for (List<String> chunk : chunks(List.copyOf(signalsByParent.keySet()))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, version, cancel_reason, wake_at FROM "
                    + executions + " WHERE id IN (" + placeholders(chunk.size()) + ") ORDER BY id FOR UPDATE")) {
                int k = 1;
                for (String id : chunk) {
                    ps.setString(k++, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        parents.put(rs.getString(1), new FenceRow(ExecutionStatus.valueOf(rs.getString(2)),
                                rs.getLong(3), rs.getString(4)));
                        wakeAts.put(rs.getString(1), getInstant(rs, 5));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(SIGNAL_SQL.replace("{executions}", executions))) {
            boolean any = false;
            for (Map.Entry<String, List<Instant>> entry : signalsByParent.entrySet()) {
                FenceRow parent = parents.get(entry.getKey());
                if (parent == null || parent.status.isTerminal()) {
                    continue;
                }
                Signalled state = new Signalled(parent.status, wakeAts.get(entry.getKey()));
                for (Instant now : entry.getValue()) {
                    state = state.signal(now);
                }
                List<Instant> nows = entry.getValue();
                bindSignal(ps, entry.getKey(), nows.size(), state, nows.get(nows.size() - 1));
                ps.addBatch();
                any = true;
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    /**
     * The parents of those of {@code childIds} that were started by {@code invoke}, by child id. A parent id never
     * changes, so it is read without a lock.
     */
    private Map<String, String> parentsOf(Connection c, List<String> childIds) throws SQLException {
        Map<String, String> parentOf = new HashMap<>();
        if (childIds.isEmpty()) {
            return parentOf;
        }
        for (List<String> chunk : chunks(List.copyOf(new java.util.TreeSet<>(childIds)))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, parent_id FROM " + executions
                    + " WHERE parent_id IS NOT NULL AND id IN (" + placeholders(padded(chunk.size())) + ")")) {
                bindPadded(ps, 1, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        parentOf.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return parentOf;
    }

    private static final String SIGNAL_SQL = "UPDATE {executions}"
            + " SET signals = signals + ?, wake_at = ?, updated_at = ?, status = ? WHERE id = ?";

    private static void bindSignal(PreparedStatement ps, String id, int count, Signalled state, Instant now)
            throws SQLException {
        ps.setInt(1, count);
        setInstant(ps, 2, state.wakeAt());
        setInstant(ps, 3, now);
        ps.setString(4, state.status().name());
        ps.setString(5, id);
    }

    /**
     * The status and wake-up of an execution after a signal: a suspended execution becomes pending and due at
     * {@code now}; a pending one that was due later (or only on a signal) is made due at {@code now}; others
     * keep theirs. Computed here from a locked row, not in SQL, whose SET clauses MySQL evaluates in order.
     */
    private record Signalled(ExecutionStatus status, Instant wakeAt) {
        Signalled signal(Instant now) {
            if (status == ExecutionStatus.SUSPENDED) {
                return new Signalled(ExecutionStatus.PENDING, now);
            }
            if (status == ExecutionStatus.PENDING && (wakeAt == null || wakeAt.isAfter(now))) {
                return new Signalled(status, now);
            }
            return this;
        }
    }

    private record FenceRow(ExecutionStatus status, long version, String cancelReason) {
    }

    /**
     * Locks the rows of {@code ids} and reads their fence columns. Rows are locked in id order ({@code ORDER BY id
     * FOR UPDATE}: the lock is taken as each sorted row is returned), the order every transaction of this store
     * that locks several execution rows follows, so that concurrent group commits and lease renewals cannot
     * deadlock.
     */
    private Map<String, FenceRow> lockFenceRows(Connection c, Collection<String> ids) throws SQLException {
        Map<String, FenceRow> rows = new HashMap<>();
        List<String> distinct = List.copyOf(new java.util.TreeSet<>(ids));
        for (List<String> chunk : chunks(distinct)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, version, cancel_reason FROM "
                    + executions + " WHERE id IN (" + placeholders(padded(chunk.size())) + ") ORDER BY id FOR UPDATE")) {
                bindPadded(ps, 1, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), new FenceRow(ExecutionStatus.valueOf(rs.getString(2)),
                                rs.getLong(3), rs.getString(4)));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * The size an IN list of {@code n} ids is padded to: the next power of two, so that the few statement texts
     * this makes are parsed once and then found in the driver's or the database's statement cache.
     */
    private static int padded(int n) {
        int size = Math.min(IN_LIST_CHUNK, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
        return Math.max(size, n);
    }

    /** Binds {@code ids} from {@code index} on, repeating the last to fill {@link #padded}; @return the next index */
    private static int bindPadded(PreparedStatement ps, int index, List<String> ids) throws SQLException {
        int i = index;
        for (String id : ids) {
            ps.setString(i++, id);
        }
        for (int k = ids.size(); k < padded(ids.size()); k++) {
            ps.setString(i++, ids.get(ids.size() - 1));
        }
        return i;
    }

    private void insertOperations(Connection c, List<OperationRecord> ops) throws SQLException {
        if (ops.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + operations + " (" + OPERATION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (OperationRecord op : ops) {
                ps.setString(1, op.executionId());
                ps.setString(2, op.operationId());
                ps.setString(3, op.parentId());
                ps.setString(4, name(op.type()));
                ps.setString(5, op.subType());
                ps.setString(6, op.name());
                ps.setString(7, name(op.status()));
                ps.setInt(8, op.attempt());
                ps.setString(9, op.result());
                setError(ps, 10, op.error());
                setInstant(ps, 13, op.scheduledAt());
                setInstant(ps, 14, op.startedAt());
                setInstant(ps, 15, op.endedAt());
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), "insert operations");
        }
    }

    private static void bindTransition(PreparedStatement ps, Checkpoint cp) throws SQLException {
        Transition t = cp.transition();
        boolean terminal = t.status().isTerminal();
        boolean due = t.status() == ExecutionStatus.SUSPENDED || t.status() == ExecutionStatus.PENDING;
        ps.setString(1, t.status().name());
        setInstant(ps, 2, due ? t.wakeAt() : null);
        ps.setString(3, t.output());
        setError(ps, 4, t.error());
        setInstant(ps, 7, terminal ? cp.now() : null);
        setInstant(ps, 8, cp.now());
        ps.setString(9, cp.executionId());
    }

    private static void checkBatch(int[] counts, String what) throws SQLException {
        for (int count : counts) {
            if (count == Statement.EXECUTE_FAILED || count == 0) {
                throw new SQLException(what + ": a statement of the batch changed no row");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Callbacks and cancellation

    /** {@inheritDoc} */
    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(completion.now(), "completion.now");
        if (completion.status() != CallbackStatus.SUCCEEDED && completion.status() != CallbackStatus.FAILED) {
            throw new IllegalArgumentException("a callback completes SUCCEEDED or FAILED, not " + completion.status());
        }
        String id = completion.callbackId();
        return inTransaction("complete callback " + UserText.quote(id), c -> {
            Optional<CallbackRecord> found = selectCallback(c, id, true);
            if (found.isEmpty()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackRecord callback = found.get();
            Optional<ExecutionRecord> execution = selectExecution(c, callback.executionId(), true);
            ExecutionStatus status = execution.map(ExecutionRecord::status).orElse(null);
            if (callback.status() != CallbackStatus.PENDING) {
                return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, callback, status);
            }
            if (status == null || status.isTerminal()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.EXECUTION_ENDED, callback, status);
            }
            if (callback.isOverdue(completion.now())) {
                return timeOut(c, callback, execution.get(), completion.now());
            }
            boolean succeeded = completion.status() == CallbackStatus.SUCCEEDED;
            CallbackRecord done = new CallbackRecord(callback.id(), callback.executionId(), callback.operationId(),
                    completion.status(), succeeded ? completion.result() : null,
                    succeeded ? null : completion.error(), callback.timeoutAt(), callback.heartbeatTimeout(),
                    callback.heartbeatDeadline(), callback.createdAt(), ms(completion.now()), callback.resultType());
            updateCallbackOutcome(c, done);
            ExecutionStatus after = signal(c, execution.get(), completion.now());
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, done, after);
        });
    }

    /** Counts one signal on a locked execution row (see {@link Signalled}). @return the status after it */
    private ExecutionStatus signal(Connection c, ExecutionRecord e, Instant now) throws SQLException {
        Signalled state = new Signalled(e.status(), e.wakeAt()).signal(now);
        try (PreparedStatement ps = c.prepareStatement(SIGNAL_SQL.replace("{executions}", executions))) {
            bindSignal(ps, e.id(), 1, state, now);
            ps.executeUpdate();
        }
        return state.status();
    }

    /** {@inheritDoc} */
    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        Objects.requireNonNull(now, "now");
        return inTransaction("heartbeat callback " + UserText.quote(callbackId), c -> {
            Optional<CallbackRecord> found = selectCallback(c, callbackId, true);
            if (found.isEmpty()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.NOT_FOUND, null, null);
            }
            CallbackRecord callback = found.get();
            Optional<ExecutionRecord> execution = selectExecution(c, callback.executionId(), callback.isOverdue(now));
            ExecutionStatus status = execution.map(ExecutionRecord::status).orElse(null);
            if (callback.status() != CallbackStatus.PENDING) {
                return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, callback, status);
            }
            if (status == null || status.isTerminal()) {
                return new CallbackUpdate(CallbackUpdate.Outcome.EXECUTION_ENDED, callback, status);
            }
            if (callback.isOverdue(now)) {
                return timeOut(c, callback, execution.get(), now);
            }
            if (callback.heartbeatTimeout() == null) {
                return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, callback, status);
            }
            Instant deadline = now.plus(callback.heartbeatTimeout());
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks
                    + " SET heartbeat_deadline = ? WHERE id = ?")) {
                setInstant(ps, 1, deadline);
                ps.setString(2, callbackId);
                ps.executeUpdate();
            }
            return new CallbackUpdate(CallbackUpdate.Outcome.APPLIED, new CallbackRecord(callback.id(),
                    callback.executionId(), callback.operationId(), callback.status(), callback.result(),
                    callback.error(), callback.timeoutAt(), callback.heartbeatTimeout(), ms(deadline),
                    callback.createdAt(), callback.completedAt(), callback.resultType()), status);
        });
    }

    /**
     * Times out a locked callback that a completion or a heartbeat found past its deadline, and signals its
     * locked execution so that it wakes to see it.
     */
    private CallbackUpdate timeOut(Connection c, CallbackRecord callback, ExecutionRecord execution, Instant now)
            throws SQLException {
        CallbackRecord timedOut = callback.timedOut(ms(now));
        updateCallbackOutcome(c, timedOut);
        ExecutionStatus after = signal(c, execution, now);
        return new CallbackUpdate(CallbackUpdate.Outcome.ALREADY_COMPLETED, timedOut, after);
    }

    private void updateCallbackOutcome(Connection c, CallbackRecord cb) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks + " SET status = ?, result = ?,"
                + " error_type = ?, error_message = ?, error_stack = ?, completed_at = ? WHERE id = ?")) {
            ps.setString(1, cb.status().name());
            ps.setString(2, cb.result());
            setError(ps, 3, cb.error());
            setInstant(ps, 6, cb.completedAt());
            ps.setString(7, cb.id());
            ps.executeUpdate();
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        Objects.requireNonNull(now, "now");
        return inTransaction("expire callback " + UserText.quote(callbackId), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + callbacks + " SET status = 'TIMED_OUT',"
                    + " result = NULL, error_type = ?, error_message = ?, error_stack = ?, completed_at = ?"
                    + " WHERE id = ? AND status = 'PENDING' AND (timeout_at <= ? OR heartbeat_deadline <= ?)")) {
                setError(ps, 1, error);
                setInstant(ps, 4, now);
                ps.setString(5, callbackId);
                setInstant(ps, 6, now);
                setInstant(ps, 7, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** {@inheritDoc} */
    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        Objects.requireNonNull(now, "now");
        String why = reason == null ? DEFAULT_CANCEL_REASON : reason;
        return inTransaction("cancel execution " + UserText.quote(executionId), c -> {
            // The parent (signalled below) sorts before its child: lock both now, in id order.
            Set<String> toLock = new java.util.TreeSet<>(parentsOf(c, List.of(executionId)).values());
            toLock.add(executionId);
            lockFenceRows(c, toLock);
            // A locking read, so that it sees the row as it is now: a plain read may see the snapshot of the
            // transaction's first read (MySQL and MariaDB), taken before the lock.
            Optional<ExecutionRecord> found = selectExecution(c, executionId, true);
            if (found.isEmpty()) {
                return new CancelResult(CancelResult.Outcome.NOT_FOUND, null);
            }
            ExecutionStatus status = found.get().status();
            if (status.isTerminal()) {
                return new CancelResult(CancelResult.Outcome.ALREADY_ENDED, status);
            }
            if (status == ExecutionStatus.RUNNING) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                        + " SET cancel_reason = COALESCE(cancel_reason, ?), signals = signals + 1, updated_at = ?"
                        + " WHERE id = ?")) {
                    ps.setString(1, why);
                    setInstant(ps, 2, now);
                    ps.setString(3, executionId);
                    ps.executeUpdate();
                }
                return new CancelResult(CancelResult.Outcome.REQUESTED, ExecutionStatus.RUNNING);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + executions
                    + " SET signals = signals + 1, output = NULL, error_type = ?, error_message = ?,"
                    + " error_stack = NULL, wake_at = NULL, owner = NULL, lease_until = NULL, ended_at = ?,"
                    + " updated_at = ?, status = 'CANCELLED' WHERE id = ?")) {
                ps.setString(1, CANCELLED_ERROR_TYPE);
                ps.setString(2, why);
                setInstant(ps, 3, now);
                setInstant(ps, 4, now);
                ps.setString(5, executionId);
                ps.executeUpdate();
            }
            String parentId = found.get().parentId();
            if (parentId != null) {
                Optional<ExecutionRecord> parent = selectExecution(c, parentId, true);
                if (parent.isPresent() && !parent.get().status().isTerminal()) {
                    signal(c, parent.get(), now);
                }
            }
            return new CancelResult(CancelResult.Outcome.CANCELLED, ExecutionStatus.CANCELLED);
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading rows

    private Optional<ExecutionRecord> selectExecution(Connection c, String id, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EXECUTION_COLUMNS + " FROM " + executions
                + " WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readExecution(rs)) : Optional.empty();
            }
        }
    }

    private Optional<ExecutionRecord> selectExecutionByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EXECUTION_COLUMNS + " FROM " + executions
                + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readExecution(rs)) : Optional.empty();
            }
        }
    }

    private Optional<CallbackRecord> selectCallback(Connection c, String id, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CALLBACK_COLUMNS + " FROM " + callbacks
                + " WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readCallback(rs)) : Optional.empty();
            }
        }
    }

    private List<CallbackRecord> selectCallbacks(Connection c, String executionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CALLBACK_COLUMNS + " FROM " + callbacks
                + " WHERE execution_id = ? ORDER BY created_at, id")) {
            ps.setString(1, executionId);
            List<CallbackRecord> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(readCallback(rs));
                }
            }
            return List.copyOf(list);
        }
    }

    private static ExecutionRecord readExecution(ResultSet rs) throws SQLException {
        return new ExecutionRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                ExecutionStatus.valueOf(rs.getString(4)),
                rs.getString(5),
                rs.getString(6),
                getError(rs, 7),
                getInstant(rs, 10),
                getInstant(rs, 11),
                getInstant(rs, 12),
                getInstant(rs, 13),
                rs.getString(14),
                getInstant(rs, 15),
                rs.getLong(16),
                rs.getLong(17),
                rs.getString(18),
                getInstant(rs, 19),
                rs.getString(20));
    }

    private static OperationRecord readOperation(ResultSet rs) throws SQLException {
        return new OperationRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                OperationType.valueOf(rs.getString(4)),
                rs.getString(5),
                rs.getString(6),
                OperationStatus.valueOf(rs.getString(7)),
                rs.getInt(8),
                rs.getString(9),
                getError(rs, 10),
                getInstant(rs, 13),
                getInstant(rs, 14),
                getInstant(rs, 15));
    }

    private static CallbackRecord readCallback(ResultSet rs) throws SQLException {
        long timeoutMs = rs.getLong(10);
        Duration heartbeatTimeout = rs.wasNull() ? null : Duration.ofMillis(timeoutMs);
        return new CallbackRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                CallbackStatus.valueOf(rs.getString(4)),
                rs.getString(5),
                getError(rs, 6),
                getInstant(rs, 9),
                heartbeatTimeout,
                getInstant(rs, 11),
                getInstant(rs, 12),
                getInstant(rs, 13),
                rs.getString(14));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Binding values

    private static void bindExecution(PreparedStatement ps, ExecutionRecord e) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.name());
        ps.setString(3, e.function());
        ps.setString(4, e.status().name());
        ps.setString(5, e.input());
        ps.setString(6, e.output());
        setError(ps, 7, e.error());
        setInstant(ps, 10, e.createdAt());
        setInstant(ps, 11, e.updatedAt());
        setInstant(ps, 12, e.endedAt());
        setInstant(ps, 13, e.wakeAt());
        ps.setString(14, e.owner());
        setInstant(ps, 15, e.leaseUntil());
        ps.setLong(16, e.version());
        ps.setLong(17, e.signals());
        ps.setString(18, e.cancelReason());
        setInstant(ps, 19, e.timeoutAt());
        ps.setString(20, e.parentId());
    }

    private static void bindCallback(PreparedStatement ps, CallbackRecord cb) throws SQLException {
        ps.setString(1, cb.id());
        ps.setString(2, cb.executionId());
        ps.setString(3, cb.operationId());
        ps.setString(4, name(cb.status()));
        ps.setString(5, cb.result());
        setError(ps, 6, cb.error());
        setInstant(ps, 9, cb.timeoutAt());
        if (cb.heartbeatTimeout() == null) {
            ps.setNull(10, Types.BIGINT);
        } else {
            ps.setLong(10, cb.heartbeatTimeout().toMillis());
        }
        setInstant(ps, 11, cb.heartbeatDeadline());
        setInstant(ps, 12, cb.createdAt());
        setInstant(ps, 13, cb.completedAt());
        ps.setString(14, cb.resultType());
    }

    /** Binds an error to three parameters: type, message, stack trace. */
    private static void setError(PreparedStatement ps, int index, ErrorInfo error) throws SQLException {
        ps.setString(index, error == null ? null : error.type());
        ps.setString(index + 1, error == null ? null : error.message());
        ps.setString(index + 2, error == null ? null : error.stackTrace());
    }

    private static ErrorInfo getError(ResultSet rs, int index) throws SQLException {
        String type = rs.getString(index);
        if (type == null) {
            return null;
        }
        return new ErrorInfo(type, rs.getString(index + 1), rs.getString(index + 2));
    }

    private static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, instant.toEpochMilli());
        }
    }

    private static Instant getInstant(ResultSet rs, int index) throws SQLException {
        long millis = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static Instant ms(Instant instant) {
        return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
    }

    private static String name(Enum<?> value) {
        return Objects.requireNonNull(value, "status or type").name();
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static <T> List<List<T>> chunks(List<T> list) {
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i += IN_LIST_CHUNK) {
            result.add(list.subList(i, Math.min(list.size(), i + IN_LIST_CHUNK)));
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction on a connection borrowed for this call, committing if it returns and
     * rolling back if it throws. Deadlocks and serialization failures are retried.
     */
    private <T> T inTransaction(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return runOnce(work);
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && dialect.isRetryable(e)) {
                    pause(attempt);
                    continue;
                }
                // The driver's message may quote the values the statement carried (user payloads): only a
                // redacted copy of it goes into the exception, and so into any log line.
                String message = what + " failed on " + dialect.displayName() + ": " + Dialect.safeMessage(e);
                if (dialect.isRejection(e)) {
                    throw new WriteRejectedException(message + "; the database refuses these values, so writing"
                            + " them again would fail again", Dialect.redacted(e));
                }
                throw new StoreException(message, Dialect.redacted(e));
            }
        }
    }

    private <T> T runOnce(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // the pool discards a broken connection
                    }
                }
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a transaction", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The table prefix and dialect, for diagnostics. */
    @Override
    public String toString() {
        return "JdbcExecutionStore[" + dialect.displayName() + ", tables " + prefix + "*]";
    }
}
