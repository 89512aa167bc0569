package dev.cairn;

import java.util.Objects;

/**
 * A named branch of {@link DurableContext#parallel}.
 *
 * @param name the branch's name, recorded and checked on replay
 * @param body the branch's code, run in a child context of its own
 * @param <T>  the result type
 */
public record ParallelBranch<T>(String name, ChildFunction<T> body) {

    public ParallelBranch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        if (name.isBlank()) {
            throw new IllegalArgumentException("branch name must not be blank");
        }
    }

    /** A branch. */
    public static <T> ParallelBranch<T> of(String name, ChildFunction<T> body) {
        return new ParallelBranch<>(name, body);
    }
}
