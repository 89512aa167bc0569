package dev.cairn.test;

import java.util.List;

/**
 * {@link TestEngine#runUntilComplete} found the execution suspended with nothing due: no wait, retry, poll or
 * timeout will move it on, only something from outside (a callback completed, failed or heartbeated). Its message
 * names the pending callbacks; the test completes one ({@link TestEngine#completeCallback}) or times it out
 * ({@link TestEngine#timeoutCallback}) and goes on.
 *
 * <p>It is an {@link AssertionError}, so that a test that expected the execution to end fails, rather than errs.
 */
public final class ExecutionBlockedException extends AssertionError {

    private static final long serialVersionUID = 1L;

    /**
     * A callback the execution (or an execution it invoked) waits for.
     *
     * @param executionId   the execution that created it
     * @param operationName the name of its operation ({@code createCallback("approval", ...)})
     * @param operationId   its operation's id
     * @param callbackId    the id to complete it with
     */
    public record PendingCallback(String executionId, String operationName, String operationId, String callbackId) {
    }

    private final String executionId;
    private final transient List<PendingCallback> pendingCallbacks;

    ExecutionBlockedException(String executionId, List<PendingCallback> pendingCallbacks, String message) {
        super(message);
        this.executionId = executionId;
        this.pendingCallbacks = List.copyOf(pendingCallbacks);
    }

    /** The execution that cannot move on by itself. */
    public String executionId() {
        return executionId;
    }

    /** The callbacks it waits for, possibly none (an invoked execution that is parked, say). */
    public List<PendingCallback> pendingCallbacks() {
        return pendingCallbacks;
    }
}
