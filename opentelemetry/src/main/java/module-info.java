/**
 * Cairn's OpenTelemetry tracing: {@link dev.cairn.opentelemetry.CairnTracing}, a listener and context propagator
 * that records a span per run of an execution and per step attempt that runs, every run of an execution in the trace
 * its start began or continued, on whichever node it resumes. It needs only the OpenTelemetry API; the application
 * brings the SDK and its exporters.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.cairn.opentelemetry {
    requires transitive dev.cairn.engine;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports dev.cairn.opentelemetry;
}
