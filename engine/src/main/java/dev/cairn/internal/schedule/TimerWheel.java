package dev.cairn.internal.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The near-term timers of suspended executions, in a hashed timing wheel (Varghese and Lauck, "Hashed and
 * Hierarchical Timing Wheels", SOSP 1987, scheme 6): an array of buckets, one per tick, each holding the timers
 * whose deadline falls on a tick congruent to its index. Scheduling and cancelling are O(1); advancing visits
 * only the buckets of the ticks that passed.
 *
 * <p>A timer goes into the bucket of the first tick that starts at or after its deadline, so that reaching that
 * tick means the deadline has passed. Deadlines are compared, not counted in rounds: when the wheel advances it
 * fires, in each visited bucket,
 * only the timers whose deadline has passed, so a timer further out than one revolution simply stays. When time
 * jumps by more than a revolution (a virtual clock in a test), every bucket is visited once.
 *
 * <p>An execution has at most one timer; scheduling it again replaces the old one. Thread-safe.
 */
public final class TimerWheel {

    private final long tickMillis;
    private final List<Map<String, Instant>> buckets;
    private final int mask;
    private final Map<String, Integer> bucketOf = new HashMap<>();
    private long currentTick = Long.MIN_VALUE;

    /**
     * @param tickMillis the resolution
     * @param minSpanMillis the span one revolution must at least cover (the scheduler's window)
     */
    TimerWheel(long tickMillis, long minSpanMillis) {
        this.tickMillis = Math.max(1, tickMillis);
        int size = Integer.highestOneBit((int) Math.min(1 << 20, Math.max(16, minSpanMillis / this.tickMillis)));
        if (size < minSpanMillis / this.tickMillis) {
            size <<= 1;
        }
        size = Math.min(size, 1 << 20);
        this.mask = size - 1;
        this.buckets = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            buckets.add(new HashMap<>());
        }
    }

    synchronized void schedule(String executionId, Instant deadline) {
        cancel(executionId);
        // The first tick that starts at or after the deadline: when the wheel reaches it, the deadline has passed.
        long tick = -Math.floorDiv(-deadline.toEpochMilli(), tickMillis);
        if (currentTick != Long.MIN_VALUE && tick <= currentTick) {
            tick = currentTick + 1; // already due: fires on the next advance
        }
        int index = (int) (tick & mask);
        buckets.get(index).put(executionId, deadline);
        bucketOf.put(executionId, index);
    }

    synchronized void cancel(String executionId) {
        Integer index = bucketOf.remove(executionId);
        if (index != null) {
            buckets.get(index).remove(executionId);
        }
    }

    synchronized boolean contains(String executionId) {
        return bucketOf.containsKey(executionId);
    }

    synchronized int size() {
        return bucketOf.size();
    }

    /** Advances to {@code now} and returns the executions whose deadline has passed, removing them. */
    synchronized List<String> advance(Instant now) {
        long nowTick = Math.floorDiv(now.toEpochMilli(), tickMillis);
        List<String> due = new ArrayList<>();
        if (currentTick == Long.MIN_VALUE) {
            currentTick = nowTick - 1;
            // Timers scheduled before the first advance may lie anywhere: look at every bucket once.
            for (int i = 0; i < buckets.size(); i++) {
                fire(buckets.get(i), now, due);
            }
            currentTick = nowTick;
            return due;
        }
        if (nowTick <= currentTick) {
            return due;
        }
        long span = Math.min(nowTick - currentTick, (long) buckets.size());
        for (long t = nowTick - span + 1; t <= nowTick; t++) {
            fire(buckets.get((int) (t & mask)), now, due);
        }
        currentTick = nowTick;
        return due;
    }

    private void fire(Map<String, Instant> bucket, Instant now, List<String> due) {
        for (Iterator<Map.Entry<String, Instant>> it = bucket.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Instant> entry = it.next();
            if (!entry.getValue().isAfter(now)) {
                due.add(entry.getKey());
                bucketOf.remove(entry.getKey());
                it.remove();
            }
        }
    }
}
