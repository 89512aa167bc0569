package dev.cairn.spring.boot;

import static org.awaitility.Awaitility.await;

import dev.cairn.CallbackDescription;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The workflows and listener the starter's tests register as beans. */
final class TestWorkflows {

    private TestWorkflows() {
    }

    /** One step. */
    @DurableWorkflow(name = "greeting")
    static final class Greeting implements DurableFunction<String, String> {
        @Override
        public String handle(String name, DurableContext ctx) {
            return ctx.step("greet", String.class, step -> "hello " + name);
        }
    }

    /** A step, then a callback that an outside party completes with the decision. */
    @DurableWorkflow(name = "approval")
    static final class Approval implements DurableFunction<String, String> {
        @Override
        public String handle(String subject, DurableContext ctx) {
            String reserved = ctx.step("reserve", String.class, step -> "reserved " + subject);
            String decision = ctx.createCallback("decision", String.class).result();
            return reserved + ", " + decision;
        }
    }

    /** Records the executions that ended, by id and status. */
    static final class EndedListener implements ExecutionListener {
        final List<String> ended = new CopyOnWriteArrayList<>();

        @Override
        public void executionEnded(ExecutionListener.ExecutionEvent event) {
            ended.add(event.executionId() + " " + event.status());
        }
    }

    /** Waits for the execution's pending callback and returns its id. */
    static String pendingCallback(DurableEngine engine, String executionId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> engine.describe(executionId).callbacks().stream()
                .filter(c -> c.status() == CallbackStatus.PENDING).map(CallbackDescription::id).findFirst()
                .orElse(null), id -> id != null);
    }
}
