package dev.cairn.samples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher: {@code java -jar cairn-samples.jar <sample> [args]}. Without a sample name, or with an unknown
 * one, it lists the samples and exits with status 2.
 *
 * <p>Every sample keeps its H2 database in {@code cairn-data/<sample>} under the current directory; pass
 * {@code --data DIR} to put it elsewhere.
 */
public final class Samples {

    /** A sample's entry point: returns the process exit status. */
    @FunctionalInterface
    interface Main {
        int run(String[] args) throws Exception;
    }

    /** A runnable sample: its name on the command line, a one-line summary and its entry point. */
    record Sample(String name, String summary, Main main) {
    }

    static final List<Sample> ALL = List.of(
            new Sample("hello", "a step, a 10 s durable wait and a result; prints the operations like a console",
                    HelloSample::run),
            new Sample("callback", "an AI workflow waiting on a callback that a fake model service heartbeats, "
                    + "completes or fails", CallbackSample::run),
            new Sample("fanout", "a map over 12 documents, each summarized by a fake model through a callback, at "
                    + "most 4 model calls at once, 3 failures tolerated", FanoutSample::run),
            new Sample("approval", "2 of 3 approvers in parallel through callbacks with timeouts; escalates to a "
                    + "manager when fewer than 2 approve", ApprovalSample::run),
            new Sample("aws-port", "a workflow written as for the AWS durable SDK: a map that stops on a completion"
                    + " predicate, a step with a serializer of its own, a callback with a timeout", AwsPortSample::run),
            new Sample("console", "the console on http://127.0.0.1:8080/: hello, callback and approval executions,"
                    + " one left waiting for you to approve it from the page [--port P, 0 for any free port; --seconds"
                    + " N to stop after N s]", ConsoleSample::run),
            new Sample("restart", "kills a JVM (kill -9) in the middle of 8 executions and resumes them from "
                    + "their checkpoints in a new one", RestartSample::run),
            new Sample("benchmark", "steps/s, latency per execution and CPU per step of N executions of S steps"
                    + " on C closed-loop clients, on H2, PostgreSQL or MariaDB, next to raw JDBC single commits and"
                    + " batches; then, on H2, a map of N items: items/s, heap, resume after kill -9 [--store"
                    + " h2|postgres|mariadb --url URL --user U --password P --executions N --steps S --concurrency"
                    + " C[,C...] --warmup-steps W --listener none|micrometer|otel|all --no-map | --map --map-items N --map-concurrency"
                    + " C]",
                    Benchmark::run),
            new Sample("stored-benchmark", "the rate of starting executions that run a step and suspend, on empty"
                    + " tables and with a million executions stored, before and after ANALYZE [--store"
                    + " h2|postgres|mariadb --url URL --user U --password P --executions N --stored N --concurrency"
                    + " C]", StoredBenchmark::run),
            new Sample("listing-benchmark", "how long a page of 100 executions takes out of a million, with and"
                    + " without filters, first page and 100th by cursor, before and after ANALYZE [--store"
                    + " h2|postgres|mariadb --url URL --user U --password P --rows N]", ListingBenchmark::run),
            new Sample("resume-benchmark", "how fast suspended executions resume, on H2 or PostgreSQL: timer "
                    + "lateness, overdue drain and heap, callback completions, replay of 1,000 checkpoints "
                    + "[--store h2|postgres --url U --user U --password P --parts abcd --scale F]",
                    ResumeBenchmark::run),
            new Sample("test-kit-benchmark", "how long the test kit takes to test a workflow of 10 one-day waits"
                    + " and 100 steps with runUntilComplete on the in-memory store [--warmup N --runs N]",
                    TestKitBenchmark::run));

    private Samples() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the sample named by {@code args[0]} with the remaining arguments.
     *
     * @return the exit status: 0 on success, 1 if the sample failed, 2 for a usage error
     */
    public static int run(String[] args) {
        if (args.length == 0) {
            usage(System.out, null);
            return 2;
        }
        Sample sample = ALL.stream().filter(s -> s.name().equals(args[0])).findFirst().orElse(null);
        if (sample == null) {
            usage(System.err, "unknown sample '" + args[0] + "'");
            return 2;
        }
        try {
            return sample.main().run(Arrays.copyOfRange(args, 1, args.length));
        } catch (SampleArgs.UsageException e) {
            System.err.println(sample.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println(sample.name() + " failed:");
            e.printStackTrace();
            return 1;
        }
    }

    private static void usage(PrintStream out, String error) {
        if (error != null) {
            out.println(error);
            out.println();
        }
        out.println("usage: java -jar cairn-samples.jar <sample> [--data DIR] [options]");
        out.println();
        out.println("samples:");
        for (Sample s : ALL) {
            out.printf("  %-16s %s%n", s.name(), s.summary());
        }
        out.println();
        out.println("Each sample keeps its H2 database in cairn-data/<sample> under the current directory,");
        out.println("or in DIR with --data DIR.");
    }
}
