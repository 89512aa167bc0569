package dev.cairn;

/**
 * One poll of {@link DurableContext#waitForCondition}: looks at the world and returns the new state. Each poll
 * runs as a checkpointed step.
 *
 * @param <S> the state type
 */
@FunctionalInterface
public interface ConditionCheck<S> {

    /**
     * Polls.
     *
     * @param state the state returned by the previous poll, or the initial state
     * @param step  the step's context
     * @return the new state
     * @throws Exception a failed poll, which fails the wait (after the step's own retries)
     */
    S check(S state, StepContext step) throws Exception;
}
