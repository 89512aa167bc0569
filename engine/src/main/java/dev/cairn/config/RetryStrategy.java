package dev.cairn.config;

/**
 * Decides whether a failed step attempt is retried, and after how long. The decision is checkpointed with the
 * failed attempt, so randomness here (jitter) does not break replay. See {@link RetryStrategies}.
 */
@FunctionalInterface
public interface RetryStrategy {

    /**
     * Decides after a failed attempt.
     *
     * @param error        what the attempt threw ({@link dev.cairn.StepInterruptedException} for an
     *                     at-most-once attempt cut short by a crash)
     * @param attemptsMade how many attempts have been made, the failed one included (from 1)
     * @return whether and when to retry
     */
    RetryDecision decide(Throwable error, int attemptsMade);
}
