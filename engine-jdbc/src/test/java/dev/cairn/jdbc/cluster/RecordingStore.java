package dev.cairn.jdbc.cluster;

import dev.cairn.ExecutionStatus;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.contract.ForwardingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A store that passes everything to another and records what a node's engine did with it: the outcome of every
 * checkpoint it committed and, if asked, every claim it won together with the row as it was just before.
 */
final class RecordingStore extends ForwardingStore {

    /** A checkpoint (with the status it moves the execution to, or null) and how the store answered it. */
    record Commit(String executionId, long version, ExecutionStatus transition, CommitOutcome outcome, long atMillis) {
    }

    /**
     * A claim this node won: the row before (its owner, status and lease) and the lease time this node claimed at.
     */
    record Claim(String executionId, String previousOwner, ExecutionStatus previousStatus, Instant previousLeaseUntil,
            Instant leaseNow, long version, long atMillis) {
    }

    private final boolean recordClaims;
    private final ConcurrentLinkedQueue<Commit> commits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Claim> claims = new ConcurrentLinkedQueue<>();

    /**
     * @param recordClaims whether to record won claims; each claim then reads the row first, an extra query
     */
    RecordingStore(ExecutionStore delegate, boolean recordClaims) {
        super(delegate);
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
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        List<CommitOutcome> outcomes = delegate.commit(batch);
        long at = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            Checkpoint cp = batch.get(i);
            commits.add(new Commit(cp.executionId(), cp.version(), cp.transition() == null ? null : cp.transition().status(), outcomes.get(i), at));
        }
        return outcomes;
    }
}
