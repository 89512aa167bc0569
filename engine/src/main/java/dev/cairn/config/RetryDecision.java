package dev.cairn.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link RetryStrategy} decided after a failed attempt.
 *
 * @param retry whether to make another attempt
 * @param delay how long to wait before it; zero or more
 */
public record RetryDecision(boolean retry, Duration delay) {

    private static final RetryDecision STOP = new RetryDecision(false, Duration.ZERO);

    public RetryDecision {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay must not be negative: " + delay);
        }
    }

    /** Retry after {@code delay}. */
    public static RetryDecision retryAfter(Duration delay) {
        return new RetryDecision(true, delay);
    }

    /** Do not retry. */
    public static RetryDecision stop() {
        return STOP;
    }

    /** {@link #retryAfter(Duration)}, under the AWS durable SDK's name. */
    public static RetryDecision retry(Duration delay) {
        return retryAfter(delay);
    }

    /** {@link #stop()}, under the AWS durable SDK's name. */
    public static RetryDecision fail() {
        return STOP;
    }
}
