package dev.cairn.internal;

import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.SerializationException;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.OperationRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One run of one execution: the replay from the top to the point where the function returns or suspends. It
 * holds the execution's history (shared with the cache between runs), tracks which checkpoints the code has
 * reached again, and sends new checkpoints to the writer under the version the run claimed.
 */
final class ExecutionRun {

    final EngineRuntime engine;
    final ExecutionRecord execution;
    final RegisteredFunction function;
    final ExecutionHistory history;
    final Thread thread = Thread.currentThread();

    private final Set<String> unvisited;
    NonDeterministicExecutionException nonDeterminism;
    Suspension suspension;
    RunAbandoned abandoned;
    String activeStep;
    boolean finished;

    ExecutionRun(EngineRuntime engine, ExecutionRecord execution, RegisteredFunction function, ExecutionHistory history) {
        this.engine = engine;
        this.execution = execution;
        this.function = function;
        this.history = history;
        this.unvisited = new HashSet<>(history.operations.keySet());
    }

    String executionId() {
        return execution.id();
    }

    Instant clockNow() {
        return engine.clock().now();
    }

    boolean isReplaying() {
        return !unvisited.isEmpty();
    }

    /** Checks that an operation may be made now, from this thread. */
    void checkActive(String what) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("DurableContext of execution " + executionId() + " used from thread "
                    + Thread.currentThread().getName() + " for " + what + "; a context may only be used by the thread "
                    + "running the durable function");
        }
        if (finished) {
            throw new IllegalStateException("DurableContext of execution " + executionId() + " used for " + what
                    + " after its run ended");
        }
        if (activeStep != null) {
            throw new IllegalStateException("durable operation " + what + " called inside the body of step '" + activeStep
                    + "' of execution " + executionId() + "; operations cannot be nested in a step: make them outside it");
        }
        if (abandoned != null) {
            throw abandoned;
        }
        if (suspension != null) {
            throw suspension;
        }
        if (engine.isClosing()) {
            throw abandon(RunAbandoned.Reason.CLOSING);
        }
    }

    /** The checkpoint of operation {@code id}, marking it reached; {@code null} if it has none. */
    OperationRecord visit(String id) {
        unvisited.remove(id);
        return history.operations.get(id);
    }

    NonDeterministicExecutionException nonDeterministic(String operationId, String message) {
        NonDeterministicExecutionException e = new NonDeterministicExecutionException(executionId(), operationId, message);
        if (nonDeterminism == null) {
            nonDeterminism = e;
        }
        return e;
    }

    Suspension suspend(Instant wakeAt) {
        if (suspension == null) {
            suspension = new Suspension(wakeAt);
        }
        return suspension;
    }

    RunAbandoned abandon(RunAbandoned.Reason reason) {
        if (abandoned == null) {
            abandoned = new RunAbandoned(reason);
        }
        return abandoned;
    }

    /** Serializes a value and checks it against the payload limit. Nothing is written. */
    String payload(Object value, String what) {
        String data;
        try {
            data = engine.serializer().serialize(value);
        } catch (SerializationException e) {
            throw new SerializationException(what + " of execution " + executionId() + " cannot be serialized: "
                    + e.getMessage(), e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            throw new SerializationException(what + " of execution " + executionId() + " cannot be serialized: " + e, e);
        }
        engine.checkPayloadSize(data, what + " of execution " + executionId());
        return data;
    }

    <T> T read(String data, java.lang.reflect.Type type, String what) {
        try {
            return engine.serializer().deserialize(data, type);
        } catch (SerializationException e) {
            throw new SerializationException("the checkpointed " + what + " of execution " + executionId()
                    + " cannot be read as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checkpoints operations (and callbacks). With {@code await}, returns once they are durable, and unwinds the
     * run if the execution is no longer this run's.
     */
    void checkpoint(List<OperationRecord> operations, List<CallbackRecord> callbacks, boolean await) {
        List<OperationRecord> inserts = new java.util.ArrayList<>();
        List<OperationRecord> updates = new java.util.ArrayList<>();
        for (OperationRecord op : operations) {
            if (history.operations.containsKey(op.operationId())) {
                updates.add(op);
            } else {
                inserts.add(op);
            }
            history.operations.put(op.operationId(), op);
        }
        for (CallbackRecord cb : callbacks) {
            history.callbacksByOperation.put(cb.operationId(), cb);
        }
        CompletableFuture<CommitOutcome> done = engine.writer().submit(executionId(), execution.version(), inserts,
                updates, callbacks, null, clockNow());
        history.lastWrite = done;
        if (await) {
            awaitApplied(done);
        }
    }

    void awaitApplied(CompletableFuture<CommitOutcome> done) {
        CommitOutcome outcome;
        try {
            outcome = done.join();
        } catch (CompletionException e) {
            throw new StoreUnavailable(e.getCause() != null ? e.getCause() : e);
        }
        switch (outcome) {
            case APPLIED, SIGNALLED -> {
            }
            case FENCED -> throw abandon(RunAbandoned.Reason.FENCED);
            case CANCELLED -> throw abandon(RunAbandoned.Reason.CANCELLED);
        }
    }

    /** The store could not be written; the run stops and is retried. */
    static final class StoreUnavailable extends Error {
        StoreUnavailable(Throwable cause) {
            super("checkpoint could not be written: " + cause, cause, false, false);
        }
    }

    static String utf8Size(String data) {
        return data.getBytes(StandardCharsets.UTF_8).length + " bytes";
    }
}
