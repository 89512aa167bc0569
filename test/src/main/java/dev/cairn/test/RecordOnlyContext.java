package dev.cairn.test;

import dev.cairn.AttemptFunction;
import dev.cairn.BatchResult;
import dev.cairn.CallbackSubmitter;
import dev.cairn.ChildFunction;
import dev.cairn.ConditionCheck;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.DurableFuture;
import dev.cairn.MapFunction;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.ParallelBatch;
import dev.cairn.ParallelBranch;
import dev.cairn.StepFunction;
import dev.cairn.TypeRef;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.InvokeConfig;
import dev.cairn.config.RetryStrategy;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The context {@link WorkflowReplayer} hands the new code: every call goes to the engine's context unchanged (same
 * operation, same position, so the engine checks it against its checkpoint as in production), but user code that
 * would do work runs nothing. A recorded step returns its checkpoint without running its body anyway; a body the
 * engine does call (a step, a submitter or a condition check not recorded as done) means the replay has gone past
 * the record, which {@link Probe} notes, and the body fails instead of running. Child contexts, branches and items
 * get a context like this one.
 */
final class RecordOnlyContext implements DurableContext {

    /** What a replay saw: the engine's non-determinism error, or the first work past the record. */
    static final class Probe {
        volatile NonDeterministicExecutionException nonDeterminism;
        volatile String pastRecord;

        void pastRecord(String what) {
            if (pastRecord == null) {
                pastRecord = what;
            }
        }
    }

    /** Thrown instead of running a body during a replay: the work it would do is not part of the record. */
    static final class NotRecorded extends RuntimeException {
        NotRecorded(String what) {
            super(what + " is not in the recorded history; a replay does not run it", null, false, false);
        }
    }

    private final DurableContext ctx;
    private final Probe probe;

    RecordOnlyContext(DurableContext ctx, Probe probe) {
        this.ctx = ctx;
        this.probe = probe;
    }

    private DurableContext wrap(DurableContext child) {
        return new RecordOnlyContext(child, probe);
    }

