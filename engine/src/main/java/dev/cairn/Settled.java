package dev.cairn;

import java.util.Objects;

/**
 * How one future of {@link DurableFuture#allSettled} ended: with a value, or with the exception its
 * {@link DurableFuture#get()} throws (the same type on every replay: {@link StepFailedException} for a step, and
 * so on).
 *
 * @param value its result when it succeeded, else {@code null}
 * @param error what it failed with, else {@code null}
 * @param <T>   the result type
 */
public record Settled<T>(T value, RuntimeException error) {

    /** A future that succeeded with {@code value}. */
    public static <T> Settled<T> success(T value) {
        return new Settled<>(value, null);
    }

    /** A future that failed with {@code error}. */
    public static <T> Settled<T> failure(RuntimeException error) {
        return new Settled<>(null, Objects.requireNonNull(error, "error"));
    }

    /** Whether it succeeded. */
    public boolean succeeded() {
        return error == null;
    }

    /** Whether it failed. */
    public boolean failed() {
        return error != null;
    }

    /**
     * The value, or the error thrown.
     *
     * @throws RuntimeException the error it failed with
     */
    public T get() {
        if (error != null) {
            throw error;
        }
        return value;
    }
}
