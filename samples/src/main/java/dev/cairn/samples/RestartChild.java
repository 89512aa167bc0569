package dev.cairn.samples;

import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.StartOptions;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spi.ExecutionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of the {@code restart} sample ({@link RestartSample}). In {@code start} mode it starts
 * {@value #EXECUTIONS} named executions of a {@value #STEPS}-step order pipeline and waits for them (it is killed
 * before they finish). In {@code resume} mode it starts no execution: it reports what the database holds,
 * starts the engine (which resumes everything that was running) and waits for every execution to end.
 */
final class RestartChild {

    static final int EXECUTIONS = 8;
    static final int STEPS = 5;
    static final List<String> STEP_NAMES = List.of("validate", "reserve-stock", "charge-card", "pack", "ship");

    /** The workflow's input. */
    public record Order(String name) {
    }

    /** The workflow's result: what each step returned. */
    public record Receipt(String order, List<String> steps) {
    }

    /** Five steps of ~300 ms of real work each; every step body prints a line when it is done. */
    @DurableWorkflow(name = "order-pipeline")
    public static final class OrderPipeline implements DurableFunction<Order, Receipt> {
        /** Step bodies run in this JVM, per order. */
        final Map<String, AtomicInteger> ranHere = new ConcurrentHashMap<>();

        @Override
        public Receipt handle(Order order, DurableContext ctx) {
            List<String> results = new ArrayList<>();
            for (int k = 1; k <= STEPS; k++) {
                int step = k;
                String name = STEP_NAMES.get(k - 1);
                results.add(ctx.step(name, String.class, s -> {
                    Thread.sleep(300); // the real work
                    ranHere.computeIfAbsent(order.name(), o -> new AtomicInteger()).incrementAndGet();
                    System.out.printf("execution %s step %d/%d (%s) done%n", order.name(), step, STEPS, name);
                    return name + " ok";
                }));
            }
            return new Receipt(order.name(), results);
        }
    }

    private RestartChild() {
    }

    /** {@code start|resume --data DIR}; returns 0 if every execution succeeded. */
    static int run(String[] args) {
        SampleArgs parsed = SampleArgs.parse(args);
        String mode = parsed.positional().isEmpty() ? "" : parsed.positional().get(0);
        Path data = parsed.dataDir("restart");
        OrderPipeline pipeline = new OrderPipeline();
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store).register(pipeline).concurrency(4).build()) {
            List<String> ids = new ArrayList<>();
            if (mode.equals("start")) {
                engine.start();
                for (int i = 1; i <= EXECUTIONS; i++) {
                    // A named start is idempotent: starting order-i again returns the same execution.
                    ExecutionHandle<Receipt> h = engine.startExecution(OrderPipeline.class, new Order("order-" + i),
                            StartOptions.named("order-" + i));
                    ids.add(h.executionId());
                }
                System.out.println("started " + EXECUTIONS + " executions, " + STEPS + " steps each, 4 at a time");
            } else if (mode.equals("resume")) {
                // Before the engine starts (and resumes anything), look at what the killed JVM left on disk.
                // Listing executions goes through the store's SPI; describe() is the engine's public API.
                store.initialize();
                List<ExecutionRecord> found = new ArrayList<>(store.listExecutions(null, 1000));
                found.sort(Comparator.comparing(ExecutionRecord::name));
                int checkpointed = 0;
                for (ExecutionRecord r : found) {
                    ExecutionDescription d = engine.describe(r.id());
                    long done = d.operations().stream().filter(op -> op.type() == OperationType.STEP
                            && op.status() == OperationStatus.SUCCEEDED).count();
                    checkpointed += done;
                    System.out.printf("on disk: %s %s, %d of %d steps checkpointed%n", r.name(), r.status(), done,
                            STEPS);
                    ids.add(r.id());
                }
                System.out.println("CHECKPOINTED " + checkpointed);
                engine.start(); // resumes every execution left RUNNING by the killed JVM
                System.out.println("engine started: resuming " + ids.size() + " executions");
            } else {
                throw new SampleArgs.UsageException("restart child: expected 'start' or 'resume', got '" + mode + "'");
            }
            int succeeded = 0;
            for (String id : ids) {
                try {
                    Receipt receipt = engine.handle(id, Receipt.class).result(Duration.ofMinutes(2));
                    succeeded++;
                    int here = pipeline.ranHere.getOrDefault(receipt.order(), new AtomicInteger()).get();
                    System.out.printf("%s SUCCEEDED %s (%d of its %d step bodies ran in this JVM)%n",
                            receipt.order(), receipt.steps(), here, STEPS);
                } catch (ExecutionFailedException e) {
                    System.out.println(id + " " + e.status() + ": " + e.getMessage());
                }
            }
            System.out.println("SUCCEEDED " + succeeded + " OF " + ids.size());
            return succeeded == EXECUTIONS && ids.size() == EXECUTIONS ? 0 : 1;
        }
    }
}
