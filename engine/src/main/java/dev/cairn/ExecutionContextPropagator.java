package dev.cairn;

import java.util.Map;
import java.util.Objects;

/**
 * Carries a context (a trace, a tenant, a request id) from where an execution starts to every run of it, on
 * whichever node the run happens: {@code DurableEngine.builder().contextPropagator(...)}.
 *
 * <p>When an execution starts, each propagator {@linkplain #capture captures} a few entries on the starting thread.
 * The engine stores them with the execution, once, in the row it inserts (nothing is written per step). Every run
 * of the execution, here or on another engine over the same store, after a wait, a callback or a crash, hands them
 * back: to the listeners in {@link ExecutionListener.ExecutionEvent#propagatedContext()}, and to the propagators,
 * which {@linkplain #attach attach} them to each thread while the execution's code runs on it.
 *
 * <p>The stored context is bounded: keys must be non-empty, keys and values printable (no control character, no
 * lone surrogate), and all entries together at most {@value #MAX_CONTEXT_BYTES} bytes once encoded (a JSON object,
 * UTF-8). An entry that breaks a rule is dropped, with a warning in the log; so are the entries after the one that
 * would pass the size limit (propagators in the order they were registered, each one's entries in the order its map
 * gives them). Entries of a later propagator replace those of an earlier one with the same key, so give keys a
 * prefix of your own. An execution started with no propagator, or whose propagators captured nothing, stores
 * nothing and costs nothing.
 *
 * <p>Like listeners, propagators are told, they do not decide: one that throws is logged and ignored, and the
 * execution goes on without what it would have captured or attached. Methods are called on the engine's and the
 * caller's threads while they work; they must be quick and must not block.
 */
public interface ExecutionContextPropagator {

    /** The most the entries of one execution's context take, encoded as a JSON object in UTF-8: 4 KiB. */
    int MAX_CONTEXT_BYTES = 4096;

    /**
     * Captures what is to be stored with a new execution. Called on the thread that starts it: the caller of
     * {@link DurableEngine#startExecution}, or, for an execution that {@link DurableContext#invoke} starts, the thread
     * of the parent's run that invokes it (where the parent's context is {@linkplain #attach attached}).
     *
     * @param execution the execution about to be inserted
     * @return the entries to store, possibly empty or {@code null} for none
     */
    Map<String, String> capture(Starting execution);

    /**
     * Sets the stored context on the current thread, while code of the execution runs on it, and returns what
     * undoes that. Called for each run, on the run's thread, around the function: from just after the run's first
     * listener event ({@link ExecutionListener#executionStarted} or {@link ExecutionListener#executionResumed}) to
     * just after its last; on the threads of branches, map items and asynchronous operations, around their work; and
     * around each attempt of a step's body, on the thread that runs it, after {@link
     * ExecutionListener#stepAttemptStarted} and before {@link ExecutionListener#stepAttemptSucceeded} or {@link
     * ExecutionListener#stepAttemptFailed}.
     * Attachments on one thread nest, and are closed in the reverse order.
     *
     * <p>The default attaches nothing.
     *
     * @param code where the execution's code is about to run
     * @return what the engine closes when that code has run; never {@code null}
     */
    default Attachment attach(Running code) {
        return Attachment.NONE;
    }

    /**
     * An execution about to be started.
     *
     * @param executionId       its id
     * @param function          its function's registered name
     * @param name              the unique name it is started under, or {@code null}
     * @param parentExecutionId for an execution started by {@link DurableContext#invoke}, the invoking execution;
     *                          otherwise {@code null}
     * @param parentContext     the invoking execution's stored context; empty without a parent or when it has none
     */
    record Starting(String executionId, String function, String name, String parentExecutionId,
            Map<String, String> parentContext) {

        /**
         * @throws NullPointerException if the id or the function is missing
         */
        public Starting {
            Objects.requireNonNull(executionId, "executionId");
            Objects.requireNonNull(function, "function");
            parentContext = parentContext == null ? Map.of() : Map.copyOf(parentContext);
        }
    }

    /**
     * Code of an execution about to run on the current thread: the function's body (or a branch, map item or
     * asynchronous operation of it), or one attempt of a step's body.
     *
     * @param executionId      the execution
     * @param function         its function's registered name
     * @param propagatedContext what was captured when the execution started; empty if nothing was
     * @param stepOperationId  for a step attempt, the step's operation id; otherwise {@code null}
     * @param stepName         for a step attempt, the step's name; otherwise {@code null}
     * @param attempt          for a step attempt, the attempt, from 1; otherwise 0
     */
    record Running(String executionId, String function, Map<String, String> propagatedContext,
            String stepOperationId, String stepName, int attempt) {

        /**
         * @throws NullPointerException if the id or the function is missing
         */
        public Running {
            Objects.requireNonNull(executionId, "executionId");
            Objects.requireNonNull(function, "function");
            propagatedContext = propagatedContext == null ? Map.of() : propagatedContext;
        }

        /** Whether this is one attempt of a step's body rather than the function's code. */
        public boolean isStepAttempt() {
            return stepOperationId != null;
        }
    }

    /** What undoes an {@linkplain #attach attachment}: closed once, on the thread it was made on. */
    @FunctionalInterface
    interface Attachment extends AutoCloseable {

        /** An attachment that changed nothing. */
        Attachment NONE = () -> { };

        /** Restores the thread as it was before the attachment. */
        @Override
        void close();
    }
}
