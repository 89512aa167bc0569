package dev.cairn.samples;

import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.jdbc.JdbcExecutionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code hello}: the default durable function that AWS shows for Lambda durable functions, in Cairn.
 *
 * <p>A step named {@code my-step} returns {@code "from my_step: 123"}; the function then waits ten seconds
 * durably (the execution suspends, holding no thread, and resumes by replay: {@code my-step} is not run again,
 * its checkpointed result is returned), and returns {@code {statusCode: 200, body: <the step's message>}}.
 * The sample prints the result and the execution's operations from {@code engine.describe(id)}, as a console
 * would. It takes about ten seconds: the wait is real.
 */
public final class HelloSample {

    /** The event the function is started with. */
    public record HelloEvent(String caller) {
    }

    /** What the function returns, like a Lambda proxy response. */
    public record HelloResponse(int statusCode, String body) {
    }

    /** The durable function. */
    @DurableWorkflow(name = "hello")
    public static final class HelloFunction implements DurableFunction<HelloEvent, HelloResponse> {
        @Override
        public HelloResponse handle(HelloEvent event, DurableContext ctx) {
            String message = ctx.step("my-step", String.class, step -> {
                step.logger().info("my-step runs (attempt {})", step.attempt());
                return "from my_step: 123";
            });
            // ctx.logger() is silent while replaying, so this is logged once although the code runs twice.
            ctx.logger().info("my-step said '{}'; waiting 10 seconds", message);
            ctx.wait("wait-10s", Duration.ofSeconds(10));
            ctx.logger().info("resumed after the wait");
            return new HelloResponse(200, message);
        }
    }

    private HelloSample() {
    }

    static int run(String[] args) {
        Path data = SampleArgs.parse(args).dataDir("hello");
        System.out.println("H2 database: " + data);
        try (JdbcExecutionStore store = JdbcExecutionStore.h2(data);
             DurableEngine engine = DurableEngine.builder().store(store).register(new HelloFunction()).build()) {
            engine.start();
            Instant started = Instant.now();
            ExecutionHandle<HelloResponse> execution =
                    engine.startExecution(HelloFunction.class, new HelloEvent("cairn-samples"));
            System.out.println("Started execution " + execution.executionId() + "; it waits 10 s durably...");

            HelloResponse response = execution.result(Duration.ofMinutes(1));
            ExecutionDescription description = engine.describe(execution.executionId());
            System.out.printf("Result after %s: {statusCode: %d, body: \"%s\"}%n",
                    OperationsTable.format(Duration.between(started, Instant.now())), response.statusCode(),
                    response.body());
            System.out.println("Stored as JSON:  " + description.result());
            System.out.println();
            OperationsTable.print(description, System.out);
        }
        return 0;
    }
}
