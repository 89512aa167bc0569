package dev.cairn.contract;

import dev.cairn.spi.CallbackCompletion;
import dev.cairn.spi.CallbackRecord;
import dev.cairn.spi.CallbackUpdate;
import dev.cairn.spi.CancelResult;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.DueExecution;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.History;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.StoreLimits;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store that forwards every call to another: tests override the calls they want to observe or break (a
 * database that refuses a write, a connection that fails). The calls that {@link ExecutionStore} defines in terms
 * of others ({@code claimAll}, {@code findDueBetween}, {@code completeCallback} with a resolver) are not forwarded as
 * such: they run as defined there, through the calls they are made of, so that overriding {@code claim} observes
 * every claim.
 */
public class ForwardingStore implements ExecutionStore {

    protected final ExecutionStore delegate;

    public ForwardingStore(ExecutionStore delegate) {
        this.delegate = delegate;
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
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        return delegate.claim(executionId, owner, now, leaseNow, leaseUntil);
    }

    @Override
    public List<DueExecution> findDue(Instant until, int limit) {
        return delegate.findDue(until, limit);
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

    @Override
    public void close() {
        delegate.close();
    }
}
