package dev.cairn.opentelemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.StartOptions;
import dev.cairn.StepFailedException;
import dev.cairn.TypeRef;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.testing.InMemoryExecutionStore;
import dev.cairn.testing.VirtualClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traces of executions as an exporter receives them: each engine here stands for a JVM of its own, with its own
 * tracer provider and exporter, over one store.
 */
class CairnTracingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final VirtualClock clock = new VirtualClock();
    private final InMemoryExecutionStore store = new InMemoryExecutionStore();
    private final List<Node> nodes = new ArrayList<>();

    /** An application's JVM: its OpenTelemetry SDK, what it exported, and its engine. */
    private static final class Node {
        final InMemorySpanExporter exporter = InMemorySpanExporter.create();
        final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        final Tracer appTracer = sdk.getTracer("the-application");
        DurableEngine engine;
    }

    private Node node() {
        Node node = new Node();
        node.engine = CairnTracing.create(node.sdk).applyTo(DurableEngine.builder().store(store).clock(clock)
                        .tick(Duration.ofMillis(10)).pollInterval(Duration.ofMillis(100))
                        .shutdownGrace(Duration.ofMillis(500)))
                .register("greeting", String.class, String.class, (name, ctx) -> {
                    String address = ctx.step("look up", String.class, s -> name.toLowerCase() + "@example.com");
                    ctx.wait("pause", Duration.ofMinutes(1));
                    return ctx.step("send", String.class, s -> "hello " + name + " at " + address);
                })
                .register("nested", String.class, String.class, (in, ctx) -> {
                    Span outside = node.appTracer.spanBuilder("outside steps").startSpan();
                    outside.end();
                    String inside = ctx.step("work", String.class, s -> {
                        Span span = node.appTracer.spanBuilder("inside the step").startSpan();
                        span.end();
                        return in;
                    });
                    return ctx.invoke("child", "child", inside, TypeRef.of(String.class));
                })
                .register("child", String.class, String.class, (in, ctx) -> ctx.step("echo", String.class,
                        s -> in + "!"))
                .register("flaky", String.class, String.class, (in, ctx) -> ctx.step("charge", String.class, s -> {
                    throw new IllegalStateException("card declined on attempt " + s.attempt());
                }, StepConfig.builder().retryStrategy(RetryStrategies.fixedDelay(2, Duration.ZERO)).build()))
                .build();
        node.engine.start();
        nodes.add(node);
        return node;
    }

    @AfterEach
    void closeNodes() {
        for (Node node : nodes) {
            node.engine.close();
            node.sdk.close();
        }
    }

    private static List<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> found = named(spans, name);
        assertEquals(1, found.size(), "one span '" + name + "' in " + names(spans));
        return found.get(0);
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }

    private static <T> T attr(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }

    @Test
    void anExecutionThatWaitsAndResumesOnAnotherEngineIsOneTraceWithASpanPerRunAndStepSpansOnlyForStepsThatRan() {
        Node first = node();
        ExecutionHandle<String> h = first.engine.startExecution("greeting", "Ada", String.class,
                StartOptions.defaults());
        await().atMost(TIMEOUT).until(() -> h.status() == ExecutionStatus.SUSPENDED);
        await().atMost(TIMEOUT).until(() -> named(first.exporter.getFinishedSpanItems(), "run greeting").size() == 1);
        first.engine.close();

        Node second = node();
        clock.advance(Duration.ofMinutes(1));
        assertEquals("hello Ada at ada@example.com", second.engine.handle(h.executionId(), String.class)
                .result(TIMEOUT));
        await().atMost(TIMEOUT).until(() -> named(second.exporter.getFinishedSpanItems(), "run greeting").size() == 1);

        List<SpanData> onFirst = first.exporter.getFinishedSpanItems();
        List<SpanData> onSecond = second.exporter.getFinishedSpanItems();
        List<SpanData> all = Stream.concat(onFirst.stream(), onSecond.stream()).toList();
        assertEquals(Set.of(only(onFirst, "start greeting").getTraceId()),
                all.stream().map(SpanData::getTraceId).collect(Collectors.toSet()), "one trace: " + names(all));

        SpanData start = only(onFirst, "start greeting");
        assertFalse(start.getParentSpanContext().isValid(), "no caller span: the start begins the trace");
        assertEquals(SpanKind.PRODUCER, start.getKind());
        assertEquals(h.executionId(), attr(start, CairnTracing.EXECUTION_ID));

        SpanData run1 = only(onFirst, "run greeting");
        SpanData run2 = only(onSecond, "run greeting");
        for (SpanData run : List.of(run1, run2)) {
            assertEquals(start.getSpanId(), run.getParentSpanId(), "each run is a child of the start");
            assertEquals(SpanKind.CONSUMER, run.getKind());
            assertEquals("greeting", attr(run, CairnTracing.FUNCTION));
            assertEquals(h.executionId(), attr(run, CairnTracing.EXECUTION_ID));
        }
        assertEquals(false, attr(run1, CairnTracing.RESUMED));
        assertEquals("suspended", attr(run1, CairnTracing.OUTCOME));
        assertEquals(0L, attr(run1, CairnTracing.REPLAYED));
        assertEquals(true, attr(run2, CairnTracing.RESUMED));
        assertEquals("succeeded", attr(run2, CairnTracing.OUTCOME));
        assertEquals(1L, attr(run2, CairnTracing.REPLAYED), "the first step was replayed (the wait ends now)");

        SpanData lookUp = only(onFirst, "step look up");
        assertEquals(run1.getSpanId(), lookUp.getParentSpanId());
        assertEquals("look up", attr(lookUp, CairnTracing.OPERATION_NAME));
        assertEquals("STEP", attr(lookUp, CairnTracing.OPERATION_TYPE));
        assertEquals(1L, attr(lookUp, CairnTracing.ATTEMPT));
        assertEquals("succeeded", attr(lookUp, CairnTracing.OUTCOME));
        SpanData send = only(onSecond, "step send");
        assertEquals(run2.getSpanId(), send.getParentSpanId());
        assertEquals(List.of("start greeting", "step look up", "run greeting"), names(onFirst));
        assertEquals(List.of("step send", "run greeting"), names(onSecond), "no span for the replayed step");

        for (SpanData span : all) {
            span.getAttributes().forEach((key, value) -> assertFalse(String.valueOf(value).contains("Ada")
                    || String.valueOf(value).contains("example.com"), "a payload in " + span.getName() + ": " + key));
        }
    }

    @Test
    void theCallersCurrentSpanIsContinuedAndSpansTheCodeMakesNestUnderTheRunAndTheStep() {
        Node node = node();
        Span request = node.appTracer.spanBuilder("POST /orders").startSpan();
        ExecutionHandle<String> h;
        try (Scope ignored = request.makeCurrent()) {
            h = node.engine.startExecution("nested", "x", String.class, StartOptions.defaults());
        } finally {
            request.end();
        }
        assertEquals("x!", h.result(TIMEOUT));
        // The parent suspends on the invoke and resumes when the child ends: two runs, or one when the child ends
        // before the parent could suspend (which then runs on at once).
        await().atMost(TIMEOUT).until(() -> named(node.exporter.getFinishedSpanItems(), "run nested").stream()
                .anyMatch(r -> "succeeded".equals(attr(r, CairnTracing.OUTCOME))));

        List<SpanData> spans = node.exporter.getFinishedSpanItems();
        SpanData caller = only(spans, "POST /orders");
        assertEquals(Set.of(caller.getTraceId()), spans.stream().map(SpanData::getTraceId).collect(Collectors.toSet()),
                "the execution continues the caller's trace: " + names(spans));
        SpanData start = only(spans, "start nested");
        assertEquals(caller.getSpanId(), start.getParentSpanId());

        List<SpanData> runs = named(spans, "run nested");
        SpanData firstRun = runs.stream().filter(r -> !attr(r, CairnTracing.RESUMED)).findFirst().orElseThrow();
        assertEquals(start.getSpanId(), firstRun.getParentSpanId());
        assertEquals(firstRun.getSpanId(), named(spans, "outside steps").get(0).getParentSpanId(),
                "the run's span is current while its code runs");
        SpanData work = only(spans, "step work");
        assertEquals(work.getSpanId(), only(spans, "inside the step").getParentSpanId(),
                "the step's span is current while its body runs");

        SpanData childStart = only(spans, "start child");
        assertEquals(firstRun.getSpanId(), childStart.getParentSpanId(), "ctx.invoke starts the child from the run");
        assertEquals(h.executionId(), attr(childStart, CairnTracing.PARENT_EXECUTION_ID));
        SpanData childRun = only(spans, "run child");
        assertEquals(childStart.getSpanId(), childRun.getParentSpanId());
        assertEquals(childRun.getSpanId(), only(spans, "step echo").getParentSpanId());
    }

    @Test
    void failedAttemptsAndAFailedExecutionAreRecordedAsErrors() {
        Node node = node();
        ExecutionHandle<String> h = node.engine.startExecution("flaky", "x", String.class, StartOptions.defaults());
        await().atMost(TIMEOUT).until(() -> h.status() == ExecutionStatus.FAILED);
        await().atMost(TIMEOUT).until(() -> named(node.exporter.getFinishedSpanItems(), "run flaky").size() == 1);

        List<SpanData> spans = node.exporter.getFinishedSpanItems();
        List<SpanData> attempts = named(spans, "step charge");
        assertEquals(List.of(1L, 2L), attempts.stream().map(s -> attr(s, CairnTracing.ATTEMPT)).toList());
        for (SpanData attempt : attempts) {
            assertEquals(StatusCode.ERROR, attempt.getStatus().getStatusCode());
            assertEquals(IllegalStateException.class.getName(), attr(attempt, CairnTracing.ERROR_TYPE));
            assertTrue(attempt.getEvents().stream().anyMatch(e -> e.getName().equals("exception")),
                    "the exception is recorded");
        }
        assertEquals("retrying", attr(attempts.get(0), CairnTracing.OUTCOME));
        assertEquals("failed", attr(attempts.get(1), CairnTracing.OUTCOME));
        assertEquals("card declined on attempt 2", attempts.get(1).getStatus().getDescription());

        SpanData run = only(spans, "run flaky");
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertEquals("failed", attr(run, CairnTracing.OUTCOME));
        assertEquals(StepFailedException.class.getName(), attr(run, CairnTracing.ERROR_TYPE));
    }

    @Test
    void whatAnExecutionStoresIsTheW3cTraceContextOfItsStartSpan() {
        Node node = node();
        ExecutionHandle<String> h = node.engine.startExecution("child", "x", String.class, StartOptions.defaults());
        assertEquals("x!", h.result(TIMEOUT));
        SpanData start = only(node.exporter.getFinishedSpanItems(), "start child");
        assertEquals("{\"traceparent\":\"00-" + start.getTraceId() + "-" + start.getSpanId() + "-"
                + start.getSpanContext().getTraceFlags().asHex() + "\"}",
                store.findExecution(h.executionId()).orElseThrow().propagatedContext());
    }
}
