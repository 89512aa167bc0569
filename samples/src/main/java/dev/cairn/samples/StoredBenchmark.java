package dev.cairn.samples;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code stored-benchmark}: whether starting work gets slower as work piles up in the database. It measures the
 * start-and-suspend rate (executions started by C client threads, each running one step and then suspending on a
 * one-hour wait) three times on the same database: on empty tables, with {@code --stored} executions (1,000,000)
 * suspended in the tables whose statistics the database has not gathered yet, and again after {@code ANALYZE}.
 * A new deployment sees the first two; a database that has been running a while sees the third.
 *
 * <p>The rate counts from the first start until the last of the {@code --executions} (20,000) is suspended in the
 * store. A first phase, not counted, warms the JVM up; its executions are deleted before the first counted one. The stored executions are copies of those the first phase suspended (same columns, same two operations
 * each), written with one {@code INSERT ... SELECT} per 100,000 rows, under ids that sort before the ids of new
 * executions as the ids of older executions do; it would take the engine minutes to write them one by one.
 */
final class StoredBenchmark {

    /** One step, then a wait of an hour: an execution that ends up suspended. */
    @DurableWorkflow(name = "stored-benchmark")
    static final class StepThenWait implements DurableFunction<Integer, Integer> {
        @Override
        public Integer handle(Integer input, DurableContext ctx) {
            int value = ctx.step("one", Integer.class, s -> input + 1);
            ctx.wait("pause", Duration.ofHours(1));
            return value;
        }
    }

    private static final int FILL_CHUNK = 100_000;

    private StoredBenchmark() {
    }

    static int run(String[] argv) throws Exception {
        return run(argv, System.out);
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        SampleArgs args = SampleArgs.parse(argv, "data", "store", "url", "user", "password", "executions", "stored",
                "concurrency");
        Path data = args.freshDataDir("stored-benchmark");
        BenchDatabase db = BenchDatabase.of(args, data);
        int executions = args.positiveInt("executions", 20_000);
        int stored = args.positiveInt("stored", 1_000_000);
        int clients = args.positiveInt("concurrency", 16);
        out.printf("stored-benchmark on %s (%s): %,d executions started by %d clients, each one step then a"
                + " wait, on empty tables, then with %,d stored%n%n", db.store(), db.url(), executions, clients, stored);
        List<String[]> rows = new ArrayList<>();
        try (HikariDataSource pool = db.pool("cairn-stored-benchmark", clients + 4)) {
            // A warm-up phase (for the JIT) creates the tables; then they are emptied, so the run starts from nothing.
            phase(db, pool, executions, clients);
            db.cleanCairnTables(pool);

            double empty = phase(db, pool, executions, clients);
            rows.add(row("empty tables", count(pool), empty, empty));

            long t0 = System.nanoTime();
            fill(db, pool, stored);
            if (db.store().equals("postgres")) {
                execute(pool, "CHECKPOINT"); // the fill's pages written out, not during the next phase
            }
            out.printf("stored %,d more executions in %.1f s%n", stored, (System.nanoTime() - t0) / 1e9);
            double unanalyzed = phase(db, pool, executions, clients);
            rows.add(row("stored, not analyzed", count(pool), unanalyzed, empty));

            analyze(db, pool);
            if (db.store().equals("postgres")) {
                execute(pool, "CHECKPOINT");
            }
            double analyzed = phase(db, pool, executions, clients);
            rows.add(row("stored, analyzed", count(pool), analyzed, empty));
        }
        out.println();
        out.printf("%-22s %12s %14s %10s%n", "tables", "executions", "starts/s", "x empty");
        for (String[] r : rows) {
            out.printf("%-22s %12s %14s %10s%n", (Object[]) r);
        }
        out.println();
        out.println("starts/s: executions started and suspended per second (one step, then a wait), from the"
                + " first start until the last is suspended in the store");
        out.println();
        out.println("Rerun: java -jar samples/target/cairn-samples.jar stored-benchmark --store " + db.store()
                + (db.isH2() ? "" : " --url " + db.url() + " --user " + db.user())
                + " --executions " + executions + " --stored " + stored + " --concurrency " + clients);
        return 0;
    }

    private static String[] row(String label, long count, double rate, double empty) {
        return new String[] {label, String.format("%,d", count), String.format("%,.0f", rate),
                String.format("%.2f", rate / empty)};
    }

    private static DurableEngine engine(BenchDatabase db, HikariDataSource pool) {
        return DurableEngine.builder().store(db.store(pool)).register(new StepThenWait()).concurrency(32).build();
    }

