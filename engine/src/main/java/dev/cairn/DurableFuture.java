package dev.cairn;

import dev.cairn.internal.replay.DurableFutures;
import java.util.Arrays;
import java.util.List;

/**
 * The pending result of an asynchronous durable operation ({@link DurableContext#stepAsync},
 * {@link DurableContext#waitAsync}, {@link DurableContext#runInChildContextAsync}, {@link DurableContext#mapAsync},
 * {@link DurableContext#parallelAsync}, {@link DurableContext#invokeAsync}, {@link DurableContext#waitForCallbackAsync},
 * {@link DurableContext#waitForConditionAsync}, {@link DurableContext#withRetryAsync}, {@link DurableCallback}).
 * The operation's id was taken when it was started, so the order in which operations start stays deterministic
 * on replay whatever order they finish in.
 *
 * <p>{@link #get()} must be called from the code that started the operation. If the operation cannot finish yet
 * (a retry backing off, a wait not due, a callback not completed) and nothing else can make progress, the
 * execution suspends there and resumes by replay.
 *
 * @param <T> the result type
 */
public interface DurableFuture<T> {

    /**
     * The result, waiting for it if needed.
     *
     * @throws StepFailedException         and the other exceptions of the operation, as it would throw them
     */
    T get();

    /** Whether the operation has finished (successfully or not). */
    boolean isDone();

    /** Waits for all the futures; {@link #get()} of the result returns their results in order. */
    static DurableFuture<List<Object>> allOf(DurableFuture<?>... futures) {
        return DurableFutures.allOf(Arrays.asList(futures));
    }

    /** Waits for all the futures; {@link #get()} of the result returns their results in order. */
    static <T> DurableFuture<List<T>> allOf(List<? extends DurableFuture<? extends T>> futures) {
        return DurableFutures.allOf(futures);
    }

    /**
     * Waits for all the futures to finish, successfully or not, and throws none of their errors: {@link #get()} of
     * the result returns how each ended, in order. Like {@link #allOf}, it suspends the execution while one of them
     * cannot finish yet and nothing else can progress.
     */
    static DurableFuture<List<Settled<Object>>> allSettled(DurableFuture<?>... futures) {
        return DurableFutures.allSettled(Arrays.asList(futures));
    }

    /** {@link #allSettled(DurableFuture[])} for futures of one type. */
    static <T> DurableFuture<List<Settled<T>>> allSettled(List<? extends DurableFuture<? extends T>> futures) {
        return DurableFutures.allSettled(futures);
    }

    /**
     * Waits for the first of the futures to finish and returns its result (or throws its error). Which one
     * finished first is checkpointed, so a replay picks the same one.
     */
    static DurableFuture<Object> anyOf(DurableFuture<?>... futures) {
        return DurableFutures.anyOf(Arrays.asList(futures));
    }

    /** {@link #anyOf(DurableFuture[])} for futures of one type. */
    static <T> DurableFuture<T> anyOf(List<? extends DurableFuture<? extends T>> futures) {
        return DurableFutures.anyOf(futures);
    }
}
