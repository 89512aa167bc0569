/**
 * Micrometer meters for Cairn: {@link dev.cairn.micrometer.CairnMetrics}, an execution listener that counts and times
 * executions, step attempts, group commits and timers, with gauges of the engine's timers and of the executions in
 * the store by status.
 */
@SuppressWarnings("requires-transitive-automatic") // Micrometer names its module in its manifest only
module dev.cairn.micrometer {
    requires transitive dev.cairn.engine;
    requires transitive micrometer.core;

    exports dev.cairn.micrometer;
}
