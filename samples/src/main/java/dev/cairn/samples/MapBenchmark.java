package dev.cairn.samples;

import dev.cairn.BatchResult;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.OperationDescription;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StartOptions;
import dev.cairn.config.BatchConfig;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.ExecutionRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * The map workload of the {@code benchmark}: one execution mapping over N items (each one {@code ctx.step}) with
 * {@code maxConcurrency} C on a fresh H2 file store.
 *
 * <ol>
 *   <li>In this JVM: items/s, next to the plain steps/s measured in the same run, and the heap it takes (used heap
 *       after {@code System.gc()} before the start; the peak sampled every 2 ms by a background thread from the
 *       {@link MemoryMXBean} during the run, garbage included; at the end, before and after {@code System.gc()}).
 *   </li>
 *   <li>Resume after restart: the same map in a child JVM (this jar, {@link #main} with {@code child start}),
 *       killed with SIGKILL once about half of the items have their step checkpointed (the child prints a count
 *       every few hundred items: a step returns only once its checkpoint is committed, so the count is of
 *       durable checkpoints); then a second child JVM ({@code child resume}) on the same database reads from the
 *       store how many item steps were checkpointed, before starting the engine, starts the engine (which resumes
 *       the execution), and reports the time from engine start to the execution's result, how many item step
 *       bodies ran in it, and whether any item whose step was checkpointed before the kill ran again.</li>
 * </ol>
 *
 * <p>Both JVMs' parts are in this class (the child runs {@link #main}), which is why it is longer than most.
 */
final class MapBenchmark {

    /** The map workflow's input: N items, at most C at once. */
    public record MapJob(int items, int concurrency) {
    }

    /** The map workflow's result: small, whatever N is (the items' results stay in their own checkpoints). */
    public record MapSummary(int succeeded, int failed, long sum, String completionReason) {
    }

    /** A map over the items 0..N-1; each item is one step returning 2 * item. */
    @DurableWorkflow(name = "benchmark-map")
    public static final class MapWorkflow implements DurableFunction<MapJob, MapSummary> {
        /** Step bodies run in this JVM, per item. */
        final AtomicIntegerArray bodyRuns;
        /** Step bodies run in this JVM. */
        final AtomicInteger bodies = new AtomicInteger();
        /** Item steps run and checkpointed (committed) in this JVM. */
        final AtomicInteger checkpointed = new AtomicInteger();
        /** When the first step body ran here (System.nanoTime()), or 0. */
        final AtomicLong firstBodyAt = new AtomicLong();
        private final int progressEvery;
        private final java.util.function.IntConsumer progress;

        /**
         * @param maxItems      the most items a job will have
         * @param progressEvery report every this many checkpointed items
         * @param progress      what to do then, with the count
         */
        MapWorkflow(int maxItems, int progressEvery, java.util.function.IntConsumer progress) {
            this.bodyRuns = new AtomicIntegerArray(maxItems);
            this.progressEvery = progressEvery;
            this.progress = progress;
        }

        @Override
        public MapSummary handle(MapJob job, DurableContext ctx) {
            List<Integer> items = IntStream.range(0, job.items()).boxed().toList();
            BatchResult<Integer> result = ctx.map("items", items, Integer.class, (item, index, c) -> {
                boolean[] ranHere = {false};
                int value = c.step("work", Integer.class, s -> {
                    ranHere[0] = true;
                    if (bodies.incrementAndGet() == 1) {
                        firstBodyAt.set(System.nanoTime());
                    }
                    bodyRuns.incrementAndGet(item);
                    return item * 2;
                });
                // ctx.step returns only once its checkpoint is committed.
                if (ranHere[0]) {
                    int n = checkpointed.incrementAndGet();
                    if (n % progressEvery == 0 || n == job.items()) {
                        progress.accept(n);
                    }
                }
                return value;
            }, BatchConfig.builder().maxConcurrency(job.concurrency()).build());
            long sum = 0;
            for (Integer v : result.results()) {
                sum += v;
            }
            return new MapSummary(result.successCount(), result.failureCount(), sum,
                    result.completionReason().name());
        }
    }

    private static final double MB = 1024.0 * 1024.0;

    private MapBenchmark() {
    }

    static long expectedSum(int items) {
        return (long) items * (items - 1);
    }

    /**
     * Runs the map workload under {@code root} and prints its figures.
     *
     * @param referenceStepsPerSecond the plain steps/s measured in this run, to compare with
     * @param reference               how that figure was measured
     * @param rerun                   the command that reruns this
     * @return 0 if every check passed
     */
    static int run(Path root, int items, int concurrency, double referenceStepsPerSecond, String reference,
            String rerun) throws Exception {
        System.out.printf("%n=== Map workload: 1 execution, map over %d items (one ctx.step each),"
                + " maxConcurrency %d, fresh H2 file store ===%n", items, concurrency);
        boolean ok = true;

        // Warm-up (not measured), on a throwaway store, so that the measured map runs on JIT-compiled code.
        int warmItems = Math.min(items, 2000);
        System.out.printf("warm-up: a map of %d items on a throwaway store...%n", warmItems);
        inProcess(root.resolve("map-warmup"), warmItems, concurrency, false);

        System.out.printf("measuring: a map of %d items on a fresh store...%n", items);
        InProcess m = inProcess(root.resolve("map"), items, concurrency, true);
        double itemsPerSecond = items / m.seconds;
        System.out.println();
        System.out.printf("In this JVM (H2 file %s):%n", root.resolve("map").resolve("cairn.mv.db"));
        System.out.printf("  map of %d items, C=%d: %.2f s, %.0f items/s%n", items, concurrency, m.seconds,
                itemsPerSecond);
        System.out.printf("  plain steps, same run: %.0f steps/s (%s)%n", referenceStepsPerSecond, reference);
        System.out.printf("  items/s / plain steps/s: %.2f   (an item is a child context and a step: 3 checkpoints,"
                + " item started, step, item ended; only the step's waits for its commit)%n",
                itemsPerSecond / referenceStepsPerSecond);
        System.out.printf("  heap (max %.0f MB), used:%n", Runtime.getRuntime().maxMemory() / MB);
        String row = "    %-72s %7.1f MB%n";
        System.out.printf(row, "before the start, after System.gc():", m.baseline / MB);
        System.out.printf(row, "peak, sampled every 2 ms during the run (garbage included):", m.peak / MB);
        System.out.printf(row, "live: all " + items + " item steps done, execution still running, System.gc():",
                m.live / MB);
        System.out.printf(row, "when the result arrived:", m.atEnd / MB);
        System.out.printf(row, "after that, System.gc(), engine still open:", m.retained / MB);
        System.out.printf(row, "after engine.close() and System.gc():", m.afterClose / MB);
        System.out.printf("  heap per finished item: live while running %.2f KB/item ((live - before) / N);"
                + " peak %.2f KB/item; retained after the result %.2f KB/item%n",
                (m.live - m.baseline) / 1024.0 / items, (m.peak - m.baseline) / 1024.0 / items,
                (m.retained - m.baseline) / 1024.0 / items);
        System.out.printf("  GC during the run: %d collections, %d ms (the one System.gc() for the live figure took"
                + " %d ms and is left out of the map's time)%n", m.gcCount, m.gcMillis, m.liveGcMillis);
        if (m.problem != null) {
            System.out.println("  UNEXPECTED: " + m.problem);
            ok = false;
        } else {
            System.out.printf("  result checked: %d items succeeded, sum %d, each step body ran once%n", items,
                    expectedSum(items));
        }

        ok &= restart(root.resolve("map-restart"), items, concurrency);
        System.out.println();
        System.out.println("Rerun the map workload alone: " + rerun);
        return ok ? 0 : 1;
    }

    /** One in-process measurement. */
    private record InProcess(double seconds, long baseline, long peak, long live, long liveGcMillis, long atEnd,
                             long retained, long afterClose, long gcCount, long gcMillis, String problem) {
    }

    private static InProcess inProcess(Path dir, int items, int concurrency, boolean report) throws Exception {
        SampleArgs.deleteRecursively(dir);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int every = Math.max(1, items / 5);
        long[] t0 = {0};
        // When the last item's step is checkpointed (the execution is still running, its history holding every
        // item), one System.gc() measures the live heap; the pause is timed and left out of the map's time.
        long[] live = {0, 0};
        MapWorkflow workflow = new MapWorkflow(items, every, n -> {
            if (report) {
                System.out.printf("  %6d items checkpointed at %.2f s%n", n, (System.nanoTime() - t0[0]) / 1e9);
            }
            if (n == items) {
                long g0 = System.nanoTime();
                System.gc();
                live[0] = memory.getHeapMemoryUsage().getUsed();
                live[1] = System.nanoTime() - g0;
            }
        });
        long baseline;
        long atEnd;
        long retained;
        double seconds;
        long gcCount;
        long gcMillis;
        AtomicLong peak = new AtomicLong();
        String problem = null;
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(dir);
             DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
            engine.start();
            baseline = usedAfterGc(memory);
            peak.set(baseline);
            AtomicReference<Boolean> sampling = new AtomicReference<>(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            long[] gcBefore = gcTotals();
            sampler.start();
            t0[0] = System.nanoTime();
            ExecutionHandle<MapSummary> h = engine.startExecution(MapWorkflow.class, new MapJob(items, concurrency));
            MapSummary summary = h.result(Duration.ofMinutes(10));
            seconds = (System.nanoTime() - t0[0] - live[1]) / 1e9;
            atEnd = memory.getHeapMemoryUsage().getUsed();
            peak.accumulateAndGet(atEnd, Math::max);
            sampling.set(false);
            sampler.join();
            long[] gcAfter = gcTotals();
            gcCount = gcAfter[0] - gcBefore[0];
            gcMillis = gcAfter[1] - gcBefore[1];
            retained = usedAfterGc(memory);
            if (summary.succeeded() != items || summary.failed() != 0 || summary.sum() != expectedSum(items)) {
                problem = "the map returned " + summary + ", expected " + items + " succeeded, sum "
                        + expectedSum(items);
            } else if (workflow.bodies.get() != items) {
                problem = workflow.bodies.get() + " step bodies ran for " + items + " items";
            } else {
                for (int i = 0; i < items; i++) {
                    if (workflow.bodyRuns.get(i) != 1) {
                        problem = "the step body of item " + i + " ran " + workflow.bodyRuns.get(i) + " times";
                        break;
                    }
                }
            }
        }
        long afterClose = usedAfterGc(memory);
        return new InProcess(seconds, baseline, peak.get(), live[0], live[1] / 1_000_000, atEnd, retained, afterClose,
                gcCount, gcMillis, problem);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long[] gcTotals() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    // ------------------------------------------------------------------ resume after kill -9

    private static boolean restart(Path dir, int items, int concurrency) throws Exception {
        SampleArgs.deleteRecursively(dir);
        System.out.printf("%nResume after restart when half the items are done (H2 file %s):%n",
                dir.resolve("cairn.mv.db"));
        Child first = Child.start(1, "start", dir, items, concurrency);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (first.checkpointed.get() < items / 2 && first.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        boolean killed = first.process.isAlive();
        // SIGKILL: no shutdown hook, no engine.close(), no store.close(). Through the ProcessHandle, because
        // Process.destroyForcibly() also closes our end of the child's stdout.
        first.process.toHandle().destroyForcibly();
        first.process.waitFor();
        first.output.join();
        int seenBeforeKill = first.checkpointed.get();
        if (!killed) {
            System.out.println("  UNEXPECTED: child 1 ended before it could be killed (exit status "
                    + first.process.exitValue() + ")");
            return false;
        }
        System.out.printf("  *** killed child 1 (kill -9, exit status %d); its last progress line said %d items"
                + " checkpointed%n", first.process.exitValue(), seenBeforeKill);

        Child second = Child.start(2, "resume", dir, items, concurrency);
        if (!second.process.waitFor(10, TimeUnit.MINUTES)) {
            second.process.toHandle().destroyForcibly();
            second.process.waitFor();
        }
        second.output.join();
        Map<String, String> r = second.result;
        if (second.process.exitValue() != 0 || !r.containsKey("checkpointedBefore")) {
            System.out.println("  UNEXPECTED: child 2 ended with exit status " + second.process.exitValue()
                    + " without a result line");
            return false;
        }
        int before = Integer.parseInt(r.get("checkpointedBefore"));
        int bodies = Integer.parseInt(r.get("bodies"));
        int rerunCheckpointed = Integer.parseInt(r.get("rerunOfCheckpointed"));
        int duplicates = Integer.parseInt(r.get("duplicates"));
        int missing = Integer.parseInt(r.get("missing"));
        long startToResult = Long.parseLong(r.get("engineStartToResultMs"));
        long firstBody = Long.parseLong(r.get("firstBodyMs"));
        boolean resultOk = Boolean.parseBoolean(r.get("resultOk"));
        System.out.println();
        System.out.printf("  item steps checkpointed before the kill (read from the store in child 2 before its"
                + " engine started): %d of %d%n", before, items);
        System.out.printf("  resumed JVM: engine start to the execution's result: %d ms (first step body ran %d ms"
                + " after engine start); %.0f items/s for the remaining items%n", startToResult, firstBody,
                (items - before) * 1000.0 / Math.max(1, startToResult));
        System.out.printf("  item step bodies run in the resumed JVM: %d (expected N - checkpointed = %d - %d = %d)"
                + "%n", bodies, items, before, items - before);
        System.out.printf("  items checkpointed before the kill whose body ran again: %d; items run twice in the"
                + " resumed JVM: %d; items never run: %d; result (all %d succeeded, sum): %s%n", rerunCheckpointed,
                duplicates, missing, items, resultOk ? "correct" : "WRONG");
        boolean ok = bodies == items - before && rerunCheckpointed == 0 && duplicates == 0 && missing == 0 && resultOk;
        System.out.println(ok ? "  OK: no item whose step was checkpointed ran again, every other item ran once"
                : "  UNEXPECTED: see the figures above");
        return ok;
    }

    /** A child JVM whose output is forwarded here, prefixed, and scanned. */
    private record Child(Process process, Thread output, AtomicInteger checkpointed, Map<String, String> result) {

        static Child start(int number, String mode, Path dir, int items, int concurrency) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-cp", classpath(), MapBenchmark.class.getName(),
                    "child", mode, "--data", dir.toString(), "--map-items", String.valueOf(items),
                    "--map-concurrency", String.valueOf(concurrency)));
            System.out.println("  starting child " + number + ": java -cp ... " + MapBenchmark.class.getName()
                    + " child " + mode + " --map-items " + items + " --map-concurrency " + concurrency);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            AtomicInteger checkpointed = new AtomicInteger();
            Map<String, String> result = new java.util.concurrent.ConcurrentHashMap<>();
            Thread output = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("RESULT ")) {
                            for (String kv : line.substring("RESULT ".length()).trim().split(" ")) {
                                int eq = kv.indexOf('=');
                                result.put(kv.substring(0, eq), kv.substring(eq + 1));
                            }
                            continue;
                        }
                        System.out.println("  [child " + number + "] " + line);
                        if (line.startsWith("CHECKPOINTED ")) {
                            checkpointed.set(Integer.parseInt(line.substring("CHECKPOINTED ".length()).split(" ")[0]));
                        }
                    }
                } catch (IOException e) {
                    System.out.println("  [child " + number + "] output lost: " + e);
                }
            }, "map-child-" + number + "-output");
            output.start();
            return new Child(process, output, checkpointed, result);
        }
    }

    /** This jar, or (run from classes, as in a test) the JVM's class path. */
    static String classpath() {
        try {
            Path location = Path.of(MapBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (location.toString().endsWith(".jar")) {
                return location.toString();
            }
        } catch (Exception e) {
            // fall through
        }
        return System.getProperty("java.class.path");
    }

    // ------------------------------------------------------------------ the child JVM

    /** The child's entry point: {@code child start|resume --data DIR --map-items N --map-concurrency C}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("child")) {
            System.err.println("usage: MapBenchmark child start|resume --data DIR --map-items N --map-concurrency C");
            System.exit(2);
        }
        System.exit(child(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }

    private static final String NAME = "map-restart";

    private static int child(String[] args) throws Exception {
        SampleArgs parsed = SampleArgs.parse(args, Set.of(), "map-items", "map-concurrency");
        String mode = parsed.positional().isEmpty() ? "" : parsed.positional().get(0);
        int items = parsed.positiveInt("map-items", 10_000);
        int concurrency = parsed.positiveInt("map-concurrency", 64);
        Path dir = parsed.dataDir("benchmark-map-restart");
        int every = Math.max(1, Math.min(500, items / 20));
        long t0 = System.nanoTime();
        MapWorkflow workflow = new MapWorkflow(items, every, n -> System.out.printf("CHECKPOINTED %d (%.2f s)%n", n,
                (System.nanoTime() - t0) / 1e9));
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(dir);
             DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
            if (mode.equals("start")) {
                engine.start();
                ExecutionHandle<MapSummary> h = engine.startExecution(MapWorkflow.class,
                        new MapJob(items, concurrency), StartOptions.named(NAME));
                System.out.println("started execution " + h.executionId() + " (" + NAME + "); progress every "
                        + every + " items");
                MapSummary summary = h.result(Duration.ofMinutes(10));
                System.out.println("finished before the kill: " + summary);
                return 0;
            }
            if (!mode.equals("resume")) {
                throw new SampleArgs.UsageException("expected 'start' or 'resume', got '" + mode + "'");
            }
            // Before the engine starts (and resumes anything): what the killed JVM left in the store.
            store.initialize();
            List<ExecutionRecord> found = store.listExecutions(null, 10);
            if (found.size() != 1) {
                System.out.println("expected 1 execution in the store, found " + found.size());
                return 1;
            }
            ExecutionRecord execution = found.get(0);
            ExecutionDescription d = engine.describe(execution.id());
            BitSet stepDone = new BitSet(items);
            int itemsDone = 0;
            int itemsStarted = 0;
            for (OperationDescription op : d.operations()) {
                String[] path = op.id().split("-");
                if (op.type() == OperationType.STEP && path.length == 3 && "work".equals(op.name())
                        && op.status() == OperationStatus.SUCCEEDED) {
                    stepDone.set(Integer.parseInt(path[1]) - 1);
                } else if (op.type() == OperationType.CONTEXT && "MapItem".equals(op.subType())) {
                    if (op.status() == OperationStatus.SUCCEEDED) {
                        itemsDone++;
                    } else {
                        itemsStarted++;
                    }
                }
            }
            int before = stepDone.cardinality();
            System.out.printf("in the store: execution %s (%s) %s, %d operations; %d item steps checkpointed,"
                    + " %d items ended, %d items started and not ended%n", execution.id(), execution.name(),
                    execution.status(), d.operations().size(), before, itemsDone, itemsStarted);
            long start = System.nanoTime();
            engine.start(); // resumes the execution the killed JVM left RUNNING
            MapSummary summary = engine.handle(execution.id(), MapSummary.class).result(Duration.ofMinutes(10));
            long startToResult = (System.nanoTime() - start) / 1_000_000;
            long first = workflow.firstBodyAt.get() == 0 ? -1 : (workflow.firstBodyAt.get() - start) / 1_000_000;
            int rerun = 0;
            int duplicates = 0;
            int missing = 0;
            for (int i = 0; i < items; i++) {
                int runs = workflow.bodyRuns.get(i);
                if (stepDone.get(i) && runs > 0) {
                    rerun++;
                }
                if (runs > 1) {
                    duplicates++;
                }
                if (!stepDone.get(i) && runs == 0) {
                    missing++;
                }
            }
            boolean resultOk = summary.succeeded() == items && summary.failed() == 0
                    && summary.sum() == expectedSum(items);
            System.out.printf("resumed: %s in %d ms from engine start; %d step bodies ran here%n", summary,
                    startToResult, workflow.bodies.get());
            Map<String, Object> result = new HashMap<>();
            result.put("checkpointedBefore", before);
            result.put("bodies", workflow.bodies.get());
            result.put("rerunOfCheckpointed", rerun);
            result.put("duplicates", duplicates);
            result.put("missing", missing);
            result.put("engineStartToResultMs", startToResult);
            result.put("firstBodyMs", first);
            result.put("resultOk", resultOk);
            StringBuilder line = new StringBuilder("RESULT");
            result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.out.println(line);
            return 0;
        }
    }
}
