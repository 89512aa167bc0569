package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import java.util.Objects;

/**
 * A run's request, in its {@link Checkpoint}, to time out one of its execution's callbacks that it found past its
 * deadline. The store applies it only to a callback of that execution still {@link dev.cairn.CallbackStatus#PENDING
 * PENDING} whose timeout or heartbeat deadline is at or before the checkpoint's {@code now}, and only if the
 * checkpoint's fence holds; otherwise it leaves the callback as it is (completed or heartbeated meanwhile).
 *
 * @param callbackId the callback
 * @param error      the error it times out with ({@link CallbackRecord#timeoutError()})
 */
public record CallbackTimeout(String callbackId, ErrorInfo error) {

    /** @throws NullPointerException if an argument is null */
    public CallbackTimeout {
        Objects.requireNonNull(callbackId, "callbackId");
        Objects.requireNonNull(error, "error");
    }
}
