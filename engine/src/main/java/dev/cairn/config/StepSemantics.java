package dev.cairn.config;

/** How often a step's body may run for one retry attempt. */
public enum StepSemantics {
    /**
     * The default. The body's result is checkpointed after it returns; if the JVM dies in between, the attempt
     * runs again on resume. Use for idempotent work.
     */
    AT_LEAST_ONCE_PER_RETRY,
    /**
     * A start checkpoint is made durable before the body runs. If the JVM dies before the result is
     * checkpointed, the resumed execution finds the attempt started and counts it as failed (with a
     * {@link dev.cairn.StepInterruptedException}), which goes through the retry strategy; the body never runs
     * twice for one attempt. Use for work that must not be repeated, such as a payment without an idempotency key.
     */
    AT_MOST_ONCE_PER_RETRY
}
