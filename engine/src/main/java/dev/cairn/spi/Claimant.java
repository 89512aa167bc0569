package dev.cairn.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Who claims an execution, and until when: what {@link ExecutionStore#claim} takes besides the execution and the
 * engine's time, for a store call that claims as it does something else.
 *
 * @param owner      the claiming node
 * @param leaseNow   the lease clock's now, against which other owners' leases are checked
 * @param leaseUntil the end of the claimant's lease
 */
public record Claimant(String owner, Instant leaseNow, Instant leaseUntil) {

    /** @throws NullPointerException if a component is null */
    public Claimant {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseNow, "leaseNow");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
    }
}
