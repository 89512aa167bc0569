package dev.cairn.config;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Ready-made {@link RetryStrategy retry strategies}. {@code maxAttempts} always counts the first attempt.
 *
 * <p>Prefer the builders, {@link #linear()} and {@link #exponential()}: they name every delay, where the positional
 * factories take several {@link Duration}s in a row that a call can swap without a compiler noticing.
 */
public final class RetryStrategies {

    private RetryStrategies() {
    }

    /** Never retry: the first failure fails the step. */
    public static RetryStrategy none() {
        return (error, attemptsMade) -> RetryDecision.stop();
    }

    /**
     * The default: 3 attempts, exponential backoff from 1 second, doubling, at most 1 minute, full jitter.
     */
    public static RetryStrategy defaultStrategy() {
        return exponentialBackoff(3, Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, Jitter.FULL);
    }

    /**
     * A builder of linear backoff, whose delays are all set by name:
     * {@code linear().maxAttempts(5).initialDelay(d).increment(i).maxDelay(m).build()}.
     */
    public static LinearBackoffBuilder linear() {
        return new LinearBackoffBuilder();
    }

    /**
     * A builder of exponential backoff, whose options are all set by name:
     * {@code exponential().maxAttempts(5).initialDelay(d).maxDelay(m).backoffRate(2.0).jitter(Jitter.FULL).build()}.
     */
    public static ExponentialBackoffBuilder exponential() {
        return new ExponentialBackoffBuilder();
    }

    /**
     * Exponential backoff: the n-th retry waits {@code initialDelay * backoffRate^(n-1)}, capped at
     * {@code maxDelay}, then jittered.
     *
     * @param maxAttempts  attempts in all, at least 1
     * @param initialDelay the delay before the first retry, not negative
     * @param maxDelay     the largest delay, at least {@code initialDelay}
     * @param backoffRate  the growth factor, at least 1.0
     * @param jitter       how delays are randomised
     */
    public static RetryStrategy exponentialBackoff(int maxAttempts, Duration initialDelay, Duration maxDelay,
            double backoffRate, Jitter jitter) {
        checkAttempts(maxAttempts);
        checkDelay("initialDelay", initialDelay);
        checkDelay("maxDelay", maxDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be less than initialDelay ("
                    + initialDelay + ")");
        }
        checkBackoffRate(backoffRate);
        Objects.requireNonNull(jitter, "jitter");
        return (error, attemptsMade) -> {
            if (attemptsMade >= maxAttempts) {
                return RetryDecision.stop();
            }
            double millis = initialDelay.toMillis() * Math.pow(backoffRate, attemptsMade - 1);
            long capped = (long) Math.min(millis, (double) maxDelay.toMillis());
            return RetryDecision.retryAfter(Duration.ofMillis(jittered(capped, jitter)));
        };
    }

    /**
     * Linear backoff: the n-th retry waits {@code initialDelay + increment * (n-1)}, capped at {@code maxDelay}.
     *
     * @param maxAttempts  attempts in all, at least 1
     * @param initialDelay the delay before the first retry
     * @param increment    added for each further retry
     * @param maxDelay     the largest delay, at least {@code initialDelay}
     * @deprecated its three {@link Duration}s are easy to pass in another order: the AWS durable SDK's ports put
     *             the max delay before the increment, and such a call compiles here and retries on other delays.
     *             Use {@link #linear()}, which names each one.
     */
    @Deprecated
    public static RetryStrategy linearBackoff(int maxAttempts, Duration initialDelay, Duration increment, Duration maxDelay) {
        checkAttempts(maxAttempts);
        checkDelay("initialDelay", initialDelay);
        checkDelay("increment", increment);
        checkDelay("maxDelay", maxDelay);
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be less than initialDelay ("
                    + initialDelay + ")");
        }
        return linear(maxAttempts, initialDelay, increment, maxDelay);
    }

    /**
     * Linear backoff without a cap, as the AWS durable SDK's {@code linearBackoff(maxAttempts, initialDelay,
     * increment)}: the n-th retry waits {@code initialDelay + increment * (n-1)}. With a cap, use {@link #linear()}.
     *
     * @param maxAttempts  attempts in all, at least 1
     * @param initialDelay the delay before the first retry, not negative
     * @param increment    added for each further retry, not negative
     */
    public static RetryStrategy linearBackoff(int maxAttempts, Duration initialDelay, Duration increment) {
        checkAttempts(maxAttempts);
        checkDelay("initialDelay", initialDelay);
        checkDelay("increment", increment);
        return linear(maxAttempts, initialDelay, increment, null);
    }

    /** Linear backoff from checked arguments; {@code maxDelay} null for no cap. */
    static RetryStrategy linear(int maxAttempts, Duration initialDelay, Duration increment, Duration maxDelay) {
        return (error, attemptsMade) -> {
            if (attemptsMade >= maxAttempts) {
                return RetryDecision.stop();
            }
            Duration delay = initialDelay.plus(increment.multipliedBy(attemptsMade - 1L));
            return RetryDecision.retryAfter(maxDelay != null && delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
        };
    }

    /**
     * The same delay before every retry.
     *
     * @param maxAttempts attempts in all, at least 1
     * @param delay       the delay, not negative
     */
    public static RetryStrategy fixedDelay(int maxAttempts, Duration delay) {
        checkAttempts(maxAttempts);
        checkDelay("delay", delay);
        return (error, attemptsMade) -> attemptsMade >= maxAttempts ? RetryDecision.stop() : RetryDecision.retryAfter(delay);
    }

    /**
     * Retries only errors that {@code retryable} accepts, with {@code strategy}; any other error fails the step
     * at once.
     */
    public static RetryStrategy retryIf(Predicate<? super Throwable> retryable, RetryStrategy strategy) {
        Objects.requireNonNull(retryable, "retryable");
        Objects.requireNonNull(strategy, "strategy");
        return (error, attemptsMade) -> retryable.test(error) ? strategy.decide(error, attemptsMade) : RetryDecision.stop();
    }

    private static long jittered(long millis, Jitter jitter) {
        if (millis <= 0) {
            return 0;
        }
        return switch (jitter) {
            case NONE -> millis;
            case FULL -> ThreadLocalRandom.current().nextLong(millis + 1);
            case HALF -> millis / 2 + ThreadLocalRandom.current().nextLong(millis - millis / 2 + 1);
        };
    }

    static void checkBackoffRate(double backoffRate) {
        if (!(backoffRate >= 1.0) || Double.isInfinite(backoffRate)) {
            throw new IllegalArgumentException("backoffRate must be a finite number of at least 1.0, was " + backoffRate);
        }
    }

    static void checkAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    static void checkDelay(String name, Duration delay) {
        Objects.requireNonNull(delay, name);
        if (delay.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + delay);
        }
    }
}
