package dev.cairn.internal.schedule;

import dev.cairn.spi.DueExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires timers and finds work. One thread, which never runs user code:
 *
 * <ul>
 *   <li>keeps a near-term window of due times (the next {@code window}) in a {@link TimerWheel}, loaded from the
 *       store's wake-up index page by page ({@code batch} rows at a time, each page from the last wake-up of the one
 *       before), at most {@value #MAX_WHEEL} timers at a time. The watermark is the end of what has been loaded: a
 *       timer that this node sets at or before the watermark goes into the wheel at once, later ones are loaded
 *       when the window moves past them;</li>
 *   <li>reads the executions that are due now, earliest first: at every {@code pollInterval} (work made due
 *       elsewhere: callbacks completed on other nodes, executions started there), and again at the next tick as long
 *       as a read came back full (a pile of overdue executions after a restart). An execution read as due that is
 *       already queued or running here is left to that run. Reads wait while the workers are backlogged, so that
 *       such a pile is claimed in budgeted batches;</li>
 *   <li>hands the running executions whose owner's lease ran out to the dispatcher, at every poll;</li>
 *   <li>renews, through {@link LeaseRenewer}, the leases of the executions this node runs, and only those: an
 *       execution this node holds but no longer runs (its run stopped on a store failure and was dropped) lets its
 *       lease run out, so that it is taken over rather than kept RUNNING with nothing running it.</li>
 * </ul>
 *
 * Firing hands ids to the engine, which claims them in the store before running them, so a timer loaded twice,
 * or fired on two nodes, runs the execution once.
 */
public final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int BATCH = 500;
    /** The most timers loaded into the wheel; more are loaded as it empties. */
    static final int MAX_WHEEL = 10_000;

    /** What the scheduler works for: the engine's clocks, its store and its dispatcher. */
    public interface Host {
        /** The engine's clock. */
        dev.cairn.spi.Clock clock();

        /** The lease clock: real elapsed time. */
        dev.cairn.spi.Clock leaseClock();

        /** The store. */
        dev.cairn.spi.ExecutionStore store();

        /**
         * Claims and runs an execution that became due; if it is queued or running here, it is dispatched again once
         * that run ends. @return whether it was queued now
         */
        boolean dispatch(String executionId);

        /**
         * Claims and runs an execution that the store lists as due, unless it is queued or running here: that run
         * claims it, or has seen the row as it is. @return whether it was queued now
         */
        boolean dispatchIfIdle(String executionId);

        /** Whether the workers have more queued than they can take soon: loading more timers waits then. */
        boolean backlogged();

        /** The executions whose leases this node renews. */
        java.util.Set<String> heldExecutions();

        /** This node's id. */
        String nodeId();

        /** Who is told that this node takes over an execution. */
        dev.cairn.internal.Listeners listeners();
    }

    private final Host engine;
    private final LeaseRenewer leases;
    private final TimerWheel wheel;
    private final Duration window;
    private final Duration pollInterval;
    private final Duration tick;
    private final Thread thread;
    private volatile boolean running;
    private volatile Instant watermark = Instant.MIN;
    private Instant lastPoll = Instant.MIN;
    private volatile boolean pollRequested = true;
    /** Whether the last read of due executions came back full: more may be due. */
    private boolean moreDue = true;
    /** When executions that a full page of one wake-up left out of the wheel are due; null if none. */
    private Instant leftOutAt;

    public Scheduler(Host engine, Duration window, Duration pollInterval, Duration tick, Duration lease) {
        this.engine = engine;
        this.leases = new LeaseRenewer(engine.store(), engine.nodeId(), lease, engine::heldExecutions,
                engine::dispatch, engine.listeners());
        this.window = window;
        this.pollInterval = pollInterval;
        this.tick = tick;
        this.wheel = new TimerWheel(tick.toMillis(), window.toMillis());
        this.thread = new Thread(this::loop, "cairn-scheduler-" + engine.nodeId());
        this.thread.setDaemon(true);
    }

    public void start() {
        running = true;
        leases.start(engine.leaseClock().now());
        thread.start();
    }

    public void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * When this node's leases were last renewed, on the lease clock: see {@link LeaseRenewer#lastRenewal()};
     * {@code null} before {@link #start()}.
     */
    public Instant lastLeaseRenewal() {
        return leases.lastRenewal();
    }

    /** An execution this node suspended until {@code wakeAt} (null: until a callback). */
    public void scheduled(String executionId, Instant wakeAt) {
        if (wakeAt == null) {
            return;
        }
        if (!wakeAt.isAfter(watermark)) {
            wheel.schedule(executionId, wakeAt);
            LockSupport.unpark(thread);
        }
    }

    /** How many executions have a timer in the wheel: due within the window, not fired yet. */
    public int timersHeld() {
        return wheel.size();
    }

    /** The timer wheel's resolution in milliseconds: how often the scheduler looks at the clock. */
    public long tickMillis() {
        return tick.toMillis();
    }

    /** Asks for a store poll at the next tick. */
    public void requestPoll() {
        pollRequested = true;
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (running) {
            try {
                tickOnce();
            } catch (RuntimeException e) {
                log.warn("scheduler pass failed ({}); retrying in {} ms", e.getMessage(), pollInterval.toMillis());
                sleep(pollInterval);
            } catch (Error e) {
                // The scheduler must outlive whatever happens: without it nothing fires and no lease is renewed.
                log.error("scheduler pass failed; retrying in {} ms", pollInterval.toMillis(), e);
                sleep(pollInterval);
            }
            if (running) {
                LockSupport.parkNanos(tick.toNanos());
            }
        }
    }

    private void tickOnce() {
        Instant now = engine.clock().now();
        for (String id : wheel.advance(now)) {
            engine.dispatch(id);
        }
        Instant real = engine.leaseClock().now();
        boolean pollDue = !real.isBefore(lastPoll.plus(pollInterval));
        if (!engine.backlogged()) {
            if (pollRequested || pollDue || moreDue || (leftOutAt != null && !now.isBefore(leftOutAt))) {
                pollRequested = false;
                leftOutAt = null;
                readDue(now);
            }
            if (now.plus(window.dividedBy(2)).isAfter(watermark) && wheel.size() < MAX_WHEEL) {
                loadWindow(now);
            }
        }
        if (pollDue) {
            lastPoll = real;
            leases.takeOverExpired(real);
        }
        leases.renewIfDue(real);
    }

    /** Dispatches the executions due now, earliest first, one page. */
    private void readDue(Instant now) {
        List<DueExecution> due = engine.store().findDue(now, BATCH);
        for (DueExecution d : due) {
            dispatchDue(d.executionId());
        }
        moreDue = due.size() == BATCH;
    }

    /**
     * Loads the next page of the window into the wheel, from the watermark on. Executions of the page that are due
     * already (the workers fell behind) are dispatched, earliest first, before any later timer is loaded.
     */
    private void loadWindow(Instant now) {
        Instant from = watermark;
        Instant until = now.plus(window);
        List<DueExecution> page = from.equals(Instant.MIN) ? engine.store().findDue(until, BATCH)
                : engine.store().findDueBetween(from, until, BATCH);
        for (DueExecution d : page) {
            if (!d.wakeAt().isAfter(now)) {
                dispatchDue(d.executionId());
            } else {
                wheel.schedule(d.executionId(), d.wakeAt());
            }
        }
        if (page.size() < BATCH) {
            watermark = until;
            return;
        }
        // What lies beyond the page's last wake-up is not loaded yet; the next page starts there, and lists the
        // executions of that instant again. A page made of one instant cannot move on: the rest of that instant is
        // read when it is due.
        Instant last = page.get(page.size() - 1).wakeAt();
        if (last.equals(from)) {
            watermark = from.plusMillis(1);
            leftOutAt = leftOutAt == null || from.isBefore(leftOutAt) ? from : leftOutAt;
        } else {
            watermark = last;
        }
    }

    /** An execution the store lists as due now: its timer, if loaded, is not needed any more. */
    private void dispatchDue(String executionId) {
        wheel.cancel(executionId);
        engine.dispatchIfIdle(executionId);
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
