package dev.cairn.samples;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that forwards every call to the real one and counts what the {@code resume-benchmark} measures: the
 * suspensions and the ends that commits made durable (counted when the store acknowledged them), and, for the
 * executions it is told to {@linkplain #watch watch}, when their claims and history loads began and ended.
 */
final class ObservedStore implements ExecutionStore {

    /** The times (System.nanoTime()) of the last claim and history load of a watched execution; 0 if none. */
    static final class Times {
        volatile long claimStart;
        volatile long claimEnd;
        volatile long historyStart;
        volatile long historyEnd;
    }

    private final ExecutionStore delegate;
    private final AtomicLong suspended = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong lastEndNanos = new AtomicLong();
    private final Map<String, Times> watched = new ConcurrentHashMap<>();

    ObservedStore(ExecutionStore delegate) {
        this.delegate = delegate;
    }

    /** Suspensions acknowledged by the store so far. */
    long suspended() {
        return suspended.get();
    }

    /** Ends (succeeded, failed, ...) acknowledged by the store so far. */
    long ended() {
        return ended.get();
    }

    /** When the last end was acknowledged (System.nanoTime()), or 0. */
    long lastEndNanos() {
        return lastEndNanos.get();
    }

    /** Starts recording the claims and history loads of an execution. */
    Times watch(String executionId) {
        return watched.computeIfAbsent(executionId, k -> new Times());
    }

    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        Times t = watched.get(executionId);
        long start = System.nanoTime();
        Optional<ExecutionRecord> claimed = delegate.claim(executionId, owner, now, leaseNow, leaseUntil);
        if (t != null && claimed.isPresent()) {
            t.claimStart = start;
            t.claimEnd = System.nanoTime();
        }
        return claimed;
    }

    @Override
    public History loadHistory(String executionId) {
        Times t = watched.get(executionId);
        long start = System.nanoTime();
        History history = delegate.loadHistory(executionId);
        if (t != null) {
            t.historyStart = start;
            t.historyEnd = System.nanoTime();
        }
        return history;
    }

    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        List<CommitOutcome> outcomes = delegate.commit(batch);
        int s = 0;
        int e = 0;
        for (int i = 0; i < batch.size(); i++) {
            Checkpoint cp = batch.get(i);
            if (cp.transition() == null || outcomes.get(i) != CommitOutcome.APPLIED) {
                continue;
            }
            if (cp.transition().status() == ExecutionStatus.SUSPENDED) {
                s++;
            } else if (cp.transition().status().isTerminal()) {
                e++;
            }
        }
        if (s > 0) {
            suspended.addAndGet(s);
        }
        if (e > 0) {
            lastEndNanos.set(System.nanoTime());
            ended.addAndGet(e);
        }
        return outcomes;
    }

    // ---------------------------------------------------------------------------------------------- forwarded

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public boolean isExclusive() {
        return delegate.isExclusive();
    }

    @Override
    public StoreLimits limits() {
        return delegate.limits();
    }

    @Override
    public CreateResult createExecution(NewExecution execution) {
        return delegate.createExecution(execution);
    }

    @Override
    public List<ExecutionRecord> createExecutions(List<NewExecution> executions) {
        return delegate.createExecutions(executions);
    }

    @Override
    public Optional<ExecutionRecord> findExecution(String executionId) {
        return delegate.findExecution(executionId);
    }

    @Override
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        long start = System.nanoTime();
        List<ExecutionRecord> claimed = delegate.claimAll(executionIds, owner, now, leaseNow, leaseUntil);
        long end = System.nanoTime();
        for (ExecutionRecord row : claimed) {
            Times t = watched.get(row.id());
            if (t != null) {
                t.claimStart = start;
                t.claimEnd = end;
            }
        }
        return claimed;
    }

    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        return delegate.findDue(until, limit);
    }

    @Override
    public List<DueExecution> findDueBetween(Instant from, Instant until, int limit) {
        return delegate.findDueBetween(from, until, limit);
    }

    @Override
    public List<String> findExpiredLeases(Instant leaseNow, int limit) {
        return delegate.findExpiredLeases(leaseNow, limit);
    }

    @Override
    public Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        return delegate.renewLeases(owner, executionIds, leaseUntil);
    }

    @Override
    public int releaseOwned(String owner, Instant now) {
        return delegate.releaseOwned(owner, now);
    }

    @Override
    public int releaseAllRunning(Instant now) {
        return delegate.releaseAllRunning(now);
    }

    @Override
    public int unpark(Collection<String> functions, Instant now) {
        return delegate.unpark(functions, now);
    }

    @Override
    public List<CallbackRecord> loadCallbacks(String executionId) {
        return delegate.loadCallbacks(executionId);
    }

    @Override
    public Optional<CallbackRecord> findCallback(String callbackId) {
        return delegate.findCallback(callbackId);
    }

    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        return delegate.completeCallback(completion);
    }

    @Override
    public CallbackUpdate completeCallback(String callbackId,
            java.util.function.Function<CallbackRecord, CallbackCompletion> resolve, Claimant claimant) {
        return delegate.completeCallback(callbackId, resolve, claimant);
    }

    @Override
    public CallbackUpdate heartbeatCallback(String callbackId, Instant now) {
        return delegate.heartbeatCallback(callbackId, now);
    }

    @Override
    public boolean expireCallback(String callbackId, ErrorInfo error, Instant now) {
        return delegate.expireCallback(callbackId, error, now);
    }

    @Override
    public CancelResult cancel(String executionId, String reason, Instant now) {
        return delegate.cancel(executionId, reason, now);
    }

    @Override
    public List<ExecutionRecord> listExecutions(ExecutionStatus status, int limit) {
        return delegate.listExecutions(status, limit);
    }

    @Override
    public List<dev.cairn.ExecutionSummary> listExecutions(dev.cairn.ExecutionQuery query) {
        return delegate.listExecutions(query);
    }

    @Override
    public List<dev.cairn.spi.EventRecord> loadEvents(String executionId) {
        return delegate.loadEvents(executionId);
    }

    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return delegate.countByStatus();
    }

    /** Does not close the real store: the benchmark closes it. */
    @Override
    public void close() {
    }
}
