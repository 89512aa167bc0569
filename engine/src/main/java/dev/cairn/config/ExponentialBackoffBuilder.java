package dev.cairn.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Builds an exponential backoff {@link RetryStrategy}: the n-th retry waits {@code initialDelay * backoffRate^(n-1)},
 * capped at {@code maxDelay}, then jittered. Every option is set by name. Start one with
 * {@link RetryStrategies#exponential()}; its defaults are those of {@link RetryStrategies#defaultStrategy()}.
 */
public final class ExponentialBackoffBuilder {

    private int maxAttempts = 3;
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofMinutes(1);
    private double backoffRate = 2.0;
    private Jitter jitter = Jitter.FULL;

    ExponentialBackoffBuilder() {
    }

    /** Attempts in all, the first included; at least 1. 3 by default. */
    public ExponentialBackoffBuilder maxAttempts(int maxAttempts) {
        RetryStrategies.checkAttempts(maxAttempts);
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** The delay before the first retry; not negative. 1 s by default. */
    public ExponentialBackoffBuilder initialDelay(Duration initialDelay) {
        RetryStrategies.checkDelay("initialDelay", initialDelay);
        this.initialDelay = initialDelay;
        return this;
    }

    /** The largest delay, at least the initial delay. 1 min by default. */
    public ExponentialBackoffBuilder maxDelay(Duration maxDelay) {
        RetryStrategies.checkDelay("maxDelay", maxDelay);
        this.maxDelay = maxDelay;
        return this;
    }

    /** The growth factor, a finite number of at least 1.0. 2.0 by default. */
    public ExponentialBackoffBuilder backoffRate(double backoffRate) {
        RetryStrategies.checkBackoffRate(backoffRate);
        this.backoffRate = backoffRate;
        return this;
    }

    /** How delays are randomised. {@link Jitter#FULL} by default. */
    public ExponentialBackoffBuilder jitter(Jitter jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        return this;
    }

    /**
     * The strategy.
     *
     * @throws IllegalArgumentException if the max delay is less than the initial delay
     */
    public RetryStrategy build() {
        return RetryStrategies.exponentialBackoff(maxAttempts, initialDelay, maxDelay, backoffRate, jitter);
    }
}
