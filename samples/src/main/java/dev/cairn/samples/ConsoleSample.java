package dev.cairn.samples;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.StartOptions;
import dev.cairn.console.CairnConsole;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.samples.ApprovalSample.ApprovalRequest;
import dev.cairn.samples.ApprovalSample.ApprovalWorkflow;
import dev.cairn.samples.ApprovalSample.Behaviour;
import dev.cairn.samples.ApprovalSample.Scenario;
import dev.cairn.samples.ApprovalSample.SimulatedHumans;
import dev.cairn.samples.CallbackSample.AiWorkflow;
import dev.cairn.samples.CallbackSample.Prompt;
import dev.cairn.samples.HelloSample.HelloEvent;
import dev.cairn.samples.HelloSample.HelloFunction;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code console}: the Cairn console on a running engine. It starts the engine on H2 with the {@code hello},
 * {@code callback} and {@code approval} workflows, runs them (the hello execution's 10-second wait, the model's
 * answers and heartbeats, the three approval requests with their timeouts and escalations), and starts a fourth
 * approval request, {@code req-4}, that only you can finish: alice approves it, bob never answers, and the second
 * approval must come from you, through the console. It serves the console with actions enabled on 127.0.0.1 and
 * prints its URL; open the request there and complete one of its pending callbacks with a vote such as
 * {@code {"voter": "you", "approve": true, "comment": "from the console"}}.
 *
 * <p>It runs until interrupted (Ctrl-C), or for {@code --seconds N}.
 */
public final class ConsoleSample {

    /** The request left waiting for a person at the console. */
    static final String WAITING_REQUEST = "req-4";

    private ConsoleSample() {
    }

    /** The sample while it runs: the engine, its console, and the execution waiting for you. */
    record Running(DurableEngine engine, CairnConsole console, String waitingExecutionId, AutoCloseable resources)
            implements AutoCloseable {

        URI url() {
            return console.url();
        }

        @Override
        public void close() throws Exception {
            console.close();
            resources.close();
        }
    }

    static int run(String[] args) throws Exception {
        SampleArgs options = SampleArgs.parse(args, "port", "seconds");
        int port = options.has("port") && options.string("port", "").equals("0") ? 0
                : options.positiveInt("port", 8080);
        Path data = options.freshDataDir("console");
        System.out.println("H2 database (fresh): " + data);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Running running = start(data, port, Duration.ofSeconds(1), System.out)) {
            System.out.println();
            System.out.println("Cairn console: " + running.url());
            System.out.println("Execution " + running.waitingExecutionId() + " (approval-" + WAITING_REQUEST + ") waits"
                    + " for a second approval: open it in the console and complete one of its pending callbacks"
                    + " with {\"voter\": \"you\", \"approve\": true, \"comment\": \"from the console\"}");
            System.out.println(options.has("seconds") ? "Stopping in " + options.positiveInt("seconds", 1) + " s."
                    : "Press Ctrl-C to stop.");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(5, TimeUnit.SECONDS); // let the engine close before the JVM goes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "console-sample-stop"));
            if (options.has("seconds")) {
                stop.await(options.positiveInt("seconds", 1), TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /**
     * Starts the engine on an H2 store in {@code data}, the executions and the console on {@code port} (0 for any
     * free one); approval delays are multiples of {@code unit}.
     */
    static Running start(Path data, int port, Duration unit, PrintStream out) {
        FakeModel model = new FakeModel(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), out)
                .logHeartbeats(false);
        SimulatedHumans humans = new SimulatedHumans(out);
        JdbcExecutionStore store = JdbcExecutionStore.h2(data);
        DurableEngine engine = DurableEngine.builder().store(store)
                .register(new HelloFunction())
                .register(new AiWorkflow(model))
                .register(new ApprovalWorkflow(humans))
                .build();
        AutoCloseable resources = () -> {
            engine.close();
            store.close();
            model.close();
            humans.close();
        };
        try {
            model.connect(engine);
            humans.connect(engine);
            engine.start();

            engine.startExecution(HelloFunction.class, new HelloEvent("the console sample"));
            for (String prompt : CallbackSample.PROMPTS) {
                engine.startExecution(AiWorkflow.class, new Prompt(prompt));
            }
            List<Scenario> scenarios = ApprovalSample.scenarios(unit);
            for (Scenario s : scenarios) {
                s.people().forEach((person, b) -> humans.script(s.request().id(), person, b));
                engine.startExecution(ApprovalWorkflow.class, s.request(), StartOptions.named("approval-"
                        + s.request().id()).withTimeout(s.request().answerTimeout().multipliedBy(4)));
            }
            ApprovalRequest waiting = new ApprovalRequest(WAITING_REQUEST, "open the console to a second team",
                    List.of("alice", "bob", "you"), "dave", Duration.ofHours(1));
            humans.script(WAITING_REQUEST, "alice", Behaviour.approve(unit, unit.multipliedBy(2), "fine by me"));
            ExecutionHandle<ApprovalSample.ApprovalOutcome> h = engine.startExecution(ApprovalWorkflow.class, waiting,
                    StartOptions.named("approval-" + WAITING_REQUEST));

            CairnConsole console = CairnConsole.builder(engine).port(port).actionsEnabled(true).start();
            return new Running(engine, console, h.executionId(), resources);
        } catch (RuntimeException e) {
            try {
                resources.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
