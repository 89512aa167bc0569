package dev.cairn.jdbc;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.StoreLimits;
import dev.cairn.spi.WriteRejectedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
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
 * payloads. Every statement that names given executions names one row by its primary key, so that its plan is an
 * index lookup whatever the size and statistics of the table; transactions that lock several given execution
 * rows lock them in id order. A {@linkplain #commit group commit} is one transaction made of JDBC batches,
 * whatever the number of executions in it. Claims and fences are conditional statements, so any number of
 * processes can share one database.
 *
 * <p>For MariaDB and MySQL, do not set {@code useAffectedRows=true} or {@code rewriteBatchedStatements=true} on
 * the connection: the store reads the number of rows each statement matched.
 */
public final class JdbcExecutionStore implements ExecutionStore {

    /** The default table prefix. */
    public static final String DEFAULT_TABLE_PREFIX = "cairn_";

    private static final Pattern PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)?");
    private static final int MAX_PREFIX_LENGTH = 32;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String prefix;
    private final boolean migrate;
    private final boolean exclusive;
    private final AutoCloseable ownedPool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Schema schema;
    private volatile StoreLimits limits;

    // What the store does is in package-private classes, by concern: the SQL of each table in ExecutionsTable,
    // OperationsTable, CallbacksTable and EventsTable; the group commit in GroupCommit; transactions and their retries in Tx;
    // column lists and the binding and reading of values in Rows. This class builds them and delegates to them.
    private final ExecutionsTable executions;
    private final ExecutionListing listing;
    private final OperationsTable operations;
    private final CallbacksTable callbacks;
    private final EventsTable events;
    private final GroupCommit groupCommit;
    /**
     * Keeps lease renewals apart from group commits, which lock the same rows of the executions table: the rows
     * of a node's own running executions. A renewal takes them in id order; a group commit meets them in id order
     * within each kind of statement, but not across kinds, so the two must not run at once. Group commits share
     * it (the checkpoints of one execution come from one writer, so concurrent group commits lock distinct rows);
     * a renewal, every few seconds, has it alone.
     */
    private final ReentrantReadWriteLock renewalGate = new ReentrantReadWriteLock();
    /** How many leases one renewal transaction renews. */
    private static final int RENEWAL_CHUNK = 256;

    private JdbcExecutionStore(DataSource dataSource, Dialect dialect, String prefix, boolean migrate,
                               boolean exclusive, AutoCloseable ownedPool) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.prefix = prefix;
        this.migrate = migrate;
        this.exclusive = exclusive;
        this.ownedPool = ownedPool;
        this.schema = new Schema(dataSource, dialect, prefix);
        Tx tx = new Tx(dataSource, dialect);
        this.executions = new ExecutionsTable(tx, dialect, prefix);
        this.listing = new ExecutionListing(tx, dialect, prefix);
        this.events = new EventsTable(tx, prefix);
        this.callbacks = new CallbacksTable(tx, prefix, executions, events);
        this.operations = new OperationsTable(tx, prefix, executions, callbacks);
        this.groupCommit = new GroupCommit(tx, executions, operations, callbacks, events,
                dialect.batchesInsertSelect());
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
        H2Database.Opened db = H2Database.open(directory);
        try {
            return new Builder(db.pool()).exclusive(true).ownedPool(db.closer()).build();
        } catch (RuntimeException e) {
            try {
                db.closer().close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The JDBC URL of the embedded H2 database file {@code file} (without its {@code .mv.db} suffix). */
    static String h2Url(String file) {
        return H2Database.url(file);
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
    // Executions: ExecutionsTable

    /** {@inheritDoc} */
    @Override
    public CreateResult createExecution(NewExecution execution) {
        return executions.create(execution);
    }

    @Override
    public List<ExecutionRecord> createExecutions(List<NewExecution> batch) {
        return executions.createAll(batch);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<ExecutionRecord> findExecution(String executionId) {
        return executions.find(executionId);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
                                           Instant leaseUntil) {
        return executions.claim(executionId, owner, now, leaseNow, leaseUntil);
    }

    /** {@inheritDoc} */
    @Override
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        return executions.claimAll(executionIds, owner, now, leaseNow, leaseUntil);
    }

    /** {@inheritDoc} */
    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        return executions.findDue(until, limit);
    }

    /** {@inheritDoc} */
    @Override
    public List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        return executions.findDueBetween(from, until, limit);
    }

    /** {@inheritDoc} */
    @Override
    public List<String> findExpiredLeases(Instant leaseNow, int limit) {
        return executions.findExpiredLeases(leaseNow, limit);
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        // In id order, RENEWAL_CHUNK rows a transaction, each holding the gate alone for that long only: a node
        // holding thousands of executions must not hold up its group commits for the whole renewal.
        List<String> ids = List.copyOf(new TreeSet<>(executionIds));
        Set<String> renewed = new LinkedHashSet<>();
        for (int from = 0; from < ids.size(); from += RENEWAL_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + RENEWAL_CHUNK));
            renewalGate.writeLock().lock();
            try {
                renewed.addAll(executions.renewLeases(owner, chunk, leaseUntil));
            } finally {
                renewalGate.writeLock().unlock();
            }
        }
        return renewed;
    }

    /** {@inheritDoc} */
    @Override
    public int releaseOwned(String owner, Instant now) {
        return executions.releaseOwned(owner, now);
    }

    /** {@inheritDoc} */
    @Override
    public int releaseAllRunning(Instant now) {
        return executions.releaseAllRunning(now);
    }

    /** {@inheritDoc} */
    @Override
    public int unpark(Collection<String> functions, Instant now) {
        return executions.unpark(functions, now);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading operations and callbacks: OperationsTable, CallbacksTable

    /** {@inheritDoc} */
    @Override
    public History loadHistory(String executionId) {
        return operations.loadHistory(executionId);
    }

    /** {@inheritDoc} */
    @Override
    public List<CallbackRecord> loadCallbacks(String executionId) {
        return callbacks.loadAll(executionId);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<CallbackRecord> findCallback(String callbackId) {
        return callbacks.find(callbackId);
    }

    /** {@inheritDoc} */
    @Override
    public List<ExecutionRecord> listExecutions(ExecutionStatus status, int limit) {
        return listing.list(status, limit);
    }

    @Override
    public List<dev.cairn.ExecutionSummary> listExecutions(dev.cairn.ExecutionQuery query) {
        return listing.list(query);
    }

    @Override
    public List<dev.cairn.spi.EventRecord> loadEvents(String executionId) {
        return events.select(executionId);
    }

    /** Counts executions per status; every status is present, with 0 if there is none. */
    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return listing.countByStatus();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Group commit: GroupCommit

    /**
     * Applies the checkpoints in one transaction, with one JDBC batch per kind of statement: the operation
     * inserts, the operation updates, the callback inserts and the transitions. Each statement carries its
     * checkpoint's fence: it writes, and locks the execution's row, only if the execution is still RUNNING at the
     * checkpoint's version with no cancel request; only a statement that wrote nothing costs a read of the row, to
     * learn why. Executions that end here and were invoked by another are locked with their parent first, and the
     * parent is signalled. If several checkpoints of one execution are in the batch, they are applied in their
     * order, as if committed one after the other. A lease renewal of this store waits for the group commits
     * under way, and they for it.
     *
     * @throws StoreException if the database failed (an operation or callback inserted twice, for example);
     *                        then nothing of the batch was written
     */
    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        renewalGate.readLock().lock();
        try {
            return groupCommit.commit(batch);
        } finally {
            renewalGate.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Callbacks and cancellation: CallbacksTable, ExecutionsTable

    /** {@inheritDoc} */
    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        return callbacks.complete(completion);
    }

    /** {@inheritDoc} One transaction. */
    @Override
    public CallbackUpdate completeCallback(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve,
                                           Claimant claimant) {
        return callbacks.complete(callbackId, resolve, claimant);
    }

    /** {@inheritDoc} */
    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        return callbacks.heartbeat(callbackId, now);
    }

    /** {@inheritDoc} */
    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        return callbacks.expire(callbackId, error, now);
    }

    /** {@inheritDoc} */
    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        return executions.cancel(executionId, reason, now);
    }

    /** The table prefix and dialect, for diagnostics. */
    @Override
    public String toString() {
        return "JdbcExecutionStore[" + dialect.displayName() + ", tables " + prefix + "*]";
    }
}
