package dev.cairn;

import dev.cairn.config.CallbackConfig;
import dev.cairn.config.StepConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * The handle through which a {@link DurableFunction} makes durable operations.
 *
 * <p>Each operation gets a deterministic id from its position (a counter per context). The first time it runs,
 * its outcome is checkpointed before the code sees it; on replay it returns the checkpointed outcome without
 * running again, after checking that its type and name match the checkpoint (otherwise
 * {@link NonDeterministicExecutionException}). Operations that cannot complete yet (a wait not due, a callback
 * not completed, a retry backing off) suspend the execution: its thread is released, and a timer or the
 * callback resumes it by replay.
 *
 * <p>A context belongs to one run of one execution on one thread. Do not use it from other threads, from
 * inside a step's body, or after the function returned.
 */
public interface DurableContext {

    /**
     * Runs a step with the {@linkplain StepConfig#defaults() default config} and checkpoints its result.
     *
     * @param name       the step's name, recorded and checked on replay
     * @param resultType the result's class
     * @param body       the step's body
     * @return the body's result, or on replay the checkpointed one
     * @throws StepFailedException   if the step failed and was not retried further
     * @throws SerializationException if the result cannot be serialized (nothing is checkpointed then)
     */
    default <T> T step(String name, Class<T> resultType, StepFunction<T> body) {
        return step(name, TypeRef.of(resultType), body, StepConfig.defaults());
    }

    /** Runs a step with a config: retry strategy and semantics. See {@link #step(String, Class, StepFunction)}. */
    default <T> T step(String name, Class<T> resultType, StepFunction<T> body, StepConfig config) {
        return step(name, TypeRef.of(resultType), body, config);
    }

    /** Runs a step whose result has a generic type. See {@link #step(String, Class, StepFunction)}. */
    default <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body) {
        return step(name, resultType, body, StepConfig.defaults());
    }

    /**
     * Runs a step. Failed attempts are checkpointed with their attempt number and the time of the next attempt;
     * a backoff suspends the execution rather than holding a thread.
     *
     * @param name       the step's name, recorded and checked on replay
     * @param resultType the result's type
     * @param body       the step's body
     * @param config     retry strategy and semantics
     * @return the body's result, or on replay the checkpointed one
     */
    <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config);

    /**
     * Waits durably: the execution suspends, holding no thread, and resumes by replay once {@code duration} has
     * passed on the engine's clock.
     *
     * @param name     the wait's name, recorded and checked on replay
     * @param duration how long; positive
     */
    void wait(String name, Duration duration);

    /**
     * Creates a callback that an external system completes with {@link DurableEngine#completeCallback}. The
     * callback is durable before this returns, so its id can be handed out at once (in a step).
     *
     * @param name       the callback's name
     * @param resultType the class its result is read as
     * @param config     timeout and heartbeat timeout
     */
    default <T> DurableCallback<T> createCallback(String name, Class<T> resultType, CallbackConfig config) {
        return createCallback(name, TypeRef.of(resultType), config);
    }

    /** Creates a callback with no timeout. See {@link #createCallback(String, Class, CallbackConfig)}. */
    default <T> DurableCallback<T> createCallback(String name, Class<T> resultType) {
        return createCallback(name, TypeRef.of(resultType), CallbackConfig.defaults());
    }

    /** Creates a callback whose result has a generic type. See {@link #createCallback(String, Class, CallbackConfig)}. */
    <T> DurableCallback<T> createCallback(String name, TypeRef<T> resultType, CallbackConfig config);

    /**
     * Creates a callback, runs {@code submitter} as a step to hand its id to an external system, and waits for the
     * result. If the submitter fails (after its retries, see {@link CallbackConfig#submitterConfig()}), the
     * callback is failed and this throws {@link CallbackFailedException} rather than waiting forever.
     *
     * @throws CallbackFailedException  if the callback or its submitter failed
     * @throws CallbackTimeoutException if it timed out
     */
    default <T> T waitForCallback(String name, Class<T> resultType, CallbackSubmitter submitter, CallbackConfig config) {
        return waitForCallback(name, TypeRef.of(resultType), submitter, config);
    }

    /** {@link #waitForCallback(String, Class, CallbackSubmitter, CallbackConfig)} with no timeout. */
    default <T> T waitForCallback(String name, Class<T> resultType, CallbackSubmitter submitter) {
        return waitForCallback(name, TypeRef.of(resultType), submitter, CallbackConfig.defaults());
    }

    /** {@link #waitForCallback(String, Class, CallbackSubmitter, CallbackConfig)} for a generic result type. */
    <T> T waitForCallback(String name, TypeRef<T> resultType, CallbackSubmitter submitter, CallbackConfig config);

    /** The current time on the engine's clock, recorded the first time, so it is the same on every replay. */
    Instant now();

    /** A random UUID, recorded the first time, so it is the same on every replay. */
    UUID randomUUID();

    /** A logger that is silent while the execution is replaying, so each message is logged once. */
    Logger logger();

    /** Whether the code is replaying operations that already have checkpoints. */
    boolean isReplaying();

    /** The execution's id. */
    String executionId();
}
