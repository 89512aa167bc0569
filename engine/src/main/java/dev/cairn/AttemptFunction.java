package dev.cairn;

/**
 * One attempt of {@link DurableContext#withRetry(String, TypeRef, dev.cairn.config.RetryStrategy, AttemptFunction)},
 * told which attempt it is. It runs in a child context of its own, which it must use rather than its parent's.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface AttemptFunction<T> {

    /**
     * Runs, or replays, one attempt.
     *
     * @param attempt the attempt, from 1; the same on every replay of that attempt
     * @param ctx     the attempt's child context
     * @return the block's result, checkpointed as one unit
     * @throws Exception a failure of this attempt, which the retry strategy may retry
     */
    T apply(int attempt, DurableContext ctx) throws Exception;
}
