package dev.cairn;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on an execution: from {@link DurableEngine#startExecution} or {@link DurableEngine#handle}.
 *
 * @param <O> the output type
 */
public interface ExecutionHandle<O> {

    /** The execution's id. */
    String executionId();

    /** Its current status, read from the store. */
    ExecutionStatus status();

    /**
     * Waits for the execution to end and returns its result.
     *
     * @throws ExecutionFailedException if it failed, was cancelled or timed out
     */
    O result();

    /**
     * Waits at most {@code timeout} for the execution to end and returns its result.
     *
     * @throws ExecutionFailedException if it failed, was cancelled or timed out
     * @throws ResultNotReadyException  if it had not ended in time
     */
    O result(Duration timeout);

    /**
     * A future completed with the result, or exceptionally with {@link ExecutionFailedException}. Completing or
     * cancelling the future does not affect the execution.
     */
    CompletableFuture<O> future();
}
