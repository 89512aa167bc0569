package dev.cairn.samples;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.samples.Benchmark.Job;
import dev.cairn.samples.Benchmark.StepsWorkflow;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The executions workload of the {@code benchmark}: N executions of S trivial sequential steps, driven by C
 * closed-loop clients (each starts an execution, waits for its result, starts the next), on one database, for
 * three drivers measured in the same run on the same database with the same C, N and S:
 *
 * <ul>
 *   <li>{@code cairn}: a {@link DurableEngine} of concurrency C on a HikariCP pool of C+4 connections; an
 *       execution is a start, S steps (each returns once its checkpoint is committed) and an end.</li>
 *   <li>{@code raw single commit}: an execution is S single-row INSERTs into {@value #RAW_TABLE}, each followed by a
 *       COMMIT, on the client's own connection.</li>
 *   <li>{@code raw batch}: an execution is its S rows as one JDBC batch and one COMMIT.</li>
 * </ul>
 *
 * <p>Each driver is warmed up (not measured) before it is measured, and the tables it writes are emptied with
 * TRUNCATE before its measured run; after it, the rows it wrote are counted, and a wrong count fails the
 * benchmark.
 */
final class ExecutionsBenchmark {

    /** The raw drivers' table. */
    static final String RAW_TABLE = "bench_raw_steps";

    static final String CAIRN = "cairn";
    static final String RAW_SINGLE = "raw single commit";
    static final String RAW_BATCH = "raw batch";

    /** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double MILLIS_PER_TICK = 10.0;

    private ExecutionsBenchmark() {
    }

    /** The measured run of one driver at one concurrency. */
    record Result(int concurrency, String driver, int executions, int steps, double seconds, long[] sortedLatencies,
                  long cpuNanos, long hostBusyTicks) {

        double stepsPerSecond() {
            return executions * (double) steps / seconds;
        }

        double latencyMillis(int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sortedLatencies.length) - 1;
            return sortedLatencies[Math.max(0, Math.min(sortedLatencies.length - 1, index))] / 1e6;
        }

        double cpuMillisPerStep() {
            return cpuNanos / 1e6 / (executions * (double) steps);
        }

        /** Host busy ms per step, or NaN where /proc/stat cannot be read. */
        double hostMillisPerStep() {
            return hostBusyTicks < 0 ? Double.NaN : hostBusyTicks * MILLIS_PER_TICK / (executions * (double) steps);
        }
    }

    /**
     * Runs the workload at each concurrency in turn and prints the results table, then {@code rerun}.
     *
     * @return the results, per concurrency in the driver order cairn, raw single commit, raw batch
     * @throws IllegalStateException if an execution's result or a run's row count is not what it should be
     */
    static List<Result> run(BenchDatabase db, int executions, int steps, List<Integer> concurrencies, int warmupSteps,
            PrintStream out, String rerun) throws Exception {
        return run(db, executions, steps, concurrencies, warmupSteps, LISTENER_NONE, out, rerun);
    }

    /** No listener on Cairn's engine. */
    static final String LISTENER_NONE = "none";
    /** {@code CairnMetrics} on a {@code SimpleMeterRegistry}, bound to Cairn's engine. */
    static final String LISTENER_MICROMETER = "micrometer";
    /** {@code CairnTracing} on the OpenTelemetry SDK, its spans batched to an exporter that drops them. */
    static final String LISTENER_OTEL = "otel";
    /** Both {@link #LISTENER_MICROMETER} and {@link #LISTENER_OTEL}. */
    static final String LISTENER_ALL = "all";
    /** The {@code --listener} choices. */
    static final List<String> LISTENERS = List.of(LISTENER_NONE, LISTENER_MICROMETER, LISTENER_OTEL, LISTENER_ALL);

    static boolean metrics(String listener) {
        return listener.equals(LISTENER_MICROMETER) || listener.equals(LISTENER_ALL);
    }

    static boolean tracing(String listener) {
        return listener.equals(LISTENER_OTEL) || listener.equals(LISTENER_ALL);
    }

    static String describeListener(String listener) {
        List<String> parts = new ArrayList<>();
        if (metrics(listener)) {
            parts.add("CairnMetrics (cairn-micrometer) on a SimpleMeterRegistry, bound to the engine");
        }
        if (tracing(listener)) {
            parts.add("CairnTracing (cairn-opentelemetry) on the OpenTelemetry SDK, spans batched to an exporter that"
                    + " drops them");
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    /** Takes spans and drops them: the SDK's work is measured, not an exporter's. */
    private static final class DroppingExporter implements io.opentelemetry.sdk.trace.export.SpanExporter {
        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode export(
                java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode flush() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }

        @Override
        public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
            return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
        }
    }

    /**
     * Runs the workload as {@link #run(BenchDatabase, int, int, List, int, PrintStream, String)} does, with Cairn's
     * engine told of its work by {@code listener} ({@link #LISTENER_NONE} or {@link #LISTENER_MICROMETER}).
     */
    static List<Result> run(BenchDatabase db, int executions, int steps, List<Integer> concurrencies, int warmupSteps,
            String listener, PrintStream out, String rerun) throws Exception {
        out.printf("Executions workload: %d executions x %d steps per driver and concurrency, closed loop (each of C"
                + " clients starts an execution, waits for its result, starts the next), C = %s%n", executions, steps,
                String.join(", ", concurrencies.stream().map(String::valueOf).toList()));
        out.println("Database: " + db.describe());
        out.println("Listener on Cairn's engine: " + describeListener(listener));
        createRawTable(db);
        List<Result> results = new ArrayList<>();
        int fullWarmup = Math.max(1, ceilDiv(warmupSteps, steps));
        for (int i = 0; i < concurrencies.size(); i++) {
            int c = concurrencies.get(i);
            // The first level warms the JIT up; the later ones only open their connections and threads.
            int warm = i == 0 ? fullWarmup : Math.max(2 * c, fullWarmup / 5);
            out.printf("C=%d: warm-up %d executions per driver, then %d measured%n", c, warm, executions);
            for (String name : List.of(CAIRN, RAW_SINGLE, RAW_BATCH)) {
                try (Driver driver = name.equals(CAIRN) ? new CairnDriver(db, steps, listener) : new RawDriver(db, steps,
                        name.equals(RAW_BATCH))) {
                    driver.open(c);
                    closedLoop(driver, name, c, warm, steps, "w");
                    driver.clean();
                    Result r = closedLoop(driver, name, c, executions, steps, "m");
                    String checked = driver.check(executions, steps);
                    results.add(r);
                    out.printf("  %-18s %8.0f steps/s in %6.2f s; checked: %s%n", name, r.stepsPerSecond(), r.seconds(),
                            checked);
                }
            }
        }
        printTable(results, out);
        out.println();
        out.println("Rerun: " + rerun);
        return results;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void printTable(List<Result> results, PrintStream out) {
        out.println();
        String header = "%4s  %-18s %9s %8s %8s %12s %13s %13s%n";
        String row = "%4d  %-18s %9.0f %8.2f %8.2f %12.3f %13s %13.2f%n";
        out.printf(header, "C", "driver", "steps/s", "p50 ms", "p99 ms", "cpu ms/step", "host ms/step",
                "x raw single");
        for (Result r : results) {
            double single = results.stream().filter(o -> o.concurrency() == r.concurrency()
                    && o.driver().equals(RAW_SINGLE)).findFirst().orElseThrow().stepsPerSecond();
            double host = r.hostMillisPerStep();
            out.printf(row, r.concurrency(), r.driver(), r.stepsPerSecond(), r.latencyMillis(50), r.latencyMillis(99),
                    r.cpuMillisPerStep(), Double.isNaN(host) ? "n/a" : String.format("%.3f", host),
                    r.stepsPerSecond() / single);
        }
        out.println();
        out.println("""
                steps/s       executions x steps / wall time of the measured run (first start to last result)
                p50, p99      one execution, timed in its client: Cairn from startExecution to its result (start,
                              S checkpoints, end); raw single commit S x (INSERT + COMMIT); raw batch one batch of S
                              INSERTs + COMMIT
                cpu ms/step   this JVM's CPU time over the run (getProcessCpuTime) / steps; on H2 that includes the
                              database, which runs in this JVM
                host ms/step  the machine's busy time over the run from /proc/stat (all CPUs, not idle or iowait)
                              / steps: includes the database server, and anything else running on the machine
                x raw single  steps/s / the raw single commit steps/s at the same C
                Cairn runs with engine concurrency C on a HikariCP pool of C+4 connections; each raw client has a
                connection of its own to the same URL. Cairn's tables (cairn_* but cairn_schema_version) and the
                raw table are emptied before each measured run.""");
    }

    // ------------------------------------------------------------------------------------------------ the loop

    /** What a measurement reads before and after the run. */
    private record Snapshot(long nanos, long cpuNanos, long hostBusyTicks) {
        static Snapshot now() {
            return new Snapshot(System.nanoTime(), readProcessCpuNanos(), readHostBusyTicks());
        }
    }

    /**
     * {@code executions} executions of {@code driver} on {@code clients} closed-loop client threads; the first
     * failure stops every client and is thrown.
     */
    static Result closedLoop(Driver driver, String name, int clients, int executions, int steps, String tag)
            throws Exception {
        long[] latencies = new long[executions];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < executions) {
                        long t0 = System.nanoTime();
                        driver.runExecution(client, tag + "-" + i);
                        latencies[i] = System.nanoTime() - t0;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-client-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Snapshot before = Snapshot.now();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Snapshot after = Snapshot.now();
        if (failure.get() != null) {
            throw new IllegalStateException(name + " failed at C=" + clients + ": " + failure.get(), failure.get());
        }
        Arrays.sort(latencies);
        long host = before.hostBusyTicks() < 0 || after.hostBusyTicks() < 0 ? -1
                : after.hostBusyTicks() - before.hostBusyTicks();
        return new Result(clients, name, executions, steps, (after.nanos() - before.nanos()) / 1e9, latencies,
                after.cpuNanos() - before.cpuNanos(), host);
    }

    private static long readProcessCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /**
     * The machine's busy ticks from the first line of /proc/stat: user, nice, system, irq, softirq and steal
     * (guest time is already in user); idle and iowait left out. -1 where it cannot be read.
     */
    static long readHostBusyTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 9) {
                return -1;
            }
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // --------------------------------------------------------------------------------------------- the drivers

    /** One way to run an execution of S steps, on C clients. */
    interface Driver extends AutoCloseable {
        /** Gets ready for {@code clients} clients. */
        void open(int clients) throws Exception;

        /** Runs one execution on client {@code client}'s resources; {@code id} is unique until {@link #clean()}. */
        void runExecution(int client, String id) throws Exception;

        /** Empties the tables this driver writes. */
        void clean() throws Exception;

        /**
         * Checks the rows of a run of {@code executions} executions of {@code steps} steps since {@link #clean()}.
         *
         * @return what was checked, for the report
         * @throws IllegalStateException if they are not all there
         */
        String check(int executions, int steps) throws Exception;

        @Override
        void close() throws Exception;
    }

    /** Cairn: an engine of concurrency C on a pool of C+4 connections, emptied tables. */
    static final class CairnDriver implements Driver {
        private final BenchDatabase db;
        private final int steps;
        private final int expectedSum;
        private HikariDataSource pool;
        private JdbcExecutionStore store;
        private DurableEngine engine;
        private final String listener;
        private io.opentelemetry.sdk.trace.SdkTracerProvider tracerProvider;

        CairnDriver(BenchDatabase db, int steps, String listener) {
            this.db = db;
            this.steps = steps;
            this.listener = listener;
            this.expectedSum = steps * (steps - 1) / 2;
        }

        @Override
        public void open(int clients) throws Exception {
            pool = db.pool("cairn-bench", clients + 4);
            store = db.store(pool);
            store.initialize(); // the tables exist before they are emptied
            db.cleanCairnTables(pool);
            DurableEngine.Builder builder = DurableEngine.builder().store(store).register(new StepsWorkflow())
                    .concurrency(clients);
            dev.cairn.micrometer.CairnMetrics metrics = null;
            if (metrics(listener)) {
                metrics = dev.cairn.micrometer.CairnMetrics.create(
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
                builder.listener(metrics);
            }
            if (tracing(listener)) {
                tracerProvider = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                        .addSpanProcessor(io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(
                                new DroppingExporter()).build())
                        .build();
                dev.cairn.opentelemetry.CairnTracing.create(io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                        .setTracerProvider(tracerProvider).build()).applyTo(builder);
            }
            engine = builder.build();
            if (metrics != null) {
                metrics.bindTo(engine);
            }
            engine.start();
        }

        @Override
        public void runExecution(int client, String id) {
            int sum = engine.startExecution(StepsWorkflow.class, new Job(steps)).result(Duration.ofMinutes(2));
            if (sum != expectedSum) {
                throw new IllegalStateException("an execution returned " + sum + ", expected " + expectedSum);
            }
        }

        @Override
        public void clean() throws SQLException {
            db.cleanCairnTables(pool);
        }

        @Override
        public String check(int executions, int steps) throws SQLException {
            String p = BenchDatabase.PREFIX;
            try (Connection c = pool.getConnection()) {
                long all = BenchDatabase.count(c, "SELECT COUNT(*) FROM " + p + "executions");
                long succeeded = BenchDatabase.count(c, "SELECT COUNT(*) FROM " + p + "executions WHERE status = "
                        + "'SUCCEEDED'");
                long stepRows = BenchDatabase.count(c, "SELECT COUNT(*) FROM " + p + "operations WHERE type = 'STEP'"
                        + " AND status = 'SUCCEEDED'");
                if (all != executions || succeeded != executions || stepRows != (long) executions * steps) {
                    throw new IllegalStateException("after " + executions + " executions of " + steps + " steps, "
                            + p + "executions has " + all + " rows (" + succeeded + " SUCCEEDED) and " + p
                            + "operations " + stepRows + " succeeded steps; expected " + executions + " and "
                            + (long) executions * steps);
                }
                return executions + " executions SUCCEEDED, " + stepRows + " step rows";
            }
        }

        @Override
        public void close() throws Exception {
            try {
                if (engine != null) {
                    engine.close();
                }
                if (store != null) {
                    store.close();
                }
            } finally {
                if (pool != null) {
                    pool.close();
                }
                if (tracerProvider != null) {
                    tracerProvider.close();
                }
            }
        }
    }

    /** Creates the raw drivers' table afresh: PK (workflow_id, step_no), a row shaped like a step's checkpoint. */
    static void createRawTable(BenchDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + RAW_TABLE);
            s.execute("CREATE TABLE " + RAW_TABLE + " (workflow_id VARCHAR(64) NOT NULL, step_no INT NOT NULL,"
                    + " name VARCHAR(200) NOT NULL, status VARCHAR(32) NOT NULL, result VARCHAR(1000),"
                    + " created_at BIGINT NOT NULL, PRIMARY KEY (workflow_id, step_no))");
            c.commit();
        }
    }

    /** Raw JDBC: each client its own connection; a step is a row, committed alone or with its execution's. */
    static final class RawDriver implements Driver {
        private final BenchDatabase db;
        private final int steps;
        private final boolean batch;
        private final List<Connection> connections = new ArrayList<>();
        private final List<PreparedStatement> inserts = new ArrayList<>();

        RawDriver(BenchDatabase db, int steps, boolean batch) {
            this.db = db;
            this.steps = steps;
            this.batch = batch;
        }

        @Override
        public void open(int clients) throws SQLException {
            for (int i = 0; i < clients; i++) {
                Connection c = db.connect();
                connections.add(c);
                inserts.add(c.prepareStatement("INSERT INTO " + RAW_TABLE + " (workflow_id, step_no, name, status,"
                        + " result, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
            }
        }

        @Override
        public void runExecution(int client, String id) throws SQLException {
            Connection c = connections.get(client);
            PreparedStatement ps = inserts.get(client);
            for (int step = 0; step < steps; step++) {
                ps.setString(1, id);
                ps.setInt(2, step + 1);
                ps.setString(3, "step-" + step);
                ps.setString(4, "SUCCEEDED");
                ps.setString(5, String.valueOf(step));
                ps.setLong(6, System.currentTimeMillis());
                if (batch) {
                    ps.addBatch();
                } else {
                    ps.executeUpdate();
                    c.commit();
                }
            }
            if (batch) {
                ps.executeBatch();
                c.commit();
            }
        }

        @Override
        public void clean() throws SQLException {
            BenchDatabase.truncate(connections.get(0), List.of(RAW_TABLE));
        }

        @Override
        public String check(int executions, int steps) throws SQLException {
            Connection c = connections.get(0);
            long rows = BenchDatabase.count(c, "SELECT COUNT(*) FROM " + RAW_TABLE);
            long ids = BenchDatabase.count(c, "SELECT COUNT(DISTINCT workflow_id) FROM " + RAW_TABLE);
            if (rows != (long) executions * steps || ids != executions) {
                throw new IllegalStateException(RAW_TABLE + " has " + rows + " rows of " + ids + " executions, "
                        + "expected " + (long) executions * steps + " of " + executions);
            }
            return rows + " rows of " + ids + " executions";
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : connections) {
                c.close();
            }
        }
    }
}
