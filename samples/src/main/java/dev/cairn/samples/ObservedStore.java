package dev.cairn.samples;

import dev.cairn.ExecutionStatus;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.ForwardingExecutionStore;
import dev.cairn.spi.History;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that forwards every call to the real one and counts what the {@code resume-benchmark} measures: the
 * suspensions and the ends that commits made durable (counted when the store acknowledged them), and, for the
 * executions it is told to {@linkplain #watch watch}, when their claims and history loads began and ended.
 */
final class ObservedStore extends ForwardingExecutionStore {

    /** The times (System.nanoTime()) of the last claim and history load of a watched execution; 0 if none. */
    static final class Times {
        volatile long claimStart;
        volatile long claimEnd;
        volatile long historyStart;
        volatile long historyEnd;
    }

    private final AtomicLong suspended = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong lastEndNanos = new AtomicLong();
    private final Map<String, Times> watched = new ConcurrentHashMap<>();

    ObservedStore(ExecutionStore delegate) {
        super(delegate);
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
        Optional<ExecutionRecord> claimed = delegate().claim(executionId, owner, now, leaseNow, leaseUntil);
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
        History history = delegate().loadHistory(executionId);
        if (t != null) {
            t.historyStart = start;
            t.historyEnd = System.nanoTime();
        }
        return history;
    }

    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        List<CommitOutcome> outcomes = delegate().commit(batch);
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
    public List<ExecutionRecord> claimAll(Collection<String> executionIds, String owner, Instant now,
            Instant leaseNow, Instant leaseUntil) {
        long start = System.nanoTime();
        List<ExecutionRecord> claimed = delegate().claimAll(executionIds, owner, now, leaseNow, leaseUntil);
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

    /** Does not close the real store: the benchmark closes it. */
    @Override
    public void close() {
    }
}
