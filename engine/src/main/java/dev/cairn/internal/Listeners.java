package dev.cairn.internal;

import dev.cairn.ExecutionListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's listeners as one: each is called in turn, and what one throws is logged and goes no further. When
 * there is none, {@link #active()} is false, and callers skip building the events.
 */
public final class Listeners implements ExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    /** No listener. */
    public static final Listeners NONE = new Listeners(List.of());

    private final ExecutionListener[] listeners;

    public Listeners(List<ExecutionListener> listeners) {
        this.listeners = listeners.toArray(new ExecutionListener[0]);
    }

    /** Whether there is a listener to tell. */
    public boolean active() {
        return listeners.length > 0;
    }

    private void each(String what, Consumer<ExecutionListener> call) {
        for (ExecutionListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
                log.warn("execution listener {} threw from {}; ignored", listener.getClass().getName(), what, t);
            }
        }
    }

    @Override
    public void executionStarted(ExecutionEvent event) {
        each("executionStarted", l -> l.executionStarted(event));
    }

    @Override
    public void executionResumed(ExecutionEvent event) {
        each("executionResumed", l -> l.executionResumed(event));
    }

    @Override
    public void executionSuspended(ExecutionEvent event) {
        each("executionSuspended", l -> l.executionSuspended(event));
    }

    @Override
    public void executionEnded(ExecutionEvent event) {
        each("executionEnded", l -> l.executionEnded(event));
    }

    @Override
    public void executionInterrupted(ExecutionEvent event) {
        each("executionInterrupted", l -> l.executionInterrupted(event));
    }

    @Override
    public void operationStarted(OperationEvent event) {
        each("operationStarted", l -> l.operationStarted(event));
    }

    @Override
    public void operationEnded(OperationEvent event) {
        each("operationEnded", l -> l.operationEnded(event));
    }

    @Override
    public void stepAttemptStarted(StepAttemptEvent event) {
        each("stepAttemptStarted", l -> l.stepAttemptStarted(event));
    }

    @Override
    public void stepAttemptSucceeded(StepAttemptEvent event) {
        each("stepAttemptSucceeded", l -> l.stepAttemptSucceeded(event));
    }

    @Override
    public void stepAttemptFailed(StepAttemptEvent event) {
        each("stepAttemptFailed", l -> l.stepAttemptFailed(event));
    }

    @Override
    public void checkpointBatchCommitted(CommitEvent event) {
        each("checkpointBatchCommitted", l -> l.checkpointBatchCommitted(event));
    }

    @Override
    public void leaseTakenOver(String executionId) {
        each("leaseTakenOver", l -> l.leaseTakenOver(executionId));
    }
}
