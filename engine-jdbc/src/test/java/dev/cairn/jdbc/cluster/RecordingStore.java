package dev.cairn.jdbc.cluster;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A store that passes everything to another and records what a node's engine did with it: the outcome of every
 * checkpoint it committed and, if asked, every claim it won together with the row as it was just before.
 */
final class RecordingStore implements ExecutionStore {

    /** A checkpoint (with the status it moves the execution to, or null) and how the store answered it. */
    record Commit(String executionId, long version, ExecutionStatus transition, CommitOutcome outcome, long atMillis) {
    }

    /**
     * A claim this node won: the row before (its owner, status and lease) and the lease time this node claimed at.
     */
    record Claim(String executionId, String previousOwner, ExecutionStatus previousStatus, Instant previousLeaseUntil,
            Instant leaseNow, long version, long atMillis) {
    }

    private final ExecutionStore delegate;
    private final boolean recordClaims;
    private final ConcurrentLinkedQueue<Commit> commits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Claim> claims = new ConcurrentLinkedQueue<>();

    /**
     * @param recordClaims whether to record won claims; each claim then reads the row first, an extra query
     */
    RecordingStore(ExecutionStore delegate, boolean recordClaims) {
        this.delegate = delegate;
        this.recordClaims = recordClaims;
    }

    List<Commit> commits() {
        return new ArrayList<>(commits);
    }

    List<Commit> commitsOf(String executionId) {
        return commits.stream().filter(c -> c.executionId().equals(executionId)).toList();
    }

    List<Claim> claims() {
        return new ArrayList<>(claims);
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
    public Optional<ExecutionRecord> findExecution(String executionId) {
        return delegate.findExecution(executionId);
    }

    @Override
    public Optional<ExecutionRecord> claim(String executionId, String owner, Instant now, Instant leaseNow,
            Instant leaseUntil) {
        Optional<ExecutionRecord> before = recordClaims ? delegate.findExecution(executionId) : Optional.empty();
        Optional<ExecutionRecord> claimed = delegate.claim(executionId, owner, now, leaseNow, leaseUntil);
        if (recordClaims && claimed.isPresent()) {
            ExecutionRecord b = before.orElse(null);
            claims.add(new Claim(executionId, b == null ? null : b.owner(), b == null ? null : b.status(),
                    b == null ? null : b.leaseUntil(), leaseNow, claimed.get().version(), System.currentTimeMillis()));
        }
        return claimed;
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
    public java.util.Set<String> renewLeases(String owner, Collection<String> executionIds, Instant leaseUntil) {
        return delegate.renewLeases(owner, executionIds, leaseUntil);
    }

    @Override
    public int releaseOwned(String owner, Instant now) {
        return delegate.releaseOwned(owner, now);
    }

    @Override
    public java.util.Optional<CallbackRecord> findCallback(String callbackId) {
        return delegate.findCallback(callbackId);
    }

    @Override
    public dev.cairn.spi.StoreLimits limits() {
        return delegate.limits();
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
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        List<CommitOutcome> outcomes = delegate.commit(batch);
        long at = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            Checkpoint cp = batch.get(i);
            commits.add(new Commit(cp.executionId(), cp.version(), cp.transition() == null ? null : cp.transition().status(), outcomes.get(i), at));
        }
        return outcomes;
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
    public Map<ExecutionStatus, Long> countByStatus() {
        return delegate.countByStatus();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
