package dev.cairn;

import dev.cairn.config.BatchConfig;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.InvokeConfig;
import dev.cairn.config.RetryStrategy;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
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
     * @param name       the step's name, recorded and checked on replay; {@code null} for an unnamed step
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

    // ------------------------------------------------------------------ unnamed operations
    // Names are optional, as in the AWS durable SDK: an unnamed operation is recorded without a name and checked on
    // replay by its type (and sub-type) alone; its id comes from its position as always. Every named method also
    // takes a null name for an unnamed operation.

    /** An unnamed {@link #step(String, Class, StepFunction)}. */
    default <T> T step(Class<T> resultType, StepFunction<T> body) {
        return step(null, TypeRef.of(resultType), body, StepConfig.defaults());
    }

    /** An unnamed {@link #step(String, Class, StepFunction, StepConfig)}. */
    default <T> T step(Class<T> resultType, StepFunction<T> body, StepConfig config) {
        return step(null, TypeRef.of(resultType), body, config);
    }

    /** An unnamed {@link #step(String, TypeRef, StepFunction, StepConfig)}. */
    default <T> T step(TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        return step(null, resultType, body, config);
    }

    /** An unnamed {@link #stepAsync(String, Class, StepFunction)}. */
    default <T> DurableFuture<T> stepAsync(Class<T> resultType, StepFunction<T> body) {
        return stepAsync(null, TypeRef.of(resultType), body, StepConfig.defaults());
    }

    /** An unnamed {@link #wait(String, Duration)}. */
    default void wait(Duration duration) {
        wait(null, duration);
    }

    /** An unnamed {@link #waitAsync(String, Duration)}. */
    default DurableFuture<Void> waitAsync(Duration duration) {
        return waitAsync(null, duration);
    }

    /** An unnamed {@link #createCallback(String, Class)}. */
    default <T> DurableCallback<T> createCallback(Class<T> resultType) {
        return createCallback(null, TypeRef.of(resultType), CallbackConfig.defaults());
    }

    /** An unnamed {@link #createCallback(String, Class, CallbackConfig)}. */
    default <T> DurableCallback<T> createCallback(Class<T> resultType, CallbackConfig config) {
        return createCallback(null, TypeRef.of(resultType), config);
    }

    /** An unnamed {@link #waitForCallback(String, Class, CallbackSubmitter)}. */
    default <T> T waitForCallback(Class<T> resultType, CallbackSubmitter submitter) {
        return waitForCallback(null, TypeRef.of(resultType), submitter, CallbackConfig.defaults());
    }

    /** An unnamed {@link #waitForCallback(String, Class, CallbackSubmitter, CallbackConfig)}. */
    default <T> T waitForCallback(Class<T> resultType, CallbackSubmitter submitter, CallbackConfig config) {
        return waitForCallback(null, TypeRef.of(resultType), submitter, config);
    }

    /** An unnamed {@link #runInChildContext(String, Class, ChildFunction)}. */
    default <T> T runInChildContext(Class<T> resultType, ChildFunction<T> body) {
        return runInChildContext(null, TypeRef.of(resultType), body);
    }

    /** An unnamed {@link #map(String, Collection, Class, MapFunction, BatchConfig)}. */
    default <I, T> BatchResult<T> map(Collection<I> items, Class<T> resultType, MapFunction<? super I, T> fn,
            BatchConfig config) {
        return map(null, items, TypeRef.of(resultType), fn, config);
    }

    /** An unnamed {@link #parallel(String, Class, List, BatchConfig)}. */
    default <T> BatchResult<T> parallel(Class<T> resultType, List<ParallelBranch<T>> branches, BatchConfig config) {
        return parallel(null, TypeRef.of(resultType), branches, config);
    }

    /** An unnamed {@link #invoke(String, Class, Object, Class)}. */
    default <I, O> O invoke(Class<? extends DurableFunction<I, O>> function, I input, Class<O> resultType) {
        return invoke(null, function, input, TypeRef.of(resultType));
    }

    /** An unnamed {@link #invoke(String, Class, Object, Class, InvokeConfig)}. */
    default <I, O> O invoke(Class<? extends DurableFunction<I, O>> function, I input, Class<O> resultType,
            InvokeConfig config) {
        return invoke(null, function, input, TypeRef.of(resultType), config);
    }

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

    /**
     * Starts {@link #waitForCallback(String, TypeRef, CallbackSubmitter, CallbackConfig)} on another thread and
     * returns at once; {@link DurableFuture#get()} returns the callback's result or throws as it would.
     */
    <T> DurableFuture<T> waitForCallbackAsync(String name, TypeRef<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config);

    /** {@link #waitForCallbackAsync(String, TypeRef, CallbackSubmitter, CallbackConfig)} with a plain result class. */
    default <T> DurableFuture<T> waitForCallbackAsync(String name, Class<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config) {
        return waitForCallbackAsync(name, TypeRef.of(resultType), submitter, config);
    }

    /** {@link #waitForCallbackAsync(String, TypeRef, CallbackSubmitter, CallbackConfig)} with no timeout. */
    default <T> DurableFuture<T> waitForCallbackAsync(String name, Class<T> resultType, CallbackSubmitter submitter) {
        return waitForCallbackAsync(name, TypeRef.of(resultType), submitter, CallbackConfig.defaults());
    }

    // ------------------------------------------------------------------ asynchronous operations

    /**
     * Starts a step on another thread and returns at once. Its operation id is taken now, so the order in which
     * operations start is the same on every replay. See {@link #step(String, TypeRef, StepFunction, StepConfig)}.
     */
    <T> DurableFuture<T> stepAsync(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config);

    /** {@link #stepAsync(String, TypeRef, StepFunction, StepConfig)} with a plain result class and default config. */
    default <T> DurableFuture<T> stepAsync(String name, Class<T> resultType, StepFunction<T> body) {
        return stepAsync(name, TypeRef.of(resultType), body, StepConfig.defaults());
    }

    /** {@link #stepAsync(String, TypeRef, StepFunction, StepConfig)} with a plain result class. */
    default <T> DurableFuture<T> stepAsync(String name, Class<T> resultType, StepFunction<T> body, StepConfig config) {
        return stepAsync(name, TypeRef.of(resultType), body, config);
    }

    /**
     * Starts a durable wait and returns at once; {@link DurableFuture#get()} returns once it is due (suspending the
     * execution until then if nothing else can progress).
     */
    DurableFuture<Void> waitAsync(String name, Duration duration);

    // ------------------------------------------------------------------ child contexts

    /**
     * Runs {@code body} in a child context: its operations get ids under the child's own id, and its result is
     * checkpointed as one unit, so a replay of a finished child returns the result without running the body.
     * The body must use the context it is given; using this (the parent's) context inside it is an error.
     *
     * @throws ChildContextFailedException if the body threw; the same on every replay
     */
    default <T> T runInChildContext(String name, TypeRef<T> resultType, ChildFunction<T> body) {
        return runInChildContext(name, resultType, body, ChildContextConfig.defaults());
    }

    /**
     * {@link #runInChildContext(String, TypeRef, ChildFunction)} with a config: the serializer its result is
     * checkpointed with ({@link ChildContextConfig.Builder#serializer}), and how it is recorded: with
     * {@code ChildContextConfig.builder().nesting(Nesting.FLAT)} the child is a virtual context that writes no
     * checkpoint of its own, and the body runs again on every replay, its operations replaying from their own
     * checkpoints.
     *
     * @throws ChildContextFailedException if the body threw; the same on every replay
     * @throws SerializationException      if a replay finds a checkpointed result the config's serializer cannot read
     */
    <T> T runInChildContext(String name, TypeRef<T> resultType, ChildFunction<T> body, ChildContextConfig config);

    /** {@link #runInChildContext(String, TypeRef, ChildFunction)} with a plain result class. */
    default <T> T runInChildContext(String name, Class<T> resultType, ChildFunction<T> body) {
        return runInChildContext(name, TypeRef.of(resultType), body);
    }

    /** {@link #runInChildContext(String, TypeRef, ChildFunction, ChildContextConfig)} with a plain result class. */
    default <T> T runInChildContext(String name, Class<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        return runInChildContext(name, TypeRef.of(resultType), body, config);
    }

    /** Starts a child context on another thread and returns at once. See {@link #runInChildContext}. */
    default <T> DurableFuture<T> runInChildContextAsync(String name, TypeRef<T> resultType, ChildFunction<T> body) {
        return runInChildContextAsync(name, resultType, body, ChildContextConfig.defaults());
    }

    /** {@link #runInChildContextAsync(String, TypeRef, ChildFunction)} with a config ({@link ChildContextConfig}). */
    <T> DurableFuture<T> runInChildContextAsync(String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config);

    /** {@link #runInChildContextAsync(String, TypeRef, ChildFunction)} with a plain result class. */
    default <T> DurableFuture<T> runInChildContextAsync(String name, Class<T> resultType, ChildFunction<T> body) {
        return runInChildContextAsync(name, TypeRef.of(resultType), body);
    }

    /** {@link #runInChildContextAsync(String, TypeRef, ChildFunction, ChildContextConfig)} with a plain result class. */
    default <T> DurableFuture<T> runInChildContextAsync(String name, Class<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        return runInChildContextAsync(name, TypeRef.of(resultType), body, config);
    }

    // ------------------------------------------------------------------ batches

    /**
     * Runs named branches concurrently, each in a child context of its own, at most
     * {@link BatchConfig#maxConcurrency()} at once, until the batch completes by its
     * {@link BatchConfig#completion()} policy. Branches may wait and use callbacks; the execution suspends only
     * when no branch can make progress. Each branch's outcome is checkpointed on its own, so a resumed batch does
     * not run finished branches again.
     *
     * @return every branch with its status, result or error, and why the batch completed
     */
    <T> BatchResult<T> parallel(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches, BatchConfig config);

    /** {@link #parallel(String, TypeRef, List, BatchConfig)} with a plain result class. */
    default <T> BatchResult<T> parallel(String name, Class<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config) {
        return parallel(name, TypeRef.of(resultType), branches, config);
    }

    /**
     * A parallel batch whose branches are added one by one, each with its own result type and its own future; see
     * {@link ParallelBatch}. The batch takes its operation id now.
     */
    ParallelBatch parallel(String name, BatchConfig config);

    /** {@link #parallel(String, BatchConfig)} with the default config. */
    default ParallelBatch parallel(String name) {
        return parallel(name, BatchConfig.defaults());
    }

    /**
     * Runs {@code fn} for each item, concurrently, each in a child context of its own; see
     * {@link #parallel(String, TypeRef, List, BatchConfig)} for concurrency, completion, waiting and replay. An
     * empty input succeeds at once.
     *
     * @param items an ordered collection (a {@link List}, or a sorted or linked set): items are matched to their
     *              checkpoints by position
     * @throws IllegalArgumentException if {@code items} has no stable order, such as a {@code HashSet}
     */
    <I, T> BatchResult<T> map(String name, Collection<I> items, TypeRef<T> resultType, MapFunction<? super I, T> fn,
            BatchConfig config);

    /** {@link #map(String, Collection, TypeRef, MapFunction, BatchConfig)} with a plain result class. */
    default <I, T> BatchResult<T> map(String name, Collection<I> items, Class<T> resultType, MapFunction<? super I, T> fn,
            BatchConfig config) {
        return map(name, items, TypeRef.of(resultType), fn, config);
    }

    /**
     * Starts {@link #parallel(String, TypeRef, List, BatchConfig)} on another thread and returns at once; the
     * future's {@link DurableFuture#get()} returns the batch's result.
     */
    <T> DurableFuture<BatchResult<T>> parallelAsync(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config);

    /** {@link #parallelAsync(String, TypeRef, List, BatchConfig)} with a plain result class. */
    default <T> DurableFuture<BatchResult<T>> parallelAsync(String name, Class<T> resultType,
            List<ParallelBranch<T>> branches, BatchConfig config) {
        return parallelAsync(name, TypeRef.of(resultType), branches, config);
    }

    /**
     * Starts {@link #map(String, Collection, TypeRef, MapFunction, BatchConfig)} on another thread and returns at
     * once; the future's {@link DurableFuture#get()} returns the batch's result.
     *
     * @throws IllegalArgumentException at once, if {@code items} has no stable order
     */
    <I, T> DurableFuture<BatchResult<T>> mapAsync(String name, Collection<I> items, TypeRef<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config);

    /** {@link #mapAsync(String, Collection, TypeRef, MapFunction, BatchConfig)} with a plain result class. */
    default <I, T> DurableFuture<BatchResult<T>> mapAsync(String name, Collection<I> items, Class<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config) {
        return mapAsync(name, items, TypeRef.of(resultType), fn, config);
    }

    // ------------------------------------------------------------------ composition

    /**
     * Starts another registered durable function as a child execution and waits, suspended, for it to end. The
     * child's id is derived from this execution's id and the operation's, so a replay never starts it twice.
     *
     * @return the child's result
     * @throws InvokeFailedException if the child failed, was cancelled or timed out
     */
    default <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType) {
        return invoke(name, function, input, resultType, InvokeConfig.defaults());
    }

    /**
     * {@link #invoke(String, Class, Object, TypeRef)} with a config: the serializer the operation checkpoints the
     * child's result with ({@link InvokeConfig.Builder#serializer}).
     *
     * @return the child's result
     * @throws InvokeFailedException  if the child failed, was cancelled or timed out
     * @throws SerializationException if the child's result cannot be read as {@code resultType}, or its checkpoint
     *                                cannot be read by the config's serializer
     */
    <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input, TypeRef<O> resultType,
            InvokeConfig config);

    /** {@link #invoke(String, Class, Object, TypeRef)} with a plain result class. */
    default <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input, Class<O> resultType) {
        return invoke(name, function, input, TypeRef.of(resultType));
    }

    /** {@link #invoke(String, Class, Object, TypeRef, InvokeConfig)} with a plain result class. */
    default <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input, Class<O> resultType,
            InvokeConfig config) {
        return invoke(name, function, input, TypeRef.of(resultType), config);
    }

    /** {@link #invoke(String, Class, Object, TypeRef)} of a function by its registered name. */
    default <O> O invoke(String name, String functionName, Object input, TypeRef<O> resultType) {
        return invoke(name, functionName, input, resultType, InvokeConfig.defaults());
    }

    /** {@link #invoke(String, Class, Object, TypeRef, InvokeConfig)} of a function by its registered name. */
    <O> O invoke(String name, String functionName, Object input, TypeRef<O> resultType, InvokeConfig config);

    /**
     * Starts {@link #invoke(String, String, Object, TypeRef)} and returns at once: the child execution runs while
     * this one goes on, and the future's {@link DurableFuture#get()} waits, suspended if nothing else can progress,
     * for its result.
     */
    default <O> DurableFuture<O> invokeAsync(String name, String functionName, Object input, TypeRef<O> resultType) {
        return invokeAsync(name, functionName, input, resultType, InvokeConfig.defaults());
    }

    /** {@link #invokeAsync(String, String, Object, TypeRef)} with a config ({@link InvokeConfig}). */
    <O> DurableFuture<O> invokeAsync(String name, String functionName, Object input, TypeRef<O> resultType,
            InvokeConfig config);

    /** {@link #invokeAsync(String, String, Object, TypeRef)} of a registered function class. */
    default <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            Class<O> resultType) {
        return invokeAsync(name, function, input, TypeRef.of(resultType));
    }

    /** {@link #invokeAsync(String, String, Object, TypeRef)} of a registered function class. */
    default <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType) {
        return invokeAsync(name, function, input, resultType, InvokeConfig.defaults());
    }

    /** {@link #invokeAsync(String, String, Object, TypeRef, InvokeConfig)} of a registered function class. */
    <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType, InvokeConfig config);

    /** {@link #invokeAsync(String, Class, Object, TypeRef, InvokeConfig)} with a plain result class. */
    default <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            Class<O> resultType, InvokeConfig config) {
        return invokeAsync(name, function, input, TypeRef.of(resultType), config);
    }

    /**
     * Polls {@code check} until the state it returns meets the config's condition: each poll is a checkpointed
     * step and each pause between polls a durable wait, per the config's wait strategy.
     *
     * <p>Either way it ends, the wait-for-condition operation is recorded FAILED or SUCCEEDED, never left started.
     *
     * @return the first state that met the condition
     * @throws ConditionNotMetException if the maximum number of polls was reached first
     * @throws StepFailedException      if a poll failed after the retries of the config's
     *                                  {@link WaitForConditionConfig.Builder#checkConfig check config}; the
     *                                  operation is recorded FAILED with that poll's error
     */
    <S> S waitForCondition(String name, TypeRef<S> stateType, ConditionCheck<S> check, WaitForConditionConfig<S> config);

    /** {@link #waitForCondition(String, TypeRef, ConditionCheck, WaitForConditionConfig)} with a plain state class. */
    default <S> S waitForCondition(String name, Class<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        return waitForCondition(name, TypeRef.of(stateType), check, config);
    }

    /**
     * Starts {@link #waitForCondition(String, TypeRef, ConditionCheck, WaitForConditionConfig)} on another thread
     * and returns at once; the future's {@link DurableFuture#get()} returns the state that met the condition.
     */
    <S> DurableFuture<S> waitForConditionAsync(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config);

    /** {@link #waitForConditionAsync(String, TypeRef, ConditionCheck, WaitForConditionConfig)} with a plain class. */
    default <S> DurableFuture<S> waitForConditionAsync(String name, Class<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        return waitForConditionAsync(name, TypeRef.of(stateType), check, config);
    }

    /**
     * Runs a block of operations, retrying the whole block with {@code strategy} when it throws: each attempt is a
     * child context of its own, and the pause between attempts a durable wait.
     *
     * @throws ChildContextFailedException with the last attempt's error, once the strategy gives up
     */
    <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, ChildFunction<T> body);

    /** {@link #withRetry(String, TypeRef, RetryStrategy, ChildFunction)} with a plain result class. */
    default <T> T withRetry(String name, Class<T> resultType, RetryStrategy strategy, ChildFunction<T> body) {
        return withRetry(name, TypeRef.of(resultType), strategy, body);
    }

    /**
     * {@link #withRetry(String, TypeRef, RetryStrategy, ChildFunction)} whose body is told which attempt it runs,
     * from 1: {@code ctx.withRetry("charge", Receipt.class, strategy, (attempt, c) -> ...)}.
     */
    <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, AttemptFunction<T> body);

    /** {@link #withRetry(String, TypeRef, RetryStrategy, AttemptFunction)} with a plain result class. */
    default <T> T withRetry(String name, Class<T> resultType, RetryStrategy strategy, AttemptFunction<T> body) {
        return withRetry(name, TypeRef.of(resultType), strategy, body);
    }

    /**
     * Starts {@link #withRetry(String, TypeRef, RetryStrategy, AttemptFunction)} on another thread and returns at
     * once; the future's {@link DurableFuture#get()} returns the block's result or throws its last error.
     */
    <T> DurableFuture<T> withRetryAsync(String name, TypeRef<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body);

    /** {@link #withRetryAsync(String, TypeRef, RetryStrategy, AttemptFunction)} with a plain result class. */
    default <T> DurableFuture<T> withRetryAsync(String name, Class<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body) {
        return withRetryAsync(name, TypeRef.of(resultType), strategy, body);
    }

    /** The current time on the engine's clock, recorded the first time, so it is the same on every replay. */
    Instant now();

    /** A random UUID, recorded the first time, so it is the same on every replay. */
    UUID randomUUID();

    /** A logger that is silent while the execution is replaying, so each message is logged once. */
    Logger logger();

    /** The same as {@link #logger()}, under the AWS durable SDK's name. */
    default Logger getLogger() {
        return logger();
    }

    /** Whether the code is replaying operations that already have checkpoints. */
    boolean isReplaying();

    /** The execution's id. */
    String executionId();
}
