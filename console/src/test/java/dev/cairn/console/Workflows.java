package dev.cairn.console;

import static org.awaitility.Awaitility.await;

import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableCallback;
import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.testing.InMemoryExecutionStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executions the console tests look at, on an in-memory store and the system clock: a greeting that succeeds,
 * one that fails, and an order that retries a step, waits, and then waits for an approval callback.
 */
final class Workflows implements AutoCloseable {

    /** What a payload holding markup looks like; the page must show it as text and never run it. */
    static final String SCRIPT_PAYLOAD = "<script>window.__cairnXss = 1</script><img src=x onerror=\"window.__cairnXss = 2\">";

    /** Reads and writes a string as itself, not as JSON: the serializer of the "ticket" workflow's callback. */
    static final dev.cairn.spi.Serializer PLAIN_TEXT = new dev.cairn.spi.Serializer() {
        @Override
        public String serialize(Object value) {
            return (String) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T deserialize(String data, java.lang.reflect.Type type) {
            return (T) data;
        }
    };

    final DurableEngine engine;
    private final Map<String, AtomicInteger> chargeAttempts = new ConcurrentHashMap<>();

    Workflows() {
        StepConfig retryTwice = StepConfig.builder()
                .retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofMillis(150))).build();
        engine = DurableEngine.builder()
                .store(new InMemoryExecutionStore())
                .tick(Duration.ofMillis(10))
                .pollInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ofMillis(200))
                .register("greeting", String.class, String.class,
                        (name, ctx) -> ctx.step("greet", String.class, s -> "hello " + name))
                .register("broken", String.class, String.class, (in, ctx) -> ctx.step("explode", String.class,
                        s -> {
                            throw new IllegalStateException("no luck with " + in);
                        }, StepConfig.builder().retryStrategy(RetryStrategies.none()).build()))
                .register("order", String.class, String.class, (item, ctx) -> {
                    String reserved = ctx.step("reserve", String.class, s -> "reserved " + item);
                    String charged = ctx.step("charge", String.class, s -> {
                        int attempt = chargeAttempts.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger())
                                .incrementAndGet();
                        if (attempt < 3) {
                            throw new IllegalStateException("card declined (attempt " + attempt + ")");
                        }
                        return "charged for " + item;
                    }, retryTwice);
                    ctx.wait("cool-off", Duration.ofMillis(200));
                    DurableCallback<String> approval = ctx.createCallback("approval", String.class,
                            CallbackConfig.builder().timeout(Duration.ofHours(1))
                                    .heartbeatTimeout(Duration.ofMinutes(30)).build());
                    return reserved + ", " + charged + ", " + approval.result();
                })
                .register("ticket", String.class, String.class, (who, ctx) -> "got " + ctx.createCallback("code",
                        String.class, CallbackConfig.builder().serializer(PLAIN_TEXT).build()).result())
                .build();
        engine.start();
    }

    ExecutionHandle<String> greeting(String name) {
        return engine.startExecution("greeting", name, String.class, StartOptions.defaults());
    }

    ExecutionHandle<String> greetingNamed(String executionName, String name) {
        return engine.startExecution("greeting", name, String.class, StartOptions.named(executionName));
    }

    ExecutionHandle<String> broken(String name) {
        return engine.startExecution("broken", name, String.class, StartOptions.defaults());
    }

    ExecutionHandle<String> order(String item, String name) {
        return engine.startExecution("order", item, String.class, StartOptions.named(name));
    }

    ExecutionHandle<String> ticket(String who) {
        return engine.startExecution("ticket", who, String.class, StartOptions.defaults());
    }

    /** Waits until the execution is suspended on its pending callback, and returns that callback. */
    CallbackDescription awaitPendingCallback(ExecutionHandle<?> h) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            var d = engine.describe(h.executionId());
            if (d.status() != ExecutionStatus.SUSPENDED) {
                return null;
            }
            return d.callbacks().stream().filter(c -> c.status() == CallbackStatus.PENDING).findFirst().orElse(null);
        }, c -> c != null);
    }

    @Override
    public void close() {
        engine.close();
    }
}
