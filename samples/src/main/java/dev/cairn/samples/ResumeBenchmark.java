package dev.cairn.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionHandle;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * {@code resume-benchmark}: how fast suspended executions come back, on the embedded H2 file store or on
 * PostgreSQL. Four parts, each on fresh tables, each printing its figures and the command that reruns it alone:
 *
 * <ol>
 *   <li>(a) lateness: N executions each run a step, then wait until a due time spread uniformly over a window
 *       (the due time is in their input), then run a step and end. The first code after the wait compares the wall
 *       clock with the due time: p50/p99/max of how late each resume ran, and resumes/s;</li>
 *   <li>(b) overdue drain: executions that suspended on a wait under one engine, which was then closed; once their
 *       due time has passed (a real pause), a fresh engine starts and drains them: executions ended per second,
 *       and the peak used heap during the drain, sampled every 50 ms;</li>
 *   <li>(c) callbacks: executions suspended on a callback each, completed from 4 threads through
 *       {@code engine.completeCallback}: completions/s, and the time until every execution ended;</li>
 *   <li>(d) replay: one execution of 1,000 checkpointed steps and then a wait; when the wait fires, the time from
 *       the claim of the execution to the first code after the wait (the replay, history load included) and from
 *       the due time to that code (the whole resume); with the history cached by the engine that ran it, and with
 *       a fresh engine that reads it from the store. Median of a few runs.</li>
 * </ol>
 *
 * Executions are started at a bounded pace (at most {@value #IN_FLIGHT_LIMIT} started and not suspended yet),
 * and counted as suspended or ended when the store has acknowledged that commit ({@link ObservedStore}).
 *
 * <p>It is longer than most classes because each part is its workflow, its measurement and its report, kept
 * together so that what a figure means can be read next to the code that produced it.
 */
final class ResumeBenchmark {

    private static final int IN_FLIGHT_LIMIT = 2_000;
    private static final int STARTERS = 4;
    private static final int COMPLETERS = 4;
    private static final double MB = 1024.0 * 1024.0;
    private static final long UNSET = Long.MIN_VALUE;

    private ResumeBenchmark() {
    }

    // ================================================================================================ workflows

    /** Part (a)'s input: which execution this is, and when it is due (epoch milliseconds). */
    public record DueJob(int index, long dueAtMillis) {
    }

    /**
     * A step, a wait until the due time, a step. The wait's length is taken from {@code ctx.now()} (recorded), so
     * that replays see the same wait. The first code after the wait records how late it runs, once.
     */
    @DurableWorkflow(name = "resume-lateness")
    public static final class LatenessWorkflow implements DurableFunction<DueJob, Integer> {
        /** Lateness in microseconds by index, or {@link #UNSET}. */
        final AtomicLongArray latenessMicros;
        /** When the first code after the wait ran (epoch microseconds), by index, or {@link #UNSET}. */
        final AtomicLongArray resumedAtMicros;
        /** Executions whose due time had passed before they began to wait: not a resume, not counted. */
        final AtomicInteger dueBeforeWait = new AtomicInteger();

        LatenessWorkflow(int n) {
            latenessMicros = filled(n);
            resumedAtMicros = filled(n);
        }

        @Override
        public Integer handle(DueJob job, DurableContext ctx) {
            int before = ctx.step("before", Integer.class, s -> 1);
            Instant now = ctx.now();
            boolean lateAlready = now.toEpochMilli() >= job.dueAtMillis();
            ctx.wait("until-due", Duration.ofMillis(Math.max(1, job.dueAtMillis() - now.toEpochMilli())));
            long wall = epochMicros();
            if (lateAlready) {
                if (resumedAtMicros.compareAndSet(job.index(), UNSET, wall)) {
                    dueBeforeWait.incrementAndGet();
                }
            } else if (resumedAtMicros.compareAndSet(job.index(), UNSET, wall)) {
                latenessMicros.set(job.index(), wall - job.dueAtMillis() * 1000);
            }
            return ctx.step("after", Integer.class, s -> before + 1);
        }
    }

    /** Part (c)'s input. */
    public record CallbackJob(int index) {
    }

    /** Waits for a callback whose id it hands to the benchmark, which completes it. */
    @DurableWorkflow(name = "resume-callback")
    public static final class CallbackWorkflow implements DurableFunction<CallbackJob, Integer> {
        final AtomicReferenceArray<String> callbackIds;

        CallbackWorkflow(int n) {
            callbackIds = new AtomicReferenceArray<>(n);
        }

        @Override
        public Integer handle(CallbackJob job, DurableContext ctx) {
            String reply = ctx.waitForCallback("reply", String.class, (id, step) -> callbackIds.set(job.index(), id));
            return reply.length();
        }
    }

    /** Part (d)'s input. */
    public record ReplayJob(int steps, long waitMillis) {
    }

    /** What part (d) records of the run that resumes after the wait (System.nanoTime() and epoch microseconds). */
    record ReplayTimes(long enteredNanos, long afterWaitNanos, long afterWaitMicros, long dueAtMicros) {
    }

    /** {@code steps} steps, then a wait; the run that resumes after it records its times. */
    @DurableWorkflow(name = "resume-replay")
    public static final class ReplayWorkflow implements DurableFunction<ReplayJob, Integer> {
        final Map<String, ReplayTimes> resumed = new ConcurrentHashMap<>();

        @Override
        public Integer handle(ReplayJob job, DurableContext ctx) {
            long entered = System.nanoTime();
            boolean replaying = ctx.isReplaying();
            int sum = 0;
            for (int i = 0; i < job.steps(); i++) {
                int n = i;
                sum += ctx.step("step-" + i, Integer.class, s -> n);
            }
            Instant now = ctx.now();
            ctx.wait("pause", Duration.ofMillis(job.waitMillis()));
            long after = System.nanoTime();
            long wall = epochMicros();
            if (replaying) {
                resumed.putIfAbsent(ctx.executionId(), new ReplayTimes(entered, after, wall,
                        (now.toEpochMilli() + job.waitMillis()) * 1000));
            }
            return sum;
        }
    }

    // ================================================================================================ the run

    /** One figure of the summary: what, how much, the target, and whether it is met. */
    private record Figure(String part, String what, String value, String target, boolean met) {
    }

    static int run(String[] args) throws Exception {
        SampleArgs a = SampleArgs.parse(args, "store", "url", "user", "password", "parts", "scale", "due", "window",
                "lead", "drain", "callbacks", "steps", "repeats", "pool");
        String kind = a.option("store", "h2");
        if (!kind.equals("h2") && !kind.equals("postgres")) {
            throw new SampleArgs.UsageException("--store must be h2 or postgres, was '" + kind + "'");
        }
        double scale = positiveDouble(a, "scale", 1.0);
        String parts = a.option("parts", "abcd");
        if (!parts.matches("[abcd]+")) {
            throw new SampleArgs.UsageException("--parts takes letters among abcd, was '" + parts + "'");
        }
        int due = a.positiveInt("due", scaled(100_000, scale));
        Duration window = a.has("window") ? duration(a, "window") : Duration.ofMillis(Math.max(5_000,
                (long) (120_000 * scale)));
        int drain = a.positiveInt("drain", scaled(50_000, scale));
        int callbacks = a.positiveInt("callbacks", scaled(100_000, scale));
        int steps = a.positiveInt("steps", 1000);
        int repeats = a.positiveInt("repeats", 5);
        Duration lead = a.has("lead") ? duration(a, "lead") : null;

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("resume-benchmark: %d CPUs, load average %.1f, Java %s, -Xmx %s (max heap %.0f MB)%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.version"), xmx(), memory.getHeapMemoryUsage().getMax() / MB);
        List<Figure> figures = new ArrayList<>();
        try (Target target = Target.of(kind, a)) {
            System.out.println("store: " + target.describe());
            String base = "java" + (xmx().equals("default") ? "" : " -Xmx" + xmx()) + " -jar "
                    + Benchmark.jarForDisplay() + " resume-benchmark " + target.rerunOptions();
            if (parts.contains("a")) {
                lateness(target, due, window, lead, figures, base + " --parts a --due " + due + " --window "
                        + window.toMillis() + "ms" + (lead == null ? "" : " --lead " + lead.toMillis() + "ms"));
            }
            if (parts.contains("b")) {
                drain(target, drain, lead, figures, base + " --parts b --drain " + drain
                        + (lead == null ? "" : " --lead " + lead.toMillis() + "ms"));
            }
            if (parts.contains("c")) {
                callbacks(target, callbacks, figures, base + " --parts c --callbacks " + callbacks);
            }
            if (parts.contains("d")) {
                replay(target, steps, repeats, figures, base + " --parts d --steps " + steps + " --repeats "
                        + repeats);
            }
        }
        System.out.printf("%n=== Summary (%s) ===%n", kind);
        String row = "%-4s %-58s %14s %14s %s%n";
        System.out.printf(row, "part", "figure", "value", "target", "");
        for (Figure f : figures) {
            System.out.printf(row, f.part(), f.what(), f.value(), f.target(), f.target().isEmpty() ? ""
                    : f.met() ? "met" : "NOT MET");
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------- (a) lateness

    private static void lateness(Target target, int n, Duration window, Duration leadOption, List<Figure> figures,
            String rerun) throws Exception {
        Duration lead = leadOption != null ? leadOption : Duration.ofMillis(Math.max(10_000, n * 3L / 2));
        System.out.printf("%n=== (a) Lateness: %d executions, each a step, a wait until a due time spread uniformly"
                + " over %d s starting %d s after the first start, a step ===%n", n, window.toSeconds(),
                lead.toSeconds());
        LatenessWorkflow workflow = new LatenessWorkflow(n);
        long[] dueAt = new long[n];
        try (JdbcExecutionStore jdbc = target.open("a", true)) {
            ObservedStore store = new ObservedStore(jdbc);
            try (DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
                engine.start();
                long windowStart = System.currentTimeMillis() + lead.toMillis();
                java.util.Random random = new java.util.Random(42);
                for (int i = 0; i < n; i++) {
                    dueAt[i] = windowStart + (long) (random.nextDouble() * window.toMillis());
                }
                double setup = startAll(n, store, i -> engine.startExecution(LatenessWorkflow.class,
                        new DueJob(i, dueAt[i])), "started");
                long setupEnd = System.currentTimeMillis();
                System.out.printf("  %d executions started and suspended in %.1f s (%.0f/s); the window opens %.1f s"
                        + " later%n", n, setup, n / setup, (windowStart - setupEnd) / 1000.0);
                awaitEnded(store, n, Duration.ofMillis(Math.max(0, windowStart - System.currentTimeMillis()))
                        .plus(window).plusMinutes(10), "ended");
            }
        }
        long[] late = new long[n];
        int resumed = 0;
        long firstResume = Long.MAX_VALUE;
        long lastResume = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long l = workflow.latenessMicros.get(i);
            if (l != UNSET) {
                late[resumed++] = l;
                long at = workflow.resumedAtMicros.get(i);
                firstResume = Math.min(firstResume, at);
                lastResume = Math.max(lastResume, at);
            }
        }
        long[] sorted = Arrays.copyOf(late, resumed);
        Arrays.sort(sorted);
        double p50 = percentile(sorted, 50) / 1000.0;
        double p99 = percentile(sorted, 99) / 1000.0;
        double max = sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0;
        double span = Math.max(1, lastResume - firstResume) / 1e6;
        double rate = resumed / span;
        System.out.printf("  resumes measured: %d (%d more were due before they began to wait, and are left out)%n",
                resumed, workflow.dueBeforeWait.get());
        System.out.printf("  lateness (wall clock at the first code after the wait - due time):"
                + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", p50, p99, max);
        System.out.printf("  resumes/s: %.0f over %.1f s from the first resume to the last (due times arrive at"
                + " %.0f/s)%n", rate, span, n / (window.toMillis() / 1000.0));
        System.out.println("  rerun: " + rerun);
        figures.add(new Figure("a", "lateness p50 (" + n + " over " + window.toSeconds() + " s)", ms(p50), "", true));
        figures.add(new Figure("a", "lateness p99", ms(p99), "< 1000 ms", p99 < 1000 && resumed > 0));
        figures.add(new Figure("a", "lateness max", ms(max), "", true));
        figures.add(new Figure("a", "resumes/s", rate(rate), "", true));
    }

    // ------------------------------------------------------------------------------------------- (b) drain

    private static void drain(Target target, int n, Duration leadOption, List<Figure> figures, String rerun)
            throws Exception {
        Duration lead = leadOption != null ? leadOption : Duration.ofMillis(Math.max(10_000, n * 3L / 2));
        System.out.printf("%n=== (b) Overdue drain: %d executions suspended on a wait by one engine, drained by a"
                + " fresh engine once overdue ===%n", n);
        LatenessWorkflow first = new LatenessWorkflow(n);
        long dueAt = System.currentTimeMillis() + lead.toMillis();
        try (JdbcExecutionStore jdbc = target.open("b", true)) {
            ObservedStore store = new ObservedStore(jdbc);
            try (DurableEngine engine = DurableEngine.builder().store(store).register(first).build()) {
                engine.start();
                double setup = startAll(n, store, i -> engine.startExecution(LatenessWorkflow.class,
                        new DueJob(i, dueAt)), "started");
                System.out.printf("  %d executions started and suspended in %.1f s (%.0f/s); engine closed%n", n,
                        setup, n / setup);
            }
            if (store.ended() > 0 || System.currentTimeMillis() >= dueAt) {
                System.out.printf("  WARNING: the due time passed before the first engine closed (%d ended there);"
                        + " use a longer --lead%n", store.ended());
            }
        }
        long pause = dueAt + 1000 - System.currentTimeMillis();
        if (pause > 0) {
            System.out.printf("  pausing %.1f s, until 1 s past their due time...%n", pause / 1000.0);
            Thread.sleep(pause);
        }
        LatenessWorkflow second = new LatenessWorkflow(n);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        double seconds;
        long ended;
        long[] peaks;
        try (JdbcExecutionStore jdbc = target.open("b", false); HeapSampler sampler = new HeapSampler(50)) {
            ObservedStore store = new ObservedStore(jdbc);
            long t0 = System.nanoTime();
            try (DurableEngine engine = DurableEngine.builder().store(store).register(second).build()) {
                engine.start();
                awaitEnded(store, n, Duration.ofMinutes(15), "ended");
                ended = store.ended();
                seconds = (store.lastEndNanos() - t0) / 1e9;
                peaks = sampler.stop();
            }
        }
        double rate = ended / seconds;
        System.out.printf("  drained: %d executions ended in %.2f s from the fresh engine's start: %.0f ended/s%n",
                ended, seconds, rate);
        System.out.printf("  heap (-Xmx %s, max %.0f MB): %.1f MB used before the start (after System.gc());"
                + " peak used during the drain, sampled every 50 ms: %.1f MB; largest heap in use just after a"
                + " collection: %.1f MB%n", xmx(), memory.getHeapMemoryUsage().getMax() / MB, baseline / MB,
                peaks[0] / MB, peaks[1] / MB);
        System.out.println("  rerun: " + rerun);
        figures.add(new Figure("b", "overdue drain, executions ended/s (" + n + ")", rate(rate), ">= 5000/s",
                rate >= 5000));
        figures.add(new Figure("b", "peak used heap during the drain (-Xmx " + xmx() + ")", mb(peaks[0]),
                "< 200 MB", peaks[0] < 200 * MB));
        figures.add(new Figure("b", "largest heap in use after a collection", mb(peaks[1]), "", true));
    }

    // ------------------------------------------------------------------------------------------- (c) callbacks

    private static void callbacks(Target target, int n, List<Figure> figures, String rerun) throws Exception {
        System.out.printf("%n=== (c) Callbacks: %d executions suspended on a callback each, completed from %d"
                + " threads ===%n", n, COMPLETERS);
        CallbackWorkflow workflow = new CallbackWorkflow(n);
        try (JdbcExecutionStore jdbc = target.open("c", true)) {
            ObservedStore store = new ObservedStore(jdbc);
            try (DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
                engine.start();
                double setup = startAll(n, store, i -> engine.startExecution(CallbackWorkflow.class,
                        new CallbackJob(i)), "started");
                System.out.printf("  %d executions started and suspended on their callback in %.1f s (%.0f/s)%n", n,
                        setup, n / setup);
                AtomicInteger next = new AtomicInteger();
                AtomicLong failures = new AtomicLong();
                long t0 = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                for (int k = 0; k < COMPLETERS; k++) {
                    Thread t = new Thread(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < n) {
                            try {
                                engine.completeCallback(workflow.callbackIds.get(i), "reply " + i);
                            } catch (RuntimeException e) {
                                if (failures.incrementAndGet() == 1) {
                                    e.printStackTrace();
                                }
                            }
                        }
                    }, "completer-" + k);
                    t.start();
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join();
                }
                double completing = (System.nanoTime() - t0) / 1e9;
                System.out.printf("  %d completions accepted in %.2f s: %.0f completions/s (%d failed)%n",
                        n - failures.get(), completing, (n - failures.get()) / completing, failures.get());
                awaitEnded(store, n, Duration.ofMinutes(15), "ended");
                double all = (store.lastEndNanos() - t0) / 1e9;
                System.out.printf("  every execution ended %.2f s after the first completion (%.0f ended/s)%n", all,
                        n / all);
                System.out.println("  rerun: " + rerun);
                double rate = (n - failures.get()) / completing;
                figures.add(new Figure("c", "callback completions/s (" + n + ", " + COMPLETERS + " threads)",
                        rate(rate), ">= 5000/s", rate >= 5000 && failures.get() == 0));
                figures.add(new Figure("c", "time until every execution ended", String.format(Locale.ROOT,
                        "%.2f s", all), "", true));
            }
        }
    }

    // ------------------------------------------------------------------------------------------- (d) replay

    private static void replay(Target target, int steps, int repeats, List<Figure> figures, String rerun)
            throws Exception {
        System.out.printf("%n=== (d) Replay: 1 execution of %d checkpointed steps and a wait; the run after the"
                + " wait, timed ===%n", steps);
        List<double[]> cached = new ArrayList<>();
        List<double[]> cold = new ArrayList<>();
        try (JdbcExecutionStore jdbc = target.open("d", true)) {
            ObservedStore store = new ObservedStore(jdbc);
            ReplayWorkflow workflow = new ReplayWorkflow();
            try (DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
                engine.start();
                for (int r = 0; r <= repeats; r++) {
                    ExecutionHandle<Integer> h = engine.startExecution(ReplayWorkflow.class,
                            new ReplayJob(steps, 500));
                    ObservedStore.Times times = store.watch(h.executionId());
                    h.result(Duration.ofMinutes(5));
                    if (r > 0) { // the first one warms up
                        cached.add(figures(workflow.resumed.get(h.executionId()), times));
                    }
                }
            }
        }
        for (int r = 0; r <= repeats; r++) {
            ReplayWorkflow workflow = new ReplayWorkflow();
            String id;
            try (JdbcExecutionStore jdbc = target.open("d", false)) {
                ObservedStore store = new ObservedStore(jdbc);
                try (DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
                    engine.start();
                    long suspendedBefore = store.suspended();
                    id = engine.startExecution(ReplayWorkflow.class, new ReplayJob(steps, 3000)).executionId();
                    while (store.suspended() == suspendedBefore) {
                        Thread.sleep(5);
                    }
                }
            }
            try (JdbcExecutionStore jdbc = target.open("d", false)) {
                ObservedStore store = new ObservedStore(jdbc);
                ObservedStore.Times times = store.watch(id);
                try (DurableEngine engine = DurableEngine.builder().store(store).register(workflow).build()) {
                    engine.start();
                    engine.handle(id, Integer.class).result(Duration.ofMinutes(5));
                }
                if (r > 0) {
                    cold.add(figures(workflow.resumed.get(id), times));
                }
            }
        }
        String row = "  %-52s %10s %10s %10s %10s %12s%n";
        System.out.printf(row, "median of " + repeats + " runs, ms", "claim", "history", "replay", "claim to",
                "due to");
        System.out.printf(row, "", "(store)", "load", "(function)", "after wait", "after wait");
        double[] c = medians(cached);
        double[] f = medians(cold);
        System.out.printf(row, "same engine (history cached when it suspended)", ms(c[0]), ms(c[1]), ms(c[2]),
                ms(c[3]), ms(c[4]));
        System.out.printf(row, "fresh engine (history read from the store)", ms(f[0]), ms(f[1]), ms(f[2]),
                ms(f[3]), ms(f[4]));
        System.out.println("  claim: the claim's store call; history load: its store call (none when cached);"
                + " replay: the function from its first line to the first line after the wait; claim to after"
                + " wait: from the claim's start to that line; due to after wait: from the wait's due time.");
        System.out.println("  rerun: " + rerun);
        figures.add(new Figure("d", "replay of " + steps + " checkpoints, claim to after wait (cached)", ms(c[3]),
                "< 10 ms", c[3] < 10));
        figures.add(new Figure("d", "replay of " + steps + " checkpoints, claim to after wait (fresh engine)",
                ms(f[3]), "< 10 ms", f[3] < 10));
        figures.add(new Figure("d", "whole resume, due to after wait (cached)", ms(c[4]), "", true));
        figures.add(new Figure("d", "whole resume, due to after wait (fresh engine)", ms(f[4]), "", true));
    }

    /** claim, history load, replay, claim to after the wait, due to after the wait: in ms. */
    private static double[] figures(ReplayTimes r, ObservedStore.Times t) {
        if (r == null || t.claimStart == 0) {
            throw new IllegalStateException("the resumed run of the replay workflow was not observed");
        }
        double history = t.historyStart >= t.claimStart ? (t.historyEnd - t.historyStart) / 1e6 : 0;
        return new double[] {(t.claimEnd - t.claimStart) / 1e6, history,
            (r.afterWaitNanos() - r.enteredNanos()) / 1e6, (r.afterWaitNanos() - t.claimStart) / 1e6,
            (r.afterWaitMicros() - r.dueAtMicros()) / 1e3};
    }

    private static double[] medians(List<double[]> runs) {
        double[] m = new double[5];
        for (int k = 0; k < m.length; k++) {
            double[] values = new double[runs.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = runs.get(i)[k];
            }
            Arrays.sort(values);
            m[k] = values.length == 0 ? Double.NaN : values[values.length / 2];
        }
        return m;
    }

    // ================================================================================================ helpers

    /** Starts {@code n} executions from a few threads, at most {@value #IN_FLIGHT_LIMIT} not suspended yet. */
    private static double startAll(int n, ObservedStore store, IntFunction<ExecutionHandle<?>> start, String what)
            throws Exception {
        long suspendedBefore = store.suspended();
        long t0 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        AtomicReferenceArray<Throwable> failure = new AtomicReferenceArray<>(1);
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < STARTERS; k++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    while (i - (store.suspended() - suspendedBefore) > IN_FLIGHT_LIMIT) {
                        sleep(1);
                    }
                    try {
                        start.apply(i);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(0, null, e);
                        return;
                    }
                }
            }, "starter-" + k);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get(0) != null) {
            throw new IllegalStateException("a start failed", failure.get(0));
        }
        awaitCount(() -> store.suspended() - suspendedBefore, n, Duration.ofMinutes(15), "suspended", t0);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void awaitEnded(ObservedStore store, int n, Duration timeout, String what) {
        awaitCount(store::ended, n, timeout, what, System.nanoTime());
    }

    /** Waits until {@code count} reaches {@code n}, printing progress every 10 s. */
    private static void awaitCount(LongSupplier count, int n, Duration timeout, String what, long t0) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + 10_000_000_000L;
        while (count.getAsLong() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.getAsLong() + " of " + n + " " + what + " after "
                        + timeout.toSeconds() + " s");
            }
            if (System.nanoTime() > nextReport) {
                System.out.printf("    %d of %d %s (%.0f s)%n", count.getAsLong(), n, what,
                        (System.nanoTime() - t0) / 1e9);
                nextReport += 10_000_000_000L;
            }
            sleep(2);
        }
    }

    /** Samples the used heap, and the heap in use after the last collection, every {@code periodMillis}. */
    private static final class HeapSampler implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();

        HeapSampler(long periodMillis) {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null).toList();
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    long afterGc = 0;
                    for (MemoryPoolMXBean pool : heapPools) {
                        afterGc += pool.getCollectionUsage().getUsed();
                    }
                    peakAfterGc.accumulateAndGet(afterGc, Math::max);
                    sleep(periodMillis);
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops sampling; @return the peak used heap and the peak heap in use after a collection, in bytes */
        long[] stop() throws InterruptedException {
            running = false;
            thread.join();
            return new long[] {peak.get(), peakAfterGc.get()};
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** Where the stores of the parts live: fresh H2 files, or fresh tables (one prefix per part) on PostgreSQL. */
    private static final class Target implements AutoCloseable {
        private final String kind;
        private final Path data;
        private final HikariDataSource pool;
        private final String url;
        private final String user;
        private final boolean password;

        private Target(String kind, Path data, HikariDataSource pool, String url, String user, boolean password) {
            this.kind = kind;
            this.data = data;
            this.pool = pool;
            this.url = url;
            this.user = user;
            this.password = password;
        }

        static Target of(String kind, SampleArgs a) {
            if (kind.equals("h2")) {
                for (String option : List.of("url", "user", "password")) {
                    if (a.has(option)) {
                        throw new SampleArgs.UsageException("--" + option + " is for --store postgres");
                    }
                }
                return new Target(kind, a.dataDir("resume-benchmark"), null, null, null, false);
            }
            String url = a.option("url", "jdbc:postgresql://127.0.0.1:5432/cairn_resume_bench");
            String user = a.option("user", "postgres");
            HikariConfig config = new HikariConfig();
            config.setPoolName("resume-benchmark");
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(a.option("password", ""));
            config.setMaximumPoolSize(a.positiveInt("pool", 16));
            return new Target(kind, null, new HikariDataSource(config), url, user, a.has("password"));
        }

        String describe() {
            return kind.equals("h2") ? "H2 file databases under " + data + " (a fresh one per part)"
                    : "PostgreSQL " + url + " as " + user + ", pool of " + pool.getMaximumPoolSize()
                            + " connections, fresh tables per part (prefix resume_<part>_)";
        }

        String rerunOptions() {
            return kind.equals("h2") ? "--store h2" : "--store postgres --url " + url + " --user " + user
                    + (password ? " --password ..." : "") + " --pool " + pool.getMaximumPoolSize();
        }

        /** The store of a part; {@code fresh}: on empty tables (the part's earlier data deleted). */
        JdbcExecutionStore open(String part, boolean fresh) throws SQLException {
            if (kind.equals("h2")) {
                Path dir = data.resolve(part);
                if (fresh) {
                    SampleArgs.deleteRecursively(dir);
                }
                return JdbcExecutionStore.h2(dir);
            }
            String prefix = "resume_" + part + "_";
            if (fresh) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + prefix + "executions, " + prefix + "operations, " + prefix
                            + "callbacks, " + prefix + "schema_version");
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                }
            }
            return JdbcExecutionStore.builder(pool).tablePrefix(prefix).build();
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.close();
            }
        }
    }

    private static AtomicLongArray filled(int n) {
        AtomicLongArray array = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            array.set(i, UNSET);
        }
        return array;
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static int scaled(int n, double scale) {
        return (int) Math.max(1, Math.round(n * scale));
    }

    private static double positiveDouble(SampleArgs a, String name, double defaultValue) {
        String value = a.option(name, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(value);
            if (!(d > 0)) {
                throw new SampleArgs.UsageException("--" + name + " must be positive, was " + value);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new SampleArgs.UsageException("--" + name + " must be a number, was '" + value + "'");
        }
    }

    /** A duration option: {@code 90s}, {@code 2m}, {@code 1500ms}, or a number of seconds. */
    static Duration duration(SampleArgs a, String name) {
        String value = a.option(name, "").trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (value.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                d = Duration.ofMillis((long) (Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
            } else if (value.endsWith("m")) {
                d = Duration.ofMillis((long) (Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000));
            } else {
                d = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
            }
            if (d.isNegative() || d.isZero()) {
                throw new SampleArgs.UsageException("--" + name + " must be positive, was '" + value + "'");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new SampleArgs.UsageException("--" + name + " must be a duration such as 90s, 2m or 1500ms, was '"
                    + value + "'");
        }
    }

    /** The -Xmx this JVM was started with, or "default". */
    private static String xmx() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx")) {
                return arg.substring(4);
            }
        }
        return "default";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, "%.1f ms", millis);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / MB);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f/s", perSecond);
    }
}
