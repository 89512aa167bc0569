package dev.cairn.config;

import java.time.Duration;

/**
 * Builds a linear backoff {@link RetryStrategy}: the n-th retry waits {@code initialDelay + increment * (n-1)},
 * capped at {@code maxDelay} when one is given. Every delay is set by name, so two {@link Duration}s cannot be
 * swapped by their position. Start one with {@link RetryStrategies#linear()}.
 *
 * <pre>{@code
 * RetryStrategies.linear().maxAttempts(5).initialDelay(Duration.ofSeconds(1))
 *     .increment(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(30)).build();
 * }</pre>
 */
public final class LinearBackoffBuilder {

    private int maxAttempts = 3;
    private Duration initialDelay;
    private Duration increment;
    private Duration maxDelay;

    LinearBackoffBuilder() {
    }

    /** Attempts in all, the first included; at least 1. 3 by default. */
    public LinearBackoffBuilder maxAttempts(int maxAttempts) {
        RetryStrategies.checkAttempts(maxAttempts);
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** The delay before the first retry; not negative. Required. */
    public LinearBackoffBuilder initialDelay(Duration initialDelay) {
        RetryStrategies.checkDelay("initialDelay", initialDelay);
        this.initialDelay = initialDelay;
        return this;
    }

    /** What each further retry adds to the delay; not negative. Required. */
    public LinearBackoffBuilder increment(Duration increment) {
        RetryStrategies.checkDelay("increment", increment);
        this.increment = increment;
        return this;
    }

    /** The largest delay, at least the initial delay; no cap by default. */
    public LinearBackoffBuilder maxDelay(Duration maxDelay) {
        RetryStrategies.checkDelay("maxDelay", maxDelay);
        this.maxDelay = maxDelay;
        return this;
    }

    /**
     * The strategy.
     *
     * @throws IllegalStateException if the initial delay or the increment was not given, or the max delay is less
     *                               than the initial delay
     */
    public RetryStrategy build() {
        if (initialDelay == null) {
            throw new IllegalStateException("linear backoff needs initialDelay(...)");
        }
        if (increment == null) {
            throw new IllegalStateException("linear backoff needs increment(...)");
        }
        if (maxDelay != null && maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalStateException("linear backoff: maxDelay (" + maxDelay + ") must not be less than"
                    + " initialDelay (" + initialDelay + ")");
        }
        return RetryStrategies.linear(maxAttempts, initialDelay, increment, maxDelay);
    }
}
