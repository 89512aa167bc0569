package dev.cairn.internal.run;

import java.time.Instant;

/**
 * One thread's share of a run: the root of the function, or a branch, item or asynchronous operation running on
 * a thread of its own. A suspension unwinds only its own scope; whoever waits for the scope decides whether the
 * whole execution suspends.
 */
public final class Scope {

    public final Thread thread;
    /** The first suspension raised here; once set, every further operation in the scope rethrows it. */
    public Suspension suspension;
    /** The step whose body is running, or null. */
    public String activeStep;
    /** Set when the batch this scope belongs to completed without it: it unwinds at its next operation. */
    public volatile boolean detached;

    public Scope(Thread thread) {
        this.thread = thread;
    }

    public Suspension suspend(Instant wakeAt) {
        if (suspension == null) {
            suspension = new Suspension(wakeAt);
        }
        return suspension;
    }

    /** Unwinds a scope whose batch completed without it. */
    public static final class Detached extends Error {
        public Detached() {
            super("branch detached: its batch completed", null, false, false);
        }
    }
}
