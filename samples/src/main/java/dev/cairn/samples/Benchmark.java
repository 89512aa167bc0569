package dev.cairn.samples;

import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmark}: two workloads, both by default, the second alone with {@code --map}.
 *
 * <p>The map workload ({@link MapBenchmark}): one execution mapping over {@code --map-items} items (10,000) with
 * maxConcurrency {@code --map-concurrency} (64): items/s next to the plain steps/s of the same run, the heap it
 * takes, and a resume after kill -9 of a child JVM when half the items are done.
 *
 * <p>The executions workload: N executions of S steps at concurrency C on the embedded H2 file store (a fresh database),
 * next to the raw rate of one single-row INSERT plus COMMIT per step on the same database, with C threads.
 *
 * <p>Cairn's figure covers everything: starting each execution (an insert), running it on one of C engine
 * threads, a checkpoint per step (each step waits for its commit; the engine's group-commit writer batches the
 * checkpoints of concurrent executions into one transaction) and the final result. Step latency is timed
 * around each {@code ctx.step(...)} call in the workflow code of one execution running alone, for steps run
 * fresh (not replayed): it is the body (trivial here) plus serializing and committing its checkpoint. Its
 * counterpart is one INSERT + COMMIT at a time on one connection. The raw baseline opens its own connections
 * (DriverManager) on the store's database file with the URL settings {@code JdbcExecutionStore.h2} uses.
 */
public final class Benchmark {

    /** The workflow's input: how many steps, and whether to time them. */
    public record Job(int steps, boolean timed) {
    }

    /** S trivial steps. */
    @DurableWorkflow(name = "benchmark")
    public static final class StepsWorkflow implements DurableFunction<Job, Integer> {
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Integer handle(Job job, DurableContext ctx) {
            int sum = 0;
            for (int i = 0; i < job.steps(); i++) {
                int n = i;
                boolean fresh = !ctx.isReplaying();
                long t0 = System.nanoTime();
                sum += ctx.step("step-" + i, Integer.class, s -> n);
                if (job.timed() && fresh) {
                    latencies.add(System.nanoTime() - t0);
                }
            }
            return sum;
        }
    }

    private static final int LATENCY_STEPS = 1000;

    private Benchmark() {
    }