    private <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (NonDeterministicExecutionException e) {
            if (probe.nonDeterminism == null) {
                probe.nonDeterminism = e;
            }
            throw e;
        }
    }

    private <T> StepFunction<T> notRun(String what) {
        return step -> {
            probe.pastRecord(what);
            throw new NotRecorded(what);
        };
    }

    @Override
    public <T> T step(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        return call(() -> ctx.step(name, resultType, notRun("step '" + name + "'"), config));
    }

    @Override
    public <T> DurableFuture<T> stepAsync(String name, TypeRef<T> resultType, StepFunction<T> body, StepConfig config) {
        return call(() -> ctx.stepAsync(name, resultType, notRun("step '" + name + "'"), config));
    }

    @Override
    public void wait(String name, Duration duration) {
        call(() -> {
            ctx.wait(name, duration);
            return null;
        });
    }

    @Override
    public DurableFuture<Void> waitAsync(String name, Duration duration) {
        return call(() -> ctx.waitAsync(name, duration));
    }

    @Override
    public <T> DurableCallback<T> createCallback(String name, TypeRef<T> resultType, CallbackConfig config) {
        return call(() -> ctx.createCallback(name, resultType, config));
    }

    @Override
    public <T> T waitForCallback(String name, TypeRef<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config) {
        String what = "the submitter of waitForCallback '" + name + "'";
        return call(() -> ctx.waitForCallback(name, resultType, (callbackId, step) -> {
            probe.pastRecord(what);
            throw new NotRecorded(what);
        }, config));
    }

    @Override
    public <T> T runInChildContext(String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        return call(() -> ctx.runInChildContext(name, resultType, c -> body.apply(wrap(c)), config));
    }

    @Override
    public <T> DurableFuture<T> runInChildContextAsync(String name, TypeRef<T> resultType, ChildFunction<T> body,
            ChildContextConfig config) {
        return call(() -> ctx.runInChildContextAsync(name, resultType, c -> body.apply(wrap(c)), config));
    }

    @Override
    public <T> BatchResult<T> parallel(String name, TypeRef<T> resultType, List<ParallelBranch<T>> branches,
            BatchConfig config) {
        List<ParallelBranch<T>> wrapped = new ArrayList<>(branches.size());
        for (ParallelBranch<T> branch : branches) {
            wrapped.add(ParallelBranch.of(branch.name(), c -> branch.body().apply(wrap(c))));
        }
        return call(() -> ctx.parallel(name, resultType, wrapped, config));
    }

    @Override
    public <I, T> BatchResult<T> map(String name, Collection<I> items, TypeRef<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config) {
        MapFunction<I, T> wrapped = (item, index, c) -> fn.apply(item, index, wrap(c));
        return call(() -> ctx.map(name, items, resultType, wrapped, config));
    }

    @Override
    public <I, O> O invoke(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType, InvokeConfig config) {
        return call(() -> ctx.invoke(name, function, input, resultType, config));
    }

    @Override
    public <O> O invoke(String name, String functionName, Object input, TypeRef<O> resultType, InvokeConfig config) {
        return call(() -> ctx.invoke(name, functionName, input, resultType, config));
    }

    @Override
    public <S> S waitForCondition(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        String what = "the check of waitForCondition '" + name + "'";
        return call(() -> ctx.waitForCondition(name, stateType, (state, step) -> {
            probe.pastRecord(what);
            throw new NotRecorded(what);
        }, config));
    }

    @Override
    public <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, ChildFunction<T> body) {
        return call(() -> ctx.withRetry(name, resultType, strategy, c -> body.apply(wrap(c))));
    }

    @Override
    public <T> T withRetry(String name, TypeRef<T> resultType, RetryStrategy strategy, AttemptFunction<T> body) {
        return call(() -> ctx.withRetry(name, resultType, strategy, (attempt, c) -> body.apply(attempt, wrap(c))));
    }

    @Override
    public <T> DurableFuture<T> withRetryAsync(String name, TypeRef<T> resultType, RetryStrategy strategy,
            AttemptFunction<T> body) {
        return call(() -> ctx.withRetryAsync(name, resultType, strategy,
                (attempt, c) -> body.apply(attempt, wrap(c))));
    }

    @Override
    public <T> DurableFuture<T> waitForCallbackAsync(String name, TypeRef<T> resultType, CallbackSubmitter submitter,
            CallbackConfig config) {
        String what = "the submitter of waitForCallback '" + name + "'";
        return call(() -> ctx.waitForCallbackAsync(name, resultType, (callbackId, step) -> {
            probe.pastRecord(what);
            throw new NotRecorded(what);
        }, config));
    }

    @Override
    public <T> DurableFuture<BatchResult<T>> parallelAsync(String name, TypeRef<T> resultType,
            List<ParallelBranch<T>> branches, BatchConfig config) {
        List<ParallelBranch<T>> wrapped = new ArrayList<>(branches.size());
        for (ParallelBranch<T> branch : branches) {
            wrapped.add(ParallelBranch.of(branch.name(), c -> branch.body().apply(wrap(c))));
        }
        return call(() -> ctx.parallelAsync(name, resultType, wrapped, config));
    }

    @Override
    public ParallelBatch parallel(String name, BatchConfig config) {
        ParallelBatch batch = call(() -> ctx.parallel(name, config));
        return new ParallelBatch() {
            @Override
            public <T> DurableFuture<T> branch(String branchName, TypeRef<T> resultType, ChildFunction<T> body) {
                return call(() -> batch.branch(branchName, resultType, c -> body.apply(wrap(c))));
            }

            @Override
            public void close() {
                batch.close();
            }

            @Override
            public BatchResult<Object> get() {
                return call(batch::get);
            }

            @Override
            public boolean isDone() {
                return batch.isDone();
            }
        };
    }

    @Override
    public <I, T> DurableFuture<BatchResult<T>> mapAsync(String name, Collection<I> items, TypeRef<T> resultType,
            MapFunction<? super I, T> fn, BatchConfig config) {
        MapFunction<I, T> wrapped = (item, index, c) -> fn.apply(item, index, wrap(c));
        return call(() -> ctx.mapAsync(name, items, resultType, wrapped, config));
    }

    @Override
    public <O> DurableFuture<O> invokeAsync(String name, String functionName, Object input, TypeRef<O> resultType,
            InvokeConfig config) {
        return call(() -> ctx.invokeAsync(name, functionName, input, resultType, config));
    }

    @Override
    public <I, O> DurableFuture<O> invokeAsync(String name, Class<? extends DurableFunction<I, O>> function, I input,
            TypeRef<O> resultType, InvokeConfig config) {
        return call(() -> ctx.invokeAsync(name, function, input, resultType, config));
    }

    @Override
    public <S> DurableFuture<S> waitForConditionAsync(String name, TypeRef<S> stateType, ConditionCheck<S> check,
            WaitForConditionConfig<S> config) {
        String what = "the check of waitForCondition '" + name + "'";
        return call(() -> ctx.waitForConditionAsync(name, stateType, (state, step) -> {
            probe.pastRecord(what);
            throw new NotRecorded(what);
        }, config));
    }

    @Override
    public Instant now() {
        return call(ctx::now);
    }

    @Override
    public UUID randomUUID() {
        return call(ctx::randomUUID);
    }

    @Override
    public Logger logger() {
        return ctx.logger();
    }

    @Override
    public boolean isReplaying() {
        return ctx.isReplaying();
    }

    @Override
    public String executionId() {
        return ctx.executionId();
    }
}
