package dev.cairn.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * When a batch ({@code map} or {@code parallel}) is complete. Once it is, no new item starts; items still running
 * are reported {@code STARTED}, items never started {@code SKIPPED}.
 *
 * <p>The default is {@link #allCompleted()}. A config can combine a minimum of successes, a failure tolerance and
 * a predicate of its own ({@link #shouldComplete}): the batch completes as soon as any of them is decided.
 */
public final class CompletionConfig {

    private static final CompletionConfig ALL_COMPLETED = new CompletionConfig(null, null, null, null);

    private final Integer minSuccessful;
    private final Integer toleratedFailureCount;
    private final Double toleratedFailurePercentage;
    private final Predicate<? super BatchCounts> shouldComplete;

    private CompletionConfig(Integer minSuccessful, Integer toleratedFailureCount, Double toleratedFailurePercentage,
            Predicate<? super BatchCounts> shouldComplete) {
        this.minSuccessful = minSuccessful;
        this.toleratedFailureCount = toleratedFailureCount;
        this.toleratedFailurePercentage = toleratedFailurePercentage;
        this.shouldComplete = shouldComplete;
    }

    /** Run every item, whatever fails. The default. */
    public static CompletionConfig allCompleted() {
        return ALL_COMPLETED;
    }

    /** Every item must succeed: the first failure completes the batch. */
    public static CompletionConfig allSuccessful() {
        return new CompletionConfig(null, 0, null, null);
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
        return new CompletionConfig(n, null, null, null);
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

    /**
     * Complete as soon as {@code predicate} accepts the batch's counts: a batch that stops on a business outcome
     * ({@code counts -> counts.succeeded() >= 3 || counts.failed() > counts.total() / 2}).
     *
     * <p>The predicate is asked before any item starts and again each time an item finishes, on the thread that
     * runs the batch. It must be a pure function of the counts: a resumed batch asks it again from its recorded
     * items, and once it has said yes the batch's completion is checkpointed and never asked again. If it throws,
     * the batch stops and the exception propagates from {@code map} or {@code parallel}.
     */
    public static CompletionConfig shouldComplete(Predicate<? super BatchCounts> predicate) {
        return allCompleted().withShouldComplete(predicate);
    }

    /** This config with a completion predicate besides its other rules; see {@link #shouldComplete}. */
    public CompletionConfig withShouldComplete(Predicate<? super BatchCounts> predicate) {
        return new CompletionConfig(minSuccessful, toleratedFailureCount, toleratedFailurePercentage,
                Objects.requireNonNull(predicate, "shouldComplete"));
    }

    /** This config with a failure count tolerance. */
    public CompletionConfig withToleratedFailureCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("toleratedFailureCount must not be negative, was " + n);
        }
        return new CompletionConfig(minSuccessful, n, toleratedFailurePercentage, shouldComplete);
    }

    /** This config with a failure fraction tolerance, from 0.0 to 1.0. */
    public CompletionConfig withToleratedFailurePercentage(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("toleratedFailurePercentage must be from 0.0 to 1.0, was " + p);
        }
        return new CompletionConfig(minSuccessful, toleratedFailureCount, p, shouldComplete);
    }

    /** This config with a minimum of successes, at least 1. */
    public CompletionConfig withMinSuccessful(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("minSuccessful must be at least 1, was " + n);
        }
        return new CompletionConfig(n, toleratedFailureCount, toleratedFailurePercentage, shouldComplete);
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

    /** Whether the completion predicate, if there is one, says a batch with these counts is complete. */
    public boolean shouldCompleteAt(BatchCounts counts) {
        return shouldComplete != null && shouldComplete.test(counts);
    }

    /** Whether the minimum of successes was reached. */
    public boolean minSuccessfulReached(int successes) {
        return minSuccessful != null && successes >= minSuccessful;
    }

    @Override
    public String toString() {
        return "CompletionConfig[minSuccessful=" + minSuccessful + ", toleratedFailureCount=" + toleratedFailureCount
                + ", toleratedFailurePercentage=" + toleratedFailurePercentage
                + (shouldComplete == null ? "" : ", shouldComplete=" + shouldComplete) + "]";
    }
}
