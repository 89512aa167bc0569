package dev.cairn.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code restart}: executions survive {@code kill -9}. This parent process starts a child JVM (this jar, main
 * class {@link RestartSample} with {@code child start}) that starts 8 named executions of a 5-step workflow
 * ({@link RestartChild}), each step sleeping 300 ms, 4 executions at a time. Once a third of the step bodies
 * are done, the parent kills the child with SIGKILL ({@link ProcessHandle#destroyForcibly()}). It then starts a
 * second child on the same database ({@code child resume}), which starts no execution: its engine resumes them
 * all from their checkpoints. A step checkpointed before the kill does not run again; one cut by the kill runs
 * again (at-least-once). The child's output is forwarded here, prefixed. Exits 0 if every execution succeeded.
 */
public final class RestartSample {

    private RestartSample() {
    }

    /** The child's entry point: {@code child start|resume --data DIR}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            System.exit(RestartChild.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        Path data = SampleArgs.parse(args).freshDataDir("restart");
        int totalSteps = RestartChild.EXECUTIONS * RestartChild.STEPS;
        System.out.println("H2 database (fresh): " + data);

        Child first = Child.start(1, "start", data);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (first.stepsDone.get() < totalSteps / 3 && first.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // SIGKILL (kill -9): no shutdown hook, no engine.close(), no store.close(). Through its ProcessHandle,
        // because Process.destroyForcibly() also closes our end of the child's stdout, losing its last lines.
        first.process.toHandle().destroyForcibly();
        first.process.waitFor();
        first.output.join();
        int stepsBeforeKill = first.stepsDone.get();
        System.out.printf("%n*** killed child 1 (kill -9, exit status %d) after %d of %d step bodies had finished%n%n",
                first.process.exitValue(), stepsBeforeKill, totalSteps);

        Child second = Child.start(2, "resume", data);
        if (!second.process.waitFor(3, TimeUnit.MINUTES)) {
            second.process.destroyForcibly();
        }
        second.output.join();
        int exit = second.process.exitValue();
        int checkpointed = second.checkpointed.get();
        int rerun = stepsBeforeKill - checkpointed;

        System.out.println();
        System.out.printf("Step bodies that ran to completion: %d in child 1 + %d in child 2 = %d, for %d steps%n",
                stepsBeforeKill, second.stepsDone.get(), stepsBeforeKill + second.stepsDone.get(), totalSteps);
        System.out.printf("  checkpointed before the kill (read from the database by child 2): %d%n", checkpointed);
        System.out.printf("  finished in child 1 but killed before their checkpoint, so run again: %d%n", rerun);
        System.out.printf("  run in child 2: %d (expected %d - %d = %d)%n", second.stepsDone.get(), totalSteps,
                checkpointed, totalSteps - checkpointed);
        if (second.stepsDone.get() != totalSteps - checkpointed) {
            System.out.println("  WARNING: child 2 did not run exactly the steps that had no checkpoint");
        } else {
            System.out.println("  no step that had a checkpoint ran again");
        }
        String summary = second.summary.get();
        System.out.println("Child 2: " + (summary == null ? "no summary" : summary.toLowerCase())
                + ", exit status " + exit);
        return exit == 0 ? 0 : 1;
    }

    /** A child JVM whose output is forwarded to this one's stdout, prefixed, and scanned. */
    private record Child(Process process, Thread output, AtomicInteger stepsDone, AtomicInteger checkpointed,
                         AtomicReference<String> summary) {

        static Child start(int number, String mode, Path data) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath;
            try {
                classpath = Path.of(RestartSample.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .toString();
            } catch (Exception e) {
                classpath = System.getProperty("java.class.path");
            }
            List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, RestartSample.class.getName(),
                    "child", mode, "--data", data.toString()));
            System.out.println("starting child " + number + ": java -cp ... " + RestartSample.class.getName()
                    + " child " + mode);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            AtomicInteger steps = new AtomicInteger();
            AtomicInteger checkpointed = new AtomicInteger();
            AtomicReference<String> summary = new AtomicReference<>();
            Thread output = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        System.out.println("[child " + number + "] " + line);
                        if (line.startsWith("execution ") && line.endsWith(" done")) {
                            steps.incrementAndGet();
                        } else if (line.startsWith("CHECKPOINTED ")) {
                            checkpointed.set(Integer.parseInt(line.substring("CHECKPOINTED ".length()).trim()));
                        } else if (line.startsWith("SUCCEEDED ")) {
                            summary.set(line);
                        }
                    }
                } catch (IOException e) {
                    System.out.println("[child " + number + "] output lost: " + e);
                }
            }, "child-" + number + "-output");
            output.start();
            return new Child(process, output, steps, checkpointed, summary);
        }
    }
}
