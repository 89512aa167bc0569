package dev.cairn.internal.run;

import java.time.Instant;

/**
 * How a piece of work that ran on a thread of its own (a branch, an item, an asynchronous operation) settled:
 * with a value, with an error, blocked until a time (or a callback, when {@code wakeAt} is null), or detached
 * because its batch completed without it.
 */
public record Outcome<T>(Kind kind, T value, Throwable error, Instant wakeAt) {

    public enum Kind { VALUE, FAILED, BLOCKED, DETACHED }

    public static <T> Outcome<T> value(T value) {
        return new Outcome<>(Kind.VALUE, value, null, null);
    }

    public static <T> Outcome<T> failed(Throwable error) {
        return new Outcome<>(Kind.FAILED, null, error, null);
    }

    public static <T> Outcome<T> blocked(Instant wakeAt) {
        return new Outcome<>(Kind.BLOCKED, null, null, wakeAt);
    }

    public static <T> Outcome<T> detached() {
        return new Outcome<>(Kind.DETACHED, null, null, null);
    }

    public boolean blocked() {
        return kind == Kind.BLOCKED;
    }

    /** The earlier of two wake-up times, where null means "only a callback wakes it". */
    public static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
