package dev.cairn.config;

/**
 * When a batch ({@code map} or {@code parallel}) is complete. Once it is, no new item starts; items still running
 * are reported {@code STARTED}, items never started {@code SKIPPED}.
 *
 * <p>The default is {@link #allCompleted()}. A config can combine a minimum of successes with a failure
 * tolerance: the batch completes as soon as either is decided.
 */
public final class CompletionConfig {

    private static final CompletionConfig ALL_COMPLETED = new CompletionConfig(null, null, null);

    private final Integer minSuccessful;
    private final Integer toleratedFailureCount;
    private final Double toleratedFailurePercentage;

    private CompletionConfig(Integer minSuccessful, Integer toleratedFailureCount, Double toleratedFailurePercentage) {
        this.minSuccessful = minSuccessful;
        this.toleratedFailureCount = toleratedFailureCount;
        this.toleratedFailurePercentage = toleratedFailurePercentage;
    }

    /** Run every item, whatever fails. The default. */
    public static CompletionConfig allCompleted() {
        return ALL_COMPLETED;
    }

    /** Every item must succeed: the first failure completes the batch. */
    public static CompletionConfig allSuccessful() {
        return new CompletionConfig(null, 0, null);
    }

    /** Complete as soon as one item succeeds. */
    public static CompletionConfig firstSuccessful() {
        return minSuccessful(1);
    }

    /**
     * Complete as soon as {@code n} items succeeded.
     *
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static CompletionConfig minSuccessful(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("minSuccessful must be at least 1, was " + n);
        }
        return new CompletionConfig(n, null, null);
    }

    /**
     * Complete as soon as more than {@code n} items failed.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static CompletionConfig toleratedFailureCount(int n) {
        return allCompleted().withToleratedFailureCount(n);
    }

    /**
     * Complete as soon as the failed items exceed the fraction {@code p} of all items.
     *
     * @param p from 0.0 to 1.0
     * @throws IllegalArgumentException if {@code p} is outside 0.0 to 1.0
     */
    public static CompletionConfig toleratedFailurePercentage(double p) {
        return allCompleted().withToleratedFailurePercentage(p);
    }

    /** This config with a failure count tolerance. */
    public CompletionConfig withToleratedFailureCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("toleratedFailureCount must not be negative, was " + n);
        }
        return new CompletionConfig(minSuccessful, n, toleratedFailurePercentage);
    }

    /** This config with a failure fraction tolerance, from 0.0 to 1.0. */
    public CompletionConfig withToleratedFailurePercentage(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("toleratedFailurePercentage must be from 0.0 to 1.0, was " + p);
        }
        return new CompletionConfig(minSuccessful, toleratedFailureCount, p);
    }

    /** This config with a minimum of successes, at least 1. */
    public CompletionConfig withMinSuccessful(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("minSuccessful must be at least 1, was " + n);
        }
        return new CompletionConfig(n, toleratedFailureCount, toleratedFailurePercentage);
    }

    /** The minimum of successes, or {@code null}. */
    public Integer minSuccessful() {
        return minSuccessful;
    }

    /** The tolerated failure count, or {@code null}. */
    public Integer toleratedFailureCount() {
        return toleratedFailureCount;
    }

    /** The tolerated failure fraction, or {@code null}. */
    public Double toleratedFailurePercentage() {
        return toleratedFailurePercentage;
    }

    /**
     * Whether more failures than tolerated occurred, out of {@code total} items. Failures exactly at the tolerated
     * fraction do not exceed it: 29 of 100 are within {@code 0.29}, 1 of 3 within {@code 1.0 / 3}.
     */
    public boolean failureToleranceExceeded(int failures, int total) {
        if (toleratedFailureCount != null && failures > toleratedFailureCount) {
            return true;
        }
        // p * total in floating point is off by the rounding of p and of the product (0.29 * 100 is
        // 28.999999999999996), less than two units in the last place of total: a count exceeds it only by more.
        return toleratedFailurePercentage != null && total > 0
                && failures - toleratedFailurePercentage * total > 2 * Math.ulp((double) total);
    }

    /** Whether the minimum of successes was reached. */
    public boolean minSuccessfulReached(int successes) {
        return minSuccessful != null && successes >= minSuccessful;
    }

    @Override
    public String toString() {
        return "CompletionConfig[minSuccessful=" + minSuccessful + ", toleratedFailureCount=" + toleratedFailureCount
                + ", toleratedFailurePercentage=" + toleratedFailurePercentage + "]";
    }
}
