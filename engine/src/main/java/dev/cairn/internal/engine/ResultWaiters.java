package dev.cairn.internal.engine;

import dev.cairn.EngineClosedException;
import dev.cairn.UnknownExecutionException;
import dev.cairn.internal.UserText;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callers waiting for executions to end ({@code handle.result()}, {@code future()}). An execution that ends on
 * this node completes its waiters at once, with the row the run wrote; one that ends elsewhere (another node, a
 * cancel) is found by a poll every {@code pollInterval}.
 *
 * <p>Waiting for an execution that runs here reads nothing from the store: its run will end it here, or has
 * just done so (the final rows of runs that ended with nobody waiting are kept until their run is over).
 */
final class ResultWaiters {

    private static final Logger log = LoggerFactory.getLogger(ResultWaiters.class);

    private final ExecutionStore store;
    private final Map<String, CompletableFuture<ExecutionRecord>> waiters = new ConcurrentHashMap<>();
    /** The final rows of executions that ended here with nobody waiting, until their run is over. */
    private final Map<String, ExecutionRecord> justEnded = new ConcurrentHashMap<>();
    private final Predicate<String> runsHere;

    /**
     * @param runsHere whether an execution is queued or running here; it stays true until after its run has
     *                 called {@link #ended}, and then {@link #runOver} is called
     */
    ResultWaiters(ExecutionStore store, Predicate<String> runsHere) {
        this.store = store;
        this.runsHere = runsHere;
    }

    /** Completes the waiters of an execution that ended here, with its final row as this node wrote it. */
    void ended(ExecutionRecord finalRow) {
        CompletableFuture<ExecutionRecord> waiter = waiters.remove(finalRow.id());
        if (waiter != null) {
            waiter.complete(finalRow);
        } else {
            justEnded.put(finalRow.id(), finalRow);
        }
    }

    /** An execution's run here is over (it is no longer queued or running here). */
    void runOver(String executionId) {
        justEnded.remove(executionId);
    }

    /** Completes the waiters of an execution that ended, reading its row. */
    void ended(String executionId) {
        CompletableFuture<ExecutionRecord> waiter = waiters.get(executionId);
        if (waiter != null) {
            store.findExecution(executionId).filter(r -> r.status().isTerminal()).ifPresent(r -> {
                waiters.remove(executionId);
                waiter.complete(r);
            });
        }
    }

    /**
     * A future of an execution's final row.
     *
     * @param closed whether the engine is closed: then nothing here will end the execution any more, and unless it
     *               has ended already, this says so at once
     */
    CompletableFuture<ExecutionRecord> awaitEnd(String executionId, boolean closed) {
        if (closed) {
            Optional<ExecutionRecord> current;
            try {
                current = store.findExecution(executionId);
            } catch (RuntimeException e) {
                current = Optional.empty();
            }
            if (current.isPresent() && current.get().status().isTerminal()) {
                return CompletableFuture.completedFuture(current.get());
            }
            throw new EngineClosedException("execution " + UserText.quote(executionId) + " has not ended and this"
                    + " engine is closed; it resumes when an engine on its store starts, and its result can be read"
                    + " from that engine");
        }
        CompletableFuture<ExecutionRecord> waiter = waiters.computeIfAbsent(executionId, k -> new CompletableFuture<>());
        // Registered first, then looked for: an end here after this point completes the waiter, one before it
        // left its row in justEnded, and a run still here will end it.
        ExecutionRecord ended = justEnded.get(executionId);
        if (ended != null) {
            waiters.remove(executionId, waiter);
            waiter.complete(ended);
            return waiter;
        }
        if (runsHere.test(executionId)) {
            return waiter;
        }
        ExecutionRecord current = store.findExecution(executionId)
                .orElseThrow(() -> new UnknownExecutionException(executionId));
        if (current.status().isTerminal()) {
            waiters.remove(executionId);
            waiter.complete(current);
        }
        return waiter;
    }

    /** Looks for the ends of executions waited for that do not run here. */
    void poll() {
        try {
            for (String id : new ArrayList<>(waiters.keySet())) {
                if (runsHere.test(id)) {
                    continue; // it ends here, and ended() is called then
                }
                store.findExecution(id).filter(r -> r.status().isTerminal()).ifPresent(r -> {
                    CompletableFuture<ExecutionRecord> waiter = waiters.remove(id);
                    if (waiter != null) {
                        waiter.complete(r);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.debug("polling execution results failed", e);
        }
    }

    /** Fails every waiter: the engine closed before their executions ended. */
    void closeAll() {
        justEnded.clear();
        for (CompletableFuture<ExecutionRecord> waiter : waiters.values()) {
            waiter.completeExceptionally(new EngineClosedException("the engine was closed before the execution ended;"
                    + " it resumes on the next start"));
        }
        waiters.clear();
    }
}
