package dev.cairn;

import dev.cairn.internal.UserText;
import java.util.Objects;

/**
 * A named branch of {@link DurableContext#parallel}.
 *
 * @param name the branch's name, recorded and checked on replay
 * @param body the branch's code, run in a child context of its own
 * @param <T>  the result type
 */
public record ParallelBranch<T>(String name, ChildFunction<T> body) {

    /**
     * @throws IllegalArgumentException if the name is blank, longer than 200 characters, or not printable
     */
    public ParallelBranch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        dev.cairn.internal.UserText.checkName(name, "branch");
    }

    /** A branch. */
    public static <T> ParallelBranch<T> of(String name, ChildFunction<T> body) {
        return new ParallelBranch<>(name, body);
    }
}
