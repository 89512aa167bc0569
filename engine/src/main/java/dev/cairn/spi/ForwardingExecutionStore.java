package dev.cairn.spi;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionQuery;
import dev.cairn.ExecutionStatus;
import dev.cairn.ExecutionSummary;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A store that forwards every call, the default methods of {@link ExecutionStore} included, to another store: the
 * base of a wrapper that observes or changes a few calls (metrics, a test's fault injection) and leaves the rest to
 * the store it wraps. A method added to {@link ExecutionStore} later is forwarded here too, so a wrapper built on
 * this class does not silently fall back to a default where the wrapped store has its own implementation.
 */
public abstract class ForwardingExecutionStore implements ExecutionStore {

    private final ExecutionStore delegate;

    /** @param delegate the store every call goes to */
    protected ForwardingExecutionStore(ExecutionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store every call goes to. */
    protected ExecutionStore delegate() {
        return delegate;
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public boolean isExclusive() {
        return delegate.isExclusive();
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
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        return delegate.claim(executionId, owner, now, leaseNow, leaseUntil);
    }

    @Override
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        return delegate.claimAll(executionIds, owner, now, leaseNow, leaseUntil);
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
    public History loadHistory(String executionId) {
        return delegate.loadHistory(executionId);
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
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        return delegate.commit(batch);
    }

    @Override
    public CallbackUpdate completeCallback(CallbackCompletion completion) {
        return delegate.completeCallback(completion);
    }

    @Override
    public CallbackUpdate completeCallback(String callbackId, Function<CallbackRecord, CallbackCompletion> resolve,
            Claimant claimant) {
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
    public List<ExecutionSummary> listExecutions(ExecutionQuery query) {
        return delegate.listExecutions(query);
    }

    @Override
    public List<EventRecord> loadEvents(String executionId) {
        return delegate.loadEvents(executionId);
    }

    @Override
    public Map<ExecutionStatus, Long> countByStatus() {
        return delegate.countByStatus();
    }

    @Override
    public StoreLimits limits() {
        return delegate.limits();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