    /** Starts {@code n} executions from {@code clients} threads; the rate at which they end up suspended. */
    private static double phase(BenchDatabase db, HikariDataSource pool, int n, int clients) throws Exception {
        try (DurableEngine engine = engine(db, pool)) {
            engine.start();
            long since = System.currentTimeMillis() - 1;
            ExecutorService threads = Executors.newFixedThreadPool(clients);
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    done.add(threads.submit(() -> {
                        int k;
                        while ((k = next.getAndIncrement()) < n) {
                            engine.startExecution(StepThenWait.class, k);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                threads.shutdown();
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (suspendedSince(pool, since) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the executions did not all suspend within 10 minutes");
                }
                Thread.sleep(20); // polling the store for the end of the phase, not timing anything
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static long suspendedSince(HikariDataSource pool, long sinceMillis) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + BenchDatabase.PREFIX
                     + "executions WHERE created_at >= ? AND status = 'SUSPENDED'")) {
            ps.setLong(1, sinceMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                return n;
            }
        }
    }

    private static long count(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + BenchDatabase.PREFIX + "executions")) {
            rs.next();
            long n = rs.getLong(1);
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        }
    }

    /** Copies a suspended execution and its operations {@code n} times, {@value #FILL_CHUNK} rows a statement. */
    private static void fill(BenchDatabase db, HikariDataSource pool, int n) throws SQLException {
        String executions = BenchDatabase.PREFIX + "executions";
        String operations = BenchDatabase.PREFIX + "operations";
        String source;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MIN(id) FROM " + executions + " WHERE status = 'SUSPENDED'")) {
            rs.next();
            source = rs.getString(1);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        if (source == null) {
            throw new IllegalStateException("no suspended execution to copy");
        }
        String columns = "name, function_name, status, input, output, error_type, error_message, error_stack,"
                + " created_at, updated_at, ended_at, wake_at, owner, lease_until, version, signals, cancel_reason,"
                + " timeout_at, parent_id";
        String opColumns = "operation_id, parent_id, type, sub_type, name, status, attempt, result, error_type,"
                + " error_message, error_stack, scheduled_at, started_at, ended_at";
        for (int from = 1; from <= n; from += FILL_CHUNK) {
            int to = Math.min(n, from + FILL_CHUNK - 1);
            String numbers = numbers(db, from, to);
            String id = fillId(db);
            execute(pool, "INSERT INTO " + executions + " (id, " + columns + ") SELECT " + id + ", "
                    + columns.replace("name, function_name", "e.name, e.function_name") + " FROM " + executions
                    + " e, " + numbers + " WHERE e.id = '" + source + "'");
            execute(pool, "INSERT INTO " + operations + " (execution_id, " + opColumns + ") SELECT " + id + ", "
                    + opColumns + " FROM " + operations + " o, " + numbers + " WHERE o.execution_id = '" + source
                    + "'");
        }
    }

    /** A table of the numbers {@code from..to} in column {@code g}. */
    private static String numbers(BenchDatabase db, int from, int to) {
        return switch (db.store()) {
            case "postgres" -> "generate_series(" + from + ", " + to + ") AS t(g)";
            case "mariadb" -> "(SELECT seq AS g FROM seq_" + from + "_to_" + to + ") t";
            default -> "SYSTEM_RANGE(" + from + ", " + to + ") t(g)";
        };
    }

    /** An id for copy number {@code g}: a UUID whose leading digits sort before those of any new execution. */
    private static String fillId(BenchDatabase db) {
        String hex = switch (db.store()) {
            case "postgres" -> "lpad(to_hex(g), 8, '0')";
            case "mariadb" -> "LPAD(LOWER(HEX(g)), 8, '0')";
            default -> "LPAD(CAST(g AS VARCHAR), 8, '0')";
        };
        return db.store().equals("mariadb")
                ? "CONCAT(" + hex + ", '-0000-7000-8000-000000000000')"
                : hex + " || '-0000-7000-8000-000000000000'";
    }

    private static void analyze(BenchDatabase db, HikariDataSource pool) throws SQLException {
        switch (db.store()) {
            case "postgres" -> {
                execute(pool, "ANALYZE " + BenchDatabase.PREFIX + "executions");
                execute(pool, "ANALYZE " + BenchDatabase.PREFIX + "operations");
            }
            case "mariadb" -> execute(pool, "ANALYZE TABLE " + BenchDatabase.PREFIX + "executions, "
                    + BenchDatabase.PREFIX + "operations");
            default -> execute(pool, "ANALYZE");
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
