package dev.cairn;

/**
 * A callback created by {@link DurableContext#createCallback}: hand {@link #id()} to an external system, which
 * completes it through {@link DurableEngine#completeCallback} or {@link DurableEngine#failCallback}.
 *
 * @param <T> the result type
 */
public interface DurableCallback<T> extends DurableFuture<T> {

    /** The callback's id: unguessable (128 random bits), to be handed to the system that completes it. */
    String id();

    /** The same as {@link #id()}, under the AWS durable SDK's name. */
    default String callbackId() {
        return id();
    }

    /**
     * The callback's result. If the callback is not completed yet, the execution suspends here (holding no
     * thread) and resumes by replay once it is.
     *
     * @throws CallbackFailedException  if it was failed
     * @throws CallbackTimeoutException if its timeout or heartbeat timeout passed first
     */
    T result();

    /** The same as {@link #result()}. */
    @Override
    default T get() {
        return result();
    }
}
