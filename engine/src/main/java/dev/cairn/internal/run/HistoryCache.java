package dev.cairn.internal.run;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import java.util.List;

/**
 * The histories of recently suspended executions, so that the run that resumes one need not read it again. A
 * cached history is valid only for the claim that directly follows the run that cached it ({@code version + 1}):
 * any other claim means another run (here or on another node) may have written since, and the history is read
 * from the store.
 */
public final class HistoryCache {

    private final Cache<String, ExecutionHistory> histories;

    public HistoryCache(int maximumSize) {
        this.histories = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
    }

    /** The history of a claimed execution: the cached one if it is still valid, else the store's. */
    public ExecutionHistory historyFor(ExecutionRecord execution, ExecutionStore store) {
        ExecutionHistory cached = histories.getIfPresent(execution.id());
        if (cached != null && cached.version + 1 == execution.version()) {
            histories.invalidate(execution.id());
            cached.version = execution.version();
            if (cached.hasPendingCallbacks()) {
                cached.replaceCallbacks(store.loadCallbacks(execution.id()));
            }
            return cached;
        }
        histories.invalidate(execution.id());
        return new ExecutionHistory(store.loadHistory(execution.id()), execution.version());
    }

    /** An execution inserted RUNNING at {@code version}: it has no history, and its first run need not read one. */
    public void started(String executionId, long version) {
        histories.put(executionId, new ExecutionHistory(new History(List.of(), List.of()), version - 1));
    }

    /** Keeps the history of a run that suspended, for the next claim. */
    public void put(String executionId, ExecutionHistory history) {
        histories.put(executionId, history);
    }

    /** Forgets an execution's history: it ended, or its store may hold writes this node has not seen. */
    public void invalidate(String executionId) {
        histories.invalidate(executionId);
    }
}
