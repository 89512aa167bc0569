package dev.cairn;

import java.util.Objects;

/**
 * Options for {@link DurableEngine#startExecution}.
 *
 * <p>A <em>named</em> start is idempotent: starting the same name with the same function and input returns the
 * existing execution; with another input it throws {@link ExecutionAlreadyExistsException}.
 */
public final class StartOptions {

    /** At most this many characters in a name. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final StartOptions DEFAULTS = new StartOptions(null);

    private final String name;

    private StartOptions(String name) {
        this.name = name;
    }

    /** No options: a new execution every time. */
    public static StartOptions defaults() {
        return DEFAULTS;
    }

    /**
     * An execution with a unique name, such as {@code "order-42"}.
     *
     * @throws IllegalArgumentException if the name is blank or longer than {@value #MAX_NAME_LENGTH} characters
     */
    public static StartOptions named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("execution name must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("execution name is " + name.length() + " characters long; the limit is "
                    + MAX_NAME_LENGTH);
        }
        return new StartOptions(name);
    }

    /** The unique name, or {@code null}. */
    public String name() {
        return name;
    }
}
