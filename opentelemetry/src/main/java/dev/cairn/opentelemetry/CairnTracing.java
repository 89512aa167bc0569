package dev.cairn.opentelemetry;

import dev.cairn.DurableEngine;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionContextPropagator;
import dev.cairn.ExecutionListener;
import dev.cairn.ExecutionStatus;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Traces durable executions with OpenTelemetry: one trace per execution, whichever node runs it.
 *
 * <pre>{@code
 * DurableEngine engine = CairnTracing.create(openTelemetry)
 *         .applyTo(DurableEngine.builder().store(store).register(new Greeting()))
 *         .build();
 * }</pre>
 *
 * <p>What it records:
 * <ul>
 * <li>{@code start <function>} (kind PRODUCER), when an execution is started: a child of the caller's current span,
 *     or the root of a new trace when the caller has none. For an execution started by {@code ctx.invoke}, a child of
 *     the invoking run's span. Its context is what the execution stores (the W3C {@code traceparent} and
 *     {@code tracestate} entries by default), so that every run can be parented on it later.</li>
 * <li>{@code run <function>} (kind CONSUMER), one per run of the execution (from the moment an engine begins running
 *     it until it suspends, ends or is interrupted), a child of the start span, on whichever engine or JVM the run
 *     happens. While the run's code runs, the run span is the current span, so spans the code makes nest under it.
 *     </li>
 * <li>{@code step <name>} (kind INTERNAL), one per attempt of a step that really runs, a child of its run's span and
 *     the current span while the step's body runs. Operations replayed from their checkpoints make no span: the run
 *     span counts them in {@code cairn.run.replayed_operations}.</li>
 * </ul>
 *
 * <p>Attributes name the function ({@code cairn.function}), the execution ({@code cairn.execution.id},
 * {@code cairn.execution.parent_id}), the operation ({@code cairn.operation.id}, {@code cairn.operation.name},
 * {@code cairn.operation.type}), the attempt ({@code cairn.step.attempt}) and the outcome ({@code cairn.outcome}:
 * {@code succeeded}, {@code failed}, {@code retrying}, {@code suspended}, {@code cancelled}, {@code timed_out},
 * {@code interrupted}). No input, result or callback payload is ever recorded. A failed step attempt records its
 * exception and has status ERROR; so has a run whose execution failed or timed out (with {@code error.type}), and a
 * run interrupted because the store failed.
 *
 * <p>Executions started without tracing (before it was installed, say) store no context: each of their runs begins
 * a trace of its own.
 */
public final class CairnTracing implements ExecutionListener, ExecutionContextPropagator {

    /** The instrumentation scope name of the spans. */
    public static final String INSTRUMENTATION_NAME = "dev.cairn.opentelemetry";

