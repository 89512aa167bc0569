package dev.cairn.internal.engine;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.Claimant;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.StoreLimits;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The store as the engine calls it: every call runs with the calling thread's interrupt flag cleared, and the flag
 * is set again afterwards.
 *
 * <p>The engine calls the store on threads that run user code (workers, branches, the callers of the API), and
 * user code may leave its thread interrupted, as it should after catching an {@code InterruptedException}. An
 * interrupted thread that writes to a {@code FileChannel} closes it; for the embedded H2 store that closed the
 * database for every thread, for good. Clearing the flag around the call keeps the store usable, and restoring it
 * keeps the interrupt for the user code that comes next.
 */
final class InterruptSafeStore implements ExecutionStore {

    private final ExecutionStore store;

    InterruptSafeStore(ExecutionStore store) {
        this.store = store;
    }

    /** The store this wraps. */
    ExecutionStore unwrap() {
        return store;
    }

    private static <T> T call(Supplier<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            return call.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void initialize() {
        call(() -> {
            store.initialize();
            return null;
        });
    }

    @Override
    public boolean isExclusive() {
        return store.isExclusive();
    }

    @Override
    public StoreLimits limits() {
        return store.limits();
    }

    @Override
    public CreateResult createExecution(NewExecution execution) {
        return call(() -> store.createExecution(execution));
    }

    @Override
    public List<ExecutionRecord> createExecutions(List<NewExecution> executions) {
        return call(() -> store.createExecutions(executions));
    }

    @Override
    public Optional<ExecutionRecord> findExecution(String executionId) {
        return call(() -> store.findExecution(executionId));
    }

    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        return call(() -> store.claim(executionId, owner, now, leaseNow, leaseUntil));
    }

    @Override
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        return call(() -> store.claimAll(executionIds, owner, now, leaseNow, leaseUntil));
    }

    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        return call(() -> store.findDue(until, limit));
    }

    @Override
    public List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        return call(() -> store.findDueBetween(from, until, limit));
    }

    @Override
    public List<String> findExpiredLeases(Instant leaseNow, int limit) {
        return call(() -> store.findExpiredLeases(leaseNow, limit));
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        return call(() -> store.renewLeases(owner, executionIds, leaseUntil));
    }

    @Override
    public int releaseOwned(String owner, Instant now) {
        return call(() -> store.releaseOwned(owner, now));
    }

    @Override
    public int releaseAllRunning(Instant now) {
        return call(() -> store.releaseAllRunning(now));
    }

    @Override
    public int unpark(Collection<String> functions, Instant now) {
        return call(() -> store.unpark(functions, now));
    }

    @Override
    public History loadHistory(String executionId) {
        return call(() -> store.loadHistory(executionId));
    }

    @Override
    public List<CallbackRecord> loadCallbacks(String executionId) {
        return call(() -> store.loadCallbacks(executionId));
    }

    @Override
    public Optional<CallbackRecord> findCallback(String callbackId) {
        return call(() -> store.findCallback(callbackId));
    }

    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        return call(() -> store.commit(batch));
    }

    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        return call(() -> store.completeCallback(completion));
    }

    @Override
    public CallbackUpdate completeCallback(String callbackId,
            java.util.function.Function<CallbackRecord, CallbackCompletion> resolve, Claimant claimant) {
        return call(() -> store.completeCallback(callbackId, resolve, claimant));
    }

    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        return call(() -> store.heartbeatCallback(callbackId, now));
    }

    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        return call(() -> store.expireCallback(callbackId, error, now));
    }

    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        return call(() -> store.cancel(executionId, reason, now));
    }

    @Override
    public List<ExecutionRecord> listExecutions(ExecutionStatus status, int limit) {
        return call(() -> store.listExecutions(status, limit));
    }

    @Override
    public List<dev.cairn.ExecutionSummary> listExecutions(dev.cairn.ExecutionQuery query) {
        return call(() -> store.listExecutions(query));
    }

    @Override
    public List<dev.cairn.spi.EventRecord> loadEvents(String executionId) {
        return call(() -> store.loadEvents(executionId));
    }

    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return call(store::countByStatus);
    }

    /** The engine does not close a store it was given. */
    @Override
    public void close() {
    }
}
