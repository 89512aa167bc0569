package dev.cairn.samples;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.ExecutionStatus;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * How long a test of a long workflow takes with the test kit ({@code cairn-test}): a workflow of 10 waits of a day
 * each and 100 steps, run with {@link TestEngine#runUntilComplete} on the in-memory store. After a warm-up it prints
 * the median, minimum and maximum real time of {@code runUntilComplete}, and of a whole test (engine made, run,
 * closed), each covering 10 days of virtual time. The kit never sleeps: it moves the virtual clock to each wake-up.
 *
 * <pre>{@code
 * java -jar samples/target/cairn-samples.jar test-kit-benchmark [--warmup 20] [--runs 50]
 * }</pre>
 */
final class TestKitBenchmark {

    static final int WAITS = 10;
    static final int STEPS_PER_WAIT = 10;

    /** 10 rounds of 10 steps and a one-day wait. */
    static final class TenDays implements DurableFunction<Integer, Integer> {
        @Override
        public Integer handle(Integer seed, DurableContext ctx) {
            int total = seed;
            for (int day = 0; day < WAITS; day++) {
                for (int s = 0; s < STEPS_PER_WAIT; s++) {
                    int before = total;
                    total = ctx.step("step " + day + "." + s, Integer.class, step -> before + 1);
                }
                ctx.wait("day " + day, Duration.ofDays(1));
            }
            return total;
        }
    }

    private TestKitBenchmark() {
    }

    static int run(String[] args) {
        return run(args, System.out);
    }

    static int run(String[] args, PrintStream out) {
        SampleArgs options = SampleArgs.parse(args, "warmup", "runs");
        int warmup = options.positiveInt("warmup", 20);
        int runs = options.positiveInt("runs", 50);
        for (int i = 0; i < warmup; i++) {
            once();
        }
        long[] ran = new long[runs];
        long[] whole = new long[runs];
        for (int i = 0; i < runs; i++) {
            long[] t = once();
            ran[i] = t[0];
            whole[i] = t[1];
        }
        out.printf("runUntilComplete of a workflow of %d steps and %d one-day waits on the in-memory store, %d runs"
                + " after %d of warm-up (each skips %d days of virtual time):%n", WAITS * STEPS_PER_WAIT, WAITS, runs,
                warmup, WAITS);
        print(out, "runUntilComplete", ran);
        print(out, "whole test (engine made, run, closed)", whole);
        out.printf("Rerun: java -jar samples/target/cairn-samples.jar test-kit-benchmark --warmup %d --runs %d%n",
                warmup, runs);
        return 0;
    }

    /** One test: {nanos of runUntilComplete, nanos of the whole test}. */
    private static long[] once() {
        long began = System.nanoTime();
        long ran;
        try (TestEngine engine = TestEngine.inMemory()) {
            Instant start = engine.clock().now();
            long before = System.nanoTime();
            TestResult<Integer> r = engine.runUntilComplete(new TenDays(), 0);
            ran = System.nanoTime() - before;
            if (r.status() != ExecutionStatus.SUCCEEDED || r.result() != WAITS * STEPS_PER_WAIT) {
                throw new IllegalStateException("wrong outcome: " + r);
            }
            if (!engine.clock().now().equals(start.plus(Duration.ofDays(WAITS)))) {
                throw new IllegalStateException("the virtual clock stands at " + engine.clock().now());
            }
        }
        return new long[] {ran, System.nanoTime() - began};
    }

    private static void print(PrintStream out, String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        out.printf("  %-38s median %6.1f ms   min %6.1f ms   max %6.1f ms%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