    static int run(String[] args) throws Exception {
        SampleArgs parsed = SampleArgs.parse(args, Set.of("map"), "executions", "steps", "concurrency", "map-items",
                "map-concurrency");
        int n = parsed.positiveInt("executions", 2000);
        int s = parsed.positiveInt("steps", 10);
        int c = parsed.positiveInt("concurrency", 16);
        boolean mapOnly = parsed.flag("map");
        int mapItems = parsed.positiveInt("map-items", 10_000);
        int mapConcurrency = parsed.positiveInt("map-concurrency", 64);
        Path data = parsed.freshDataDir("benchmark");
        System.out.printf("%d CPUs, load average %.1f, Java %s, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));

        double stepsPerSecond;
        String reference;
        if (mapOnly) {
            // A plain-steps figure from this run to compare the map with: as many steps as the map has items.
            int refExecutions = Math.max(1, mapItems / 10);
            Path refData = data.resolve("reference");
            System.out.printf("Reference for the map: plain steps, %d executions x 10 steps, C=16, on a fresh H2 file"
                    + " store (%s)...%n", refExecutions, refData.resolve("cairn.mv.db"));
            StepsWorkflow workflow = new StepsWorkflow();
            try (JdbcExecutionStore store = JdbcExecutionStore.h2(refData);
                 DurableEngine engine = DurableEngine.builder().store(store).register(workflow).concurrency(16)
                         .build()) {
                engine.start();
                runExecutions(engine, Math.max(1, refExecutions / 5), 10); // warm-up
                double seconds = runExecutions(engine, refExecutions, 10);
                stepsPerSecond = refExecutions * 10.0 / seconds;
            }
            reference = refExecutions + " executions x 10 steps at C=16, measured just before the map";
            System.out.printf("  %.0f steps/s%n", stepsPerSecond);
        } else {
            stepsPerSecond = stepsWorkload(n, s, c, data);
            reference = "the Cairn " + n + " x " + s + " steps, C=" + c + " row above";
        }
        String rerun = "java -jar " + jarForDisplay() + " benchmark --map --map-items " + mapItems
                + " --map-concurrency " + mapConcurrency
                + (args.length > 0 && String.join(" ", args).contains("--data") ? " --data " + data : "");
        return MapBenchmark.run(data, mapItems, mapConcurrency, stepsPerSecond, reference, rerun);
    }

    /** This jar's path, relative to the current directory if it is under it. */
    private static String jarForDisplay() {
        try {
            Path jar = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path cwd = Path.of("").toAbsolutePath();
            if (jar.toString().endsWith(".jar")) {
                return jar.startsWith(cwd) ? cwd.relativize(jar).toString() : jar.toString();
            }
        } catch (Exception e) {
            // fall through
        }
        return "samples/target/cairn-samples.jar";
    }

    /** The executions x steps workload, next to raw JDBC; returns Cairn's steps/s. */
    private static double stepsWorkload(int n, int s, int c, Path data) throws Exception {
        System.out.printf("Cairn benchmark: %d executions x %d steps, concurrency %d (engine threads = JDBC threads)"
                + "%n", n, s, c);
        System.out.println("H2 file database (fresh): " + data.resolve("cairn.mv.db"));

        StepsWorkflow workflow = new StepsWorkflow();
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store).register(workflow).concurrency(c).build()) {
            engine.start();
            try (RawJdbc raw = new RawJdbc(data, c)) {
                int warm = Math.min(n, Math.max(4 * c, n / 10));
                System.out.printf("warm-up: %d executions and %d raw commits...%n", warm, warm * s);
                runExecutions(engine, warm, s);
                raw.insertCommits(warm * s);
                runLatency(engine, workflow, 200);
                raw.latencies(200);

                System.out.println("measuring...");
                double rawSeconds = raw.insertCommits(n * s);
                double cairnSeconds = runExecutions(engine, n, s);
                Sequential cairnAlone = runLatency(engine, workflow, LATENCY_STEPS);
                Sequential rawAlone = raw.latencies(LATENCY_STEPS);

                double cairnSteps = n * (double) s / cairnSeconds;
                double rawCommits = n * (double) s / rawSeconds;
                System.out.println();
                String row = "%-40s %12s %10s %10s %10s %8s%n";
                System.out.printf(row, "", "executions/s", "steps/s", "p50", "p99", "time");
                System.out.printf(row, "Cairn: " + n + " x " + s + " steps, C=" + c, rate(n / cairnSeconds),
                        rate(cairnSteps), "", "", seconds(cairnSeconds));
                System.out.printf(row, "raw JDBC INSERT+COMMIT, C=" + c + " threads", "", rate(rawCommits), "", "",
                        seconds(rawSeconds));
                System.out.printf(row, "Cairn: 1 execution of " + LATENCY_STEPS + " steps alone", "",
                        rate(LATENCY_STEPS / cairnAlone.seconds()), ms(percentile(cairnAlone.latencies(), 50)),
                        ms(percentile(cairnAlone.latencies(), 99)), seconds(cairnAlone.seconds()));
                System.out.printf(row, "raw JDBC INSERT+COMMIT, 1 connection", "",
                        rate(LATENCY_STEPS / rawAlone.seconds()), ms(percentile(rawAlone.latencies(), 50)),
                        ms(percentile(rawAlone.latencies(), 99)), seconds(rawAlone.seconds()));
                System.out.printf("%nCairn steps/s / raw commits/s at C=%d: %.2f%n%n", c, cairnSteps / rawCommits);
                System.out.println("""
                        How it is measured (same JVM, same H2 database file, same run):
                        - Cairn steps/s: N x S / wall time from the first startExecution to the last result, with N
                          executions started at once and run C at a time. It includes the start (an insert), every
                          step's checkpoint (each step waits for its commit; concurrent executions' checkpoints
                          share a transaction through the group-commit writer) and each execution's end.
                        - raw commits/s: N x S single-row INSERT + COMMIT (a row shaped like a step checkpoint), on C
                          threads with a JDBC connection each, opened with DriverManager on the same H2 file with the
                          same URL settings as JdbcExecutionStore.h2 (WRITE_DELAY=0: every commit is written at once).
                        - p50/p99, Cairn: time around each ctx.step() call in the code of one execution of %d steps
                          running alone, fresh steps only (none was replayed): running the (trivial) body,
                          serializing its result and committing the checkpoint. Its steps/s: %d / that run's time.
                        - p50/p99, raw: one INSERT + COMMIT on one connection, %d times in a row.
                        - Warm-up first, not measured: %d executions, %d raw commits, and both sequential runs
                          with 200 steps."""
                        .formatted(LATENCY_STEPS, LATENCY_STEPS, LATENCY_STEPS, warm, warm * s));
                return cairnSteps;
            }
        }
    }

    /** Starts {@code executions} executions at once and waits for all; returns the seconds it took. */
    private static double runExecutions(DurableEngine engine, int executions, int steps) throws Exception {
        int expected = steps * (steps - 1) / 2;
        long t0 = System.nanoTime();
        List<CompletableFuture<Integer>> results = new ArrayList<>(executions);
        for (int i = 0; i < executions; i++) {
            results.add(engine.startExecution(StepsWorkflow.class, new Job(steps, false)).future());
        }
        for (CompletableFuture<Integer> r : results) {
            int sum = r.get(5, TimeUnit.MINUTES);
            if (sum != expected) {
                throw new IllegalStateException("an execution returned " + sum + ", expected " + expected);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A sequential run: each step's (or commit's) latency in nanoseconds, and the run's time in seconds. */
    private record Sequential(List<Long> latencies, double seconds) {
    }

    /** Runs one execution of {@code steps} steps alone, timing each fresh step. */
    private static Sequential runLatency(DurableEngine engine, StepsWorkflow workflow, int steps) {
        workflow.latencies.clear();
        long t0 = System.nanoTime();
        engine.startExecution(StepsWorkflow.class, new Job(steps, true)).result(java.time.Duration.ofMinutes(2));
        double seconds = (System.nanoTime() - t0) / 1e9;
        synchronized (workflow.latencies) {
            return new Sequential(new ArrayList<>(workflow.latencies), seconds);
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String ms(long nanos) {
        return String.format("%.3f ms", nanos / 1e6);
    }

    private static String rate(double perSecond) {
        return String.format("%.0f", perSecond);
    }

    private static String seconds(double seconds) {
        return String.format("%.2f s", seconds);
    }

    /** The raw baseline: C connections of its own on the store's H2 database file. */
    private static final class RawJdbc implements AutoCloseable {
        private final List<Connection> connections = new ArrayList<>();
        private final ExecutorService threads;
        private int batch;

        RawJdbc(Path data, int concurrency) throws SQLException {
            // The URL JdbcExecutionStore.h2(data) opens (its h2Url() is package-private, so it is copied here).
            // In one JVM, H2 shares the open database between connections to the same file.
            String url = "jdbc:h2:file:" + data.resolve("cairn") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                    + ";LOCK_TIMEOUT=10000";
            for (int i = 0; i < concurrency; i++) {
                Connection connection = DriverManager.getConnection(url, "sa", "");
                connection.setAutoCommit(false);
                connections.add(connection);
            }
            try (Statement st = connections.get(0).createStatement()) {
                st.execute("CREATE TABLE bench_raw (execution_id VARCHAR(255) NOT NULL, operation_id VARCHAR(255)"
                        + " NOT NULL, name VARCHAR, status VARCHAR(32) NOT NULL, attempt INT NOT NULL, result CLOB,"
                        + " started_at BIGINT, ended_at BIGINT, PRIMARY KEY (execution_id, operation_id))");
                connections.get(0).commit();
            }
            threads = Executors.newFixedThreadPool(concurrency);
        }

        /** {@code total} single-row INSERT + COMMIT, spread over the connections; returns the seconds it took. */
        double insertCommits(int total) throws Exception {
            int batchId = ++batch;
            int per = total / connections.size();
            List<Future<?>> done = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < connections.size(); t++) {
                Connection connection = connections.get(t);
                int count = per + (t < total % connections.size() ? 1 : 0);
                String prefix = "raw-" + batchId + "-" + t + "-";
                done.add(threads.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        insertOne(connection, prefix, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        /** {@code count} INSERT + COMMIT in a row on one connection, timing each. */
        Sequential latencies(int count) throws SQLException {
            String prefix = "lat-" + (++batch) + "-";
            List<Long> result = new ArrayList<>(count);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                insertOne(connections.get(0), prefix, i);
                result.add(System.nanoTime() - t0);
            }
            return new Sequential(result, (System.nanoTime() - start) / 1e9);
        }

        private static void insertOne(Connection connection, String prefix, int i) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO bench_raw (execution_id, operation_id,"
                    + " name, status, attempt, result, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                long now = System.currentTimeMillis();
                ps.setString(1, prefix + (i / 10));
                ps.setString(2, String.valueOf(i % 10 + 1));
                ps.setString(3, "step-" + (i % 10));
                ps.setString(4, "SUCCEEDED");
                ps.setInt(5, 1);
                ps.setString(6, String.valueOf(i % 10));
                ps.setLong(7, now);
                ps.setLong(8, now);
                ps.executeUpdate();
            }
            connection.commit();
        }

        @Override
        public void close() throws SQLException {
            threads.shutdownNow();
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }
}
