package dev.cairn.internal.run;

import dev.cairn.ErrorInfo;
import dev.cairn.internal.Payloads;
import dev.cairn.internal.commit.CheckpointWriter;
import dev.cairn.spi.Clock;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * What runs need from the engine they run in, and nothing more: the store and the writers, the clock, the functions,
 * the threads for branches and timed step bodies, and the few things a run tells the engine (an execution to
 * dispatch, one to claim again later, one that ended, one that suspended until a time).
 */
public interface RunEnvironment {

    /** The store, called with the calling thread's interrupt flag cleared. */
    ExecutionStore store();

    /** The writer that an execution's writes go through. */
    CheckpointWriter writer(String executionId);

    /** The engine's clock. */
    Clock clock();

    /** How values are turned into checkpointed text, and checked. */
    Payloads payloads();

    /** The serializer the payloads use. */
    Serializer serializer();

    /** The registered functions. */
    FunctionRegistry functions();

    /** This node's id. */
    String nodeId();

    /** Who is told what runs do. */
    dev.cairn.internal.Listeners listeners();

    /** The context propagators: what starts capture, what runs attach. None by default. */
    default dev.cairn.internal.ContextPropagation propagation() {
        return dev.cairn.internal.ContextPropagation.NONE;
    }

    /** Threads for branches, map items and asynchronous operations. */
    Executor branchThreads();

    /** Threads for the bodies of steps with a timeout. */
    ExecutorService stepBodies();

    /** How often the scheduler reads the clock, in milliseconds: the resolution timed waits can rely on. */
    long tickMillis();

    /** Whether the engine is closing: runs stop at their next operation. */
    boolean isClosing();

    /** Claims and runs an execution that became due, unless it runs here already. @return whether it was queued */
    boolean dispatch(String executionId);

    /** Claims an execution this node holds again after {@code delay}: its run stopped on a store failure. */
    void retryOwned(String executionId, Duration delay);

    /** Tells whoever waits for an execution that it ended, with its final row as this node wrote it. */
    void ended(ExecutionRecord finalRow);

    /** Tells whoever waits for an execution that it ended, reading its row. */
    void ended(String executionId);

    /** An execution this node suspended until {@code wakeAt} ({@code null}: until a signal). */
    void scheduled(String executionId, Instant wakeAt);

    /** Fails a callback whose submitter failed, so that a late completion is refused; a failure is only logged. */
    void failCallbackQuietly(String callbackId, ErrorInfo error);
}
