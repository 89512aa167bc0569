package dev.cairn;

/**
 * A step's body. It runs at most once per attempt; its result is checkpointed before the workflow sees it.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface StepFunction<T> {

    /**
     * Runs the step.
     *
     * @param step the step's context
     * @return the result, which may be {@code null}
     * @throws Exception a failed attempt, which the step's retry strategy may retry
     */
    T apply(StepContext step) throws Exception;
}