    static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("cairn.function");
    static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("cairn.execution.id");
    static final AttributeKey<String> PARENT_EXECUTION_ID = AttributeKey.stringKey("cairn.execution.parent_id");
    static final AttributeKey<String> OPERATION_ID = AttributeKey.stringKey("cairn.operation.id");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("cairn.operation.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("cairn.operation.type");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("cairn.step.attempt");
    static final AttributeKey<String> NEXT_ATTEMPT_AT = AttributeKey.stringKey("cairn.step.next_attempt_at");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("cairn.outcome");
    static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("cairn.run.resumed");
    static final AttributeKey<Long> REPLAYED = AttributeKey.longKey("cairn.run.replayed_operations");
    static final AttributeKey<String> WAKE_AT = AttributeKey.stringKey("cairn.run.wake_at");
    static final AttributeKey<String> INTERRUPTED_BY = AttributeKey.stringKey("cairn.run.interrupted_by");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    /** The runs under way in this JVM, by execution id: an execution runs on one engine at a time. */
    private final Map<String, RunSpan> runs = new ConcurrentHashMap<>();

    private CairnTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * Tracing on {@code openTelemetry}'s tracer provider, carrying the W3C trace context.
     *
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static CairnTracing create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * A builder of tracing on {@code openTelemetry}'s tracer provider.
     *
     * @throws NullPointerException if {@code openTelemetry} is null
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /**
     * Registers this as the listener and the context propagator of an engine being built.
     *
     * @return {@code builder}, for more calls
     */
    public DurableEngine.Builder applyTo(DurableEngine.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        return builder.listener(this).contextPropagator(this);
    }

    // ------------------------------------------------------------------------------------------------------------
    // The start: on the caller's thread

    /** Starts and ends the start span, and returns its context to be stored with the execution. */
    @Override
    public Map<String, String> capture(Starting execution) {
        Context parent = Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid() && !execution.parentContext().isEmpty()) {
            parent = propagator.extract(Context.root(), execution.parentContext(), GETTER);
        }
        SpanBuilder builder = tracer.spanBuilder("start " + execution.function()).setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(FUNCTION, execution.function())
                .setAttribute(EXECUTION_ID, execution.executionId());
        if (execution.parentExecutionId() != null) {
            builder.setAttribute(PARENT_EXECUTION_ID, execution.parentExecutionId());
        }
        Span start = builder.startSpan();
        try {
            Map<String, String> carrier = new LinkedHashMap<>();
            propagator.inject(parent.with(start), carrier, (c, key, value) -> {
                if (c != null) {
                    c.put(key, value);
                }
            });
            return carrier;
        } finally {
            start.end();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Runs: on the engine's threads

    @Override
    public void executionStarted(ExecutionEvent event) {
        begin(event, false);
    }

    @Override
    public void executionResumed(ExecutionEvent event) {
        begin(event, true);
    }

    private void begin(ExecutionEvent event, boolean resumed) {
        Context parent = event.propagatedContext().isEmpty() ? Context.root()
                : propagator.extract(Context.root(), event.propagatedContext(), GETTER);
        Span span = tracer.spanBuilder("run " + event.function()).setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(FUNCTION, event.function())
                .setAttribute(EXECUTION_ID, event.executionId())
                .setAttribute(RESUMED, resumed)
                .startSpan();
        RunSpan previous = runs.put(event.executionId(), new RunSpan(span, parent.with(span)));
        if (previous != null) {
            // A run of the same execution that never reported how it stopped: close it rather than leak it.
            previous.end("interrupted", null);
        }
    }

    @Override
    public void executionSuspended(ExecutionEvent event) {
        RunSpan run = runs.remove(event.executionId());
        if (run != null) {
            if (event.wakeAt() != null) {
                run.span.setAttribute(WAKE_AT, event.wakeAt().toString());
            }
            run.end("suspended", null);
        }
    }

    @Override
    public void executionEnded(ExecutionEvent event) {
        RunSpan run = runs.remove(event.executionId());
        if (run == null) {
            return;
        }
        ExecutionStatus status = event.status();
        switch (status) {
            case SUCCEEDED -> run.end("succeeded", null);
            case CANCELLED -> run.end("cancelled", null);
            case TIMED_OUT -> run.end("timed_out", event.error());
            default -> run.end("failed", event.error() != null ? event.error()
                    : ErrorInfo.of("dev.cairn." + status, "execution ended " + status));
        }
    }

    @Override
    public void executionInterrupted(ExecutionEvent event) {
        RunSpan run = runs.remove(event.executionId());
        if (run == null) {
            return;
        }
        ErrorInfo why = event.error();
        if (why != null) {
            run.span.setAttribute(INTERRUPTED_BY, why.type());
        }
        // Closing and takeovers are how a cluster works; a store that fails is an error.
        run.end("interrupted", why != null && "dev.cairn.StoreUnavailable".equals(why.type()) ? why : null);
    }

    @Override
    public void operationEnded(OperationEvent event) {
        if (event.replayed()) {
            RunSpan run = runs.get(event.executionId());
            if (run != null) {
                run.replayed.incrementAndGet();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Step attempts

    @Override
    public void stepAttemptStarted(StepAttemptEvent event) {
        RunSpan run = runs.get(event.executionId());
        Context parent = run != null ? run.context : Context.current();
        Span span = tracer.spanBuilder(event.name() == null ? "step" : "step " + event.name()).setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(FUNCTION, event.function())
                .setAttribute(EXECUTION_ID, event.executionId())
                .setAttribute(OPERATION_ID, event.operationId())
                .setAttribute(OPERATION_TYPE, "STEP")
                .setAttribute(ATTEMPT, (long) event.attempt())
                .startSpan();
        if (event.name() != null) {
            span.setAttribute(OPERATION_NAME, event.name());
        }
        if (run != null) {
            run.steps.put(stepKey(event.operationId(), event.attempt()), span);
        } else {
            span.end(); // no run to attach it to: a listener registered on an engine without this propagator
        }
    }

    @Override
    public void stepAttemptSucceeded(StepAttemptEvent event) {
        Span span = takeStep(event);
        if (span != null) {
            span.setAttribute(OUTCOME, "succeeded");
            span.end();
        }
    }

    @Override
    public void stepAttemptFailed(StepAttemptEvent event) {
        Span span = takeStep(event);
        if (span == null) {
            return;
        }
        if (event.error() != null) {
            span.recordException(event.error());
            span.setAttribute(ERROR_TYPE, event.error().getClass().getName());
            span.setStatus(StatusCode.ERROR, String.valueOf(event.error().getMessage()));
        } else {
            span.setStatus(StatusCode.ERROR);
        }
        if (event.nextAttemptAt() != null) {
            span.setAttribute(NEXT_ATTEMPT_AT, event.nextAttemptAt().toString());
            span.setAttribute(OUTCOME, "retrying");
        } else {
            span.setAttribute(OUTCOME, "failed");
        }
        span.end();
    }

    private Span takeStep(StepAttemptEvent event) {
        RunSpan run = runs.get(event.executionId());
        return run == null ? null : run.steps.remove(stepKey(event.operationId(), event.attempt()));
    }

    private static String stepKey(String operationId, int attempt) {
        return operationId + "#" + attempt;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Attaching the run's or the step's span while the execution's code runs

    @Override
    public Attachment attach(Running code) {
        RunSpan run = runs.get(code.executionId());
        if (run == null) {
            return Attachment.NONE;
        }
        Context context = run.context;
        if (code.isStepAttempt()) {
            Span step = run.steps.get(stepKey(code.stepOperationId(), code.attempt()));
            if (step != null) {
                context = context.with(step);
            }
        }
        Scope scope = context.makeCurrent();
        return scope::close;
    }

    /** The span of a run under way, the context it is current in, and the spans of its step attempts under way. */
    private static final class RunSpan {
        final Span span;
        final Context context;
        final Map<String, Span> steps = new ConcurrentHashMap<>();
        final AtomicLong replayed = new AtomicLong();

        RunSpan(Span span, Context context) {
            this.span = span;
            this.context = context;
        }

        /** Ends the run span with its outcome; an error makes it ERROR. Step attempts still open end interrupted. */
        void end(String outcome, ErrorInfo error) {
            for (Span step : steps.values()) {
                step.setAttribute(OUTCOME, "interrupted");
                step.end();
            }
            steps.clear();
            span.setAttribute(OUTCOME, outcome);
            span.setAttribute(REPLAYED, replayed.get());
            if (error != null) {
                span.setAttribute(ERROR_TYPE, error.type());
                span.setStatus(StatusCode.ERROR, error.message() == null ? error.type() : error.message());
            }
            span.end();
        }
    }

    /** Builds a {@link CairnTracing}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /**
         * How the trace context is written into what an execution stores, and read back: the W3C trace context by
         * default ({@code traceparent}, {@code tracestate}). {@code openTelemetry.getPropagators()
         * .getTextMapPropagator()} carries baggage too; what it writes must fit in
         * {@link ExecutionContextPropagator#MAX_CONTEXT_BYTES}, or entries are dropped.
         */
        public Builder propagator(TextMapPropagator propagator) {
            this.propagator = Objects.requireNonNull(propagator, "propagator");
            return this;
        }

        /** The tracing. */
        public CairnTracing build() {
            String version = CairnTracing.class.getPackage() == null ? null
                    : CairnTracing.class.getPackage().getImplementationVersion();
            var tracerBuilder = openTelemetry.getTracerProvider().tracerBuilder(INSTRUMENTATION_NAME);
            if (version != null) {
                tracerBuilder.setInstrumentationVersion(version);
            }
            return new CairnTracing(tracerBuilder.build(), propagator);
        }
    }
}
