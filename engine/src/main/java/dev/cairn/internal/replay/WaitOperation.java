package dev.cairn.internal.replay;

import dev.cairn.DurableFuture;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.run.Outcome;
import dev.cairn.internal.run.Scope;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ctx.wait} and {@code waitAsync}: a durable timer. The first run checkpoints it STARTED with its due time
 * (without waiting for the write: the suspension that follows carries it); the execution suspends until then, and
 * the run that finds it due marks it SUCCEEDED.
 */
final class WaitOperation extends DurableOperation<DurableFuture<Void>> {

    private final String name;
    private final Duration duration;

    WaitOperation(ReplayContext ctx, String name, Duration duration) {
        super(ctx, OperationType.WAIT, null, name, ReplayValidator.label("wait", name));
        this.name = name;
        this.duration = duration;
    }

    @Override
    DurableFuture<Void> replay() {
        return new WaitFuture(ctx, recorded);
    }

    @Override
    Instant dueAt() {
        return recorded != null && recorded.status() == OperationStatus.STARTED ? recorded.scheduledAt() : null;
    }

    @Override
    DurableFuture<Void> start(Scope s) {
        OperationRecord op = recorded;
        if (op == null) {
            Instant now = run.clockNow();
            op = ctx.record(id, OperationType.WAIT, null, name, OperationStatus.STARTED, 0, null, null,
                    now.plus(duration), now, null);
            ctx.write(op, false);
        }
        return new WaitFuture(ctx, op);
    }

    /** A wait: ready once the engine's clock reaches its due time. */
    private static final class WaitFuture extends DurableFutureBase<Void> {
        private volatile OperationRecord op;

        WaitFuture(ReplayContext owner, OperationRecord op) {
            super(owner);
            this.op = op;
        }

        @Override
        CompletableFuture<Outcome<Void>> settled() {
            OperationRecord current = op;
            if (current.status() == OperationStatus.SUCCEEDED) {
                return CompletableFuture.completedFuture(Outcome.value(null));
            }
            Instant now = owner.run().clockNow();
            if (now.isBefore(current.scheduledAt())) {
                return CompletableFuture.completedFuture(Outcome.blocked(current.scheduledAt()));
            }
            return CompletableFuture.completedFuture(Outcome.value(null));
        }

        @Override
        public Void get() {
            owner.checkActive("wait");
            Outcome<Void> outcome = settled().join();
            if (outcome.blocked()) {
                throw owner.scope.suspend(outcome.wakeAt());
            }
            if (op.status() != OperationStatus.SUCCEEDED) {
                op = OperationRecords.withOutcome(op, OperationStatus.SUCCEEDED, null, null, owner.run().clockNow());
                owner.write(op, false);
            }
            return null;
        }
    }
}
