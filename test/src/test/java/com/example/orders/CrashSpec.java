package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackTimeoutException;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionStatus;
import dev.cairn.StepInterruptedException;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.Jitter;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.test.TestEngine;
import dev.cairn.test.TestResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A crash injected at each kind of operation: the execution resumes on a fresh engine over the same store and ends
 * as it would have without the crash, each step's body running again only where a real {@code kill -9} could make
 * it run again. Run on each store by a subclass that registers the extension.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CrashSpec {

    /** Runs a step with side effects, and asks the shipping service by invoking it. */
    @DurableWorkflow(name = "shipping")
    public static class Shipping implements DurableFunction<String, String> {
        final AtomicInteger labels = new AtomicInteger();

        @Override
        public String handle(String order, DurableContext ctx) {
            return ctx.step("label", String.class, step -> "label " + labels.incrementAndGet() + " for " + order);
        }
    }

    /** One operation of each kind, each body counting its runs. */
    @DurableWorkflow(name = "every-kind")
    public static class EveryKind implements DurableFunction<String, String> {
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

        int runs(String what) {
            return runs.computeIfAbsent(what, k -> new AtomicInteger()).get();
        }

        private int ran(String what) {
            return runs.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public String handle(String order, DurableContext ctx) {
            String reserved = ctx.step("reserve", String.class, step -> {
                ran("reserve");
                return "reserved";
            });
            ctx.wait("pause", Duration.ofHours(1));
            String quote = ctx.runInChildContext("quote", String.class,
                    child -> child.step("price", String.class, step -> {
                        ran("price");
                        return "42";
                    }));
            int polls = ctx.waitForCondition("poll", Integer.class, (n, step) -> {
                ran("poll");
                return n + 1;
            }, WaitForConditionConfig.builder(0).until(n -> n >= 2).initialDelay(Duration.ofMinutes(1))
                    .jitter(Jitter.NONE).build());
            String answer;
            try {
                answer = ctx.createCallback("approval", String.class,
                        CallbackConfig.builder().timeout(Duration.ofHours(2)).build()).result();
            } catch (CallbackTimeoutException e) {
                answer = "no answer";
            }
            List<Integer> doubled = ctx.map("items", List.of(1, 2), Integer.class,
                    (item, index, c) -> c.step("double", Integer.class, step -> {
                        ran("double");
                        return item * 2;
                    }), BatchConfig.defaults()).results();
            String label = ctx.invoke("ship", Shipping.class, order, String.class);
            String charged = ctx.step("charge", String.class, step -> {
                ran("charge");
                return "charged";
            }, StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
                    .retryStrategy(RetryStrategies.fixedDelay(3, Duration.ofSeconds(30))).build());
            return String.join(" | ", reserved, quote, String.valueOf(polls), answer, doubled.toString(), label,
                    charged);
        }
    }

    static final String EXPECTED = "reserved | 42 | 2 | no answer | [2, 4] | label 1 for o-1 | charged";

    @Test
    void withoutACrashEveryBodyRunsOnce(TestEngine engine) {
        EveryKind fn = new EveryKind();
        engine.register(new Shipping());

        TestResult<String> r = engine.runUntilComplete(fn, "o-1");

        assertEquals(EXPECTED, r.result());
        assertEquals(List.of(), engine.crashes());
        for (String body : List.of("reserve", "price", "charge")) {
            assertEquals(1, fn.runs(body), body);
        }
        assertEquals(2, fn.runs("double"));
    }

    @ParameterizedTest(name = "crash {0} {1}")
    @CsvSource({
        "before, reserve", "after, reserve",
        "at, pause", "after, pause",
        "before, quote", "at, quote", "after, price",
        "at, poll", "after, poll",
        "at, approval", "after, approval",
        "at, items", "after, double",
        "before, ship", "at, ship", "after, label",
        "after, charge"})
    void aCrashAtAnyOperationResumesOnAFreshEngineAndEndsTheSame(String point, String operation, TestEngine engine) {
        EveryKind fn = new EveryKind();
        Shipping shipping = new Shipping();
        engine.register(shipping);
        switch (point) {
            case "before" -> engine.crashBefore(operation);
            case "at" -> engine.crashAt(operation);
            default -> engine.crashAfter(operation);
        }

        TestResult<String> r = engine.runUntilComplete(fn, "o-1");

        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), () -> String.valueOf(r.error()));
        assertEquals(1, engine.crashes().size(), engine.crashes().toString());
        assertTrue(engine.crashes().get(0).contains("'" + operation + "'"), engine.crashes().get(0));
        // A body runs again only if the crash lost its result: at most twice, once more than without a crash.
        for (String body : List.of("reserve", "price", "charge")) {
            assertTrue(fn.runs(body) >= 1 && fn.runs(body) <= 2, body + " ran " + fn.runs(body) + " times");
        }
        assertTrue(shipping.labels.get() <= 2, "labels " + shipping.labels.get());
    }

    @Test
    void aStepWhoseResultIsLostRunsAgainOnTheFreshEngine(TestEngine engine) {
        EveryKind fn = new EveryKind();
        engine.register(new Shipping());

        TestResult<String> r = engine.crashBefore("reserve").runUntilComplete(fn, "o-1");

        assertEquals(EXPECTED, r.result());
        assertEquals(2, fn.runs("reserve"), "it ran, its result was not checkpointed, it ran again");
        assertEquals(1, r.operation("reserve").attempts());
    }

    @Test
    void aStepWhoseResultWasAcknowledgedDoesNotRunAgain(TestEngine engine) {
        EveryKind fn = new EveryKind();
        engine.register(new Shipping());

        TestResult<String> r = engine.crashAfter("reserve").runUntilComplete(fn, "o-1");

        assertEquals(EXPECTED, r.result());
        assertEquals(1, fn.runs("reserve"));
    }

    /** Charges once per attempt at most. */
    public static class Charge implements DurableFunction<String, String> {
        final AtomicInteger charges = new AtomicInteger();
        final int attempts;

        Charge(int attempts) {
            this.attempts = attempts;
        }

        @Override
        public String handle(String order, DurableContext ctx) {
            return ctx.step("charge", String.class, step -> "charge " + charges.incrementAndGet(),
                    StepConfig.builder().semantics(StepSemantics.AT_MOST_ONCE_PER_RETRY)
                            .retryStrategy(attempts == 1 ? RetryStrategies.none()
                                    : RetryStrategies.fixedDelay(attempts, Duration.ofMinutes(1))).build());
        }
    }

    @Test
    void anAtMostOnceStepInterruptedMidAttemptFailsThatAttemptAndIsRetried(TestEngine engine) {
        Charge fn = new Charge(3);

        TestResult<String> r = engine.crashAt("charge").runUntilComplete(fn, "o-1");

        assertEquals("charge 2", r.result(), "the interrupted attempt charged once, the retry once more");
        assertEquals(2, fn.charges.get());
        assertEquals(2, r.operation("charge").attempts());
        assertTrue(engine.crashes().get(0).contains("while operation 'charge'"), engine.crashes().get(0));
    }

    @Test
    void anAtMostOnceStepInterruptedWithoutRetriesFailsTheExecution(TestEngine engine) {
        Charge fn = new Charge(1);

        TestResult<String> r = engine.crashAt("charge").runUntilComplete(fn, "o-1");

        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals(1, fn.charges.get(), "never charged twice");
        assertTrue(r.operation("charge").error().type().equals(StepInterruptedException.class.getName()),
                r.operation("charge").error().summary());
    }

    @Test
    void aCrashPointTheExecutionNeverReachesFailsTheTest(TestEngine engine) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> engine.crashAt("chrage").runUntilComplete(new Charge(1), "o-1"));

        assertTrue(e.getMessage().contains("crashAt(\"chrage\") was never reached"), e.getMessage());
        assertTrue(e.getMessage().contains("[charge]"), e.getMessage());
    }
}
