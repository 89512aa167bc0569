package dev.cairn.samples;

import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmark}: two workloads, both by default, the first alone with {@code --no-map}, the second alone with
 * {@code --map}.
 *
 * <p>The executions workload ({@link ExecutionsBenchmark}): N executions ({@code --executions}, 2000) of S trivial
 * sequential steps ({@code --steps}, 10), driven by C closed-loop clients ({@code --concurrency}, 1; a list such as
 * {@code 1,16} runs each in turn), on the database {@code --store h2|postgres|mariadb} names (H2 by default: a file
 * in the data directory, deleted first; {@code --url}, {@code --user}, {@code --password} point elsewhere, see
 * {@link BenchDatabase}). Cairn is measured next to two raw JDBC baselines on the same database in the same run:
 * a single-row INSERT and a COMMIT per step, and an execution's rows as one batch and one COMMIT. Each driver is
 * warmed up first ({@code --warmup-steps}, 10,000 steps' worth of executions); the figures are steps/s, p50 and
 * p99 per execution, CPU per step in this JVM and on the whole machine, and the ratio to the raw single commits.
 * {@code --listener micrometer} gives Cairn's engine {@code CairnMetrics} on a {@code SimpleMeterRegistry},
 * {@code --listener otel} gives it {@code CairnTracing} on the OpenTelemetry SDK (spans batched to an exporter that
 * drops them), {@code --listener all} both, to measure what recording metrics and traces costs ({@code none}, the
 * default, gives it no listener).
 *
 * <p>The map workload ({@link MapBenchmark}), on H2 only: one execution mapping over {@code --map-items} items
 * (10,000) with maxConcurrency {@code --map-concurrency} (64): items/s next to the plain steps/s of the same run,
 * the heap it takes, and a resume after kill -9 of a child JVM when half the items are done.
 */
public final class Benchmark {

    /**
     * The workflow's input: how many steps.
     *
     * @param steps how many steps
     */
    public record Job(int steps) {
    }

    /** S trivial steps: step i returns i; the result is their sum. */
    @DurableWorkflow(name = "benchmark")
    public static final class StepsWorkflow implements DurableFunction<Job, Integer> {
        @Override
        public Integer handle(Job job, DurableContext ctx) {
            int sum = 0;
            for (int i = 0; i < job.steps(); i++) {
                int n = i;
                sum += ctx.step("step-" + i, Integer.class, s -> n);
            }
            return sum;
        }
    }

    private Benchmark() {
    }

    static int run(String[] args) throws Exception {
        return run(args, System.out);
    }

    /** Runs the benchmark; the executions workload prints to {@code out}, the map workload to System.out. */
    static int run(String[] args, PrintStream out) throws Exception {
        SampleArgs parsed = SampleArgs.parse(args, Set.of("map", "no-map"), "executions", "steps", "concurrency",
                "warmup-steps", "store", "url", "user", "password", "map-items", "map-concurrency", "listener");
        int n = parsed.positiveInt("executions", 2000);
        int s = parsed.positiveInt("steps", 10);
        List<Integer> concurrencies = parsed.positiveInts("concurrency", List.of(1));
        int warmupSteps = parsed.positiveInt("warmup-steps", 10_000);
        boolean mapOnly = parsed.flag("map");
        boolean noMap = parsed.flag("no-map");
        int mapItems = parsed.positiveInt("map-items", 10_000);
        int mapConcurrency = parsed.positiveInt("map-concurrency", 64);
        String listener = parsed.choice("listener", ExecutionsBenchmark.LISTENER_NONE,
                ExecutionsBenchmark.LISTENERS);
        if (mapOnly && noMap) {
            throw new SampleArgs.UsageException("--map runs the map workload alone, --no-map leaves it out: not both");
        }
        Path data = parsed.dataDir("benchmark");
        BenchDatabase db = BenchDatabase.of(parsed, data.resolve("executions"));
        if (mapOnly && !db.isH2()) {
            throw new SampleArgs.UsageException("the map workload (--map) runs on the embedded H2 store only");
        }
        boolean runMap = mapOnly || (!noMap && db.isH2());
        if (runMap || (db.isH2() && !parsed.has("url"))) {
            SampleArgs.deleteRecursively(data);
        }
        out.printf("%d CPUs, load average %.1f, Java %s, max heap %d MB%n",
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
            try (JdbcExecutionStore store = JdbcExecutionStore.h2(refData);
                 DurableEngine engine = DurableEngine.builder().store(store).register(new StepsWorkflow())
                         .concurrency(16).build()) {
                engine.start();
                runExecutions(engine, Math.max(1, refExecutions / 5), 10); // warm-up
                double seconds = runExecutions(engine, refExecutions, 10);
                stepsPerSecond = refExecutions * 10.0 / seconds;
            }
            reference = refExecutions + " executions x 10 steps at C=16, measured just before the map";
            System.out.printf("  %.0f steps/s%n", stepsPerSecond);
        } else {
            String rerun = rerunCommand(parsed, db, n, s, concurrencies, warmupSteps, runMap, mapItems, mapConcurrency,
                    data, listener);
            List<ExecutionsBenchmark.Result> results = ExecutionsBenchmark.run(db, n, s, concurrencies, warmupSteps,
                    listener, out, rerun);
            // The map runs its items concurrently: compare it with Cairn at the highest concurrency measured.
            ExecutionsBenchmark.Result widest = results.stream()
                    .filter(r -> r.driver().equals(ExecutionsBenchmark.CAIRN))
                    .max(java.util.Comparator.comparingInt(ExecutionsBenchmark.Result::concurrency)).orElseThrow();
            stepsPerSecond = widest.stepsPerSecond();
            reference = "the cairn " + n + " x " + s + " steps, C=" + widest.concurrency() + " row above";
            if (!runMap) {
                return 0;
            }
        }
        String rerun = "java -jar " + jarForDisplay() + " benchmark --map --map-items " + mapItems
                + " --map-concurrency " + mapConcurrency + (parsed.has("data") ? " --data " + quote(data.toString())
                : "");
        return MapBenchmark.run(data, mapItems, mapConcurrency, stepsPerSecond, reference, rerun);
    }

    /** The command line that reruns the executions workload (and the map, if it runs) with the same settings. */
    private static String rerunCommand(SampleArgs parsed, BenchDatabase db, int n, int s, List<Integer> concurrencies,
            int warmupSteps, boolean runMap, int mapItems, int mapConcurrency, Path data, String listener) {
        StringBuilder b = new StringBuilder("java -jar ").append(jarForDisplay()).append(" benchmark --store ")
                .append(db.store());
        if (!db.isH2() || parsed.has("url")) {
            b.append(" --url ").append(quote(db.url())).append(" --user ").append(quote(db.user()));
            if (!db.password().isEmpty()) {
                b.append(" --password '<password>'");
            }
        }
        b.append(" --executions ").append(n).append(" --steps ").append(s).append(" --concurrency ")
                .append(String.join(",", concurrencies.stream().map(String::valueOf).toList()))
                .append(" --warmup-steps ").append(warmupSteps);
        if (!listener.equals(ExecutionsBenchmark.LISTENER_NONE)) {
            b.append(" --listener ").append(listener);
        }
        if (runMap) {
            b.append(" --map-items ").append(mapItems).append(" --map-concurrency ").append(mapConcurrency);
        } else if (db.isH2()) {
            b.append(" --no-map");
        }
        if (parsed.has("data")) {
            b.append(" --data ").append(quote(data.toString()));
        }
        return b.toString();
    }

    /** {@code value}, in single quotes if a shell would split or expand it. */
    static String quote(String value) {
        if (!value.isEmpty() && value.matches("[A-Za-z0-9_./:@%+=,-]+")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** This jar's path, relative to the current directory if it is under it. */
    static String jarForDisplay() {
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

    /** Starts {@code executions} executions at once and waits for all; returns the seconds it took. */
    private static double runExecutions(DurableEngine engine, int executions, int steps) throws Exception {
        int expected = steps * (steps - 1) / 2;
        long t0 = System.nanoTime();
        List<CompletableFuture<Integer>> results = new ArrayList<>(executions);
        for (int i = 0; i < executions; i++) {
            results.add(engine.startExecution(StepsWorkflow.class, new Job(steps)).future());
        }
        for (CompletableFuture<Integer> r : results) {
            int sum = r.get(5, TimeUnit.MINUTES);
            if (sum != expected) {
                throw new IllegalStateException("an execution returned " + sum + ", expected " + expected);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
