package dev.cairn;

import dev.cairn.internal.UserText;
import java.time.Duration;
import java.util.Objects;

/**
 * Options for {@link DurableEngine#startExecution}: a unique name and an execution timeout.
 *
 * <p>A <em>named</em> start is idempotent: starting the same name with the same function and input returns the
 * existing execution; with another input it throws {@link ExecutionAlreadyExistsException}.
 *
 * <p>An execution that runs past its <em>timeout</em> (measured on the engine's clock from its start) ends
 * {@link ExecutionStatus#TIMED_OUT}: a running one at its next operation, a suspended one when the scheduler
 * reaches its deadline. Its pending callbacks then reject completion.
 */
public final class StartOptions {

    /** At most this many characters in a name. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final StartOptions DEFAULTS = new StartOptions(null, null);

    private final String name;
    private final Duration timeout;

    private StartOptions(String name, Duration timeout) {
        this.name = name;
        this.timeout = timeout;
    }

    /** No options: a new execution every time, no timeout. */
    public static StartOptions defaults() {
        return DEFAULTS;
    }

    /**
     * An execution with a unique name, such as {@code "order-42"}.
     *
     * @throws IllegalArgumentException if the name is blank, longer than {@value #MAX_NAME_LENGTH} characters, or
     *                                  holds a control character or a lone surrogate (which no database stores)
     */
    public static StartOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    /**
     * An execution that times out {@code timeout} after it starts.
     *
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public static StartOptions timeout(Duration timeout) {
        return DEFAULTS.withTimeout(timeout);
    }

    /**
     * These options with a unique name.
     *
     * @throws IllegalArgumentException as {@link #named(String)}
     */
    public StartOptions withName(String name) {
        Objects.requireNonNull(name, "name");
        return new StartOptions(UserText.checkName(name, "execution"), timeout);
    }

    /** These options with an execution timeout. */
    public StartOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("execution timeout must be positive, was " + timeout);
        }
        return new StartOptions(name, timeout);
    }

    /** The unique name, or {@code null}. */
    public String name() {
        return name;
    }

    /** The execution timeout, or {@code null}. */
    public Duration timeout() {
        return timeout;
    }
}
