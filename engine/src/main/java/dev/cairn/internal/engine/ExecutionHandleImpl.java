package dev.cairn.internal.engine;

import dev.cairn.EngineClosedException;
import dev.cairn.ExecutionFailedException;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.ResultNotReadyException;
import dev.cairn.spi.ExecutionRecord;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A handle on one execution, reading its result as one type. */
final class ExecutionHandleImpl<O> implements ExecutionHandle<O> {

    private final EngineRuntime engine;
    private final String executionId;
    private final Type outputType;

    ExecutionHandleImpl(EngineRuntime engine, String executionId, Type outputType) {
        this.engine = engine;
        this.executionId = executionId;
        this.outputType = outputType;
    }

    @Override
    public String executionId() {
        return executionId;
    }

    @Override
    public ExecutionStatus status() {
        return engine.statusOf(executionId);
    }

    @Override
    public O result() {
        try {
            return outcome(engine.awaitEnd(executionId).get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineClosedException("interrupted while waiting for execution " + executionId);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public O result(Duration timeout) {
        try {
            return outcome(engine.awaitEnd(executionId).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new ResultNotReadyException(executionId, timeout, status());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineClosedException("interrupted while waiting for execution " + executionId);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public CompletableFuture<O> future() {
        return engine.awaitEnd(executionId).thenApply(this::outcome);
    }

    private O outcome(ExecutionRecord record) {
        if (record.status() == ExecutionStatus.SUCCEEDED) {
            return engine.serializer().deserialize(record.output(), outputType);
        }
        throw new ExecutionFailedException(executionId, record.status(), record.error());
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }

    @Override
    public String toString() {
        return "ExecutionHandle[" + executionId + "]";
    }
}
