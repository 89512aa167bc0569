package dev.cairn.internal.replay;

import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.run.Scope;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A value taken once and recorded, so that every replay sees the same one: {@code ctx.now()},
 * {@code ctx.randomUUID()}, and the winner of {@code anyOf}. The write is not awaited: whatever awaited write
 * follows carries it.
 */
final class RecordedValueOperation<V> extends DurableOperation<V> {

    private final String subType;
    private final String name;
    private final Type type;
    private final Supplier<V> value;

    RecordedValueOperation(ReplayContext ctx, String subType, String name, Type type, Supplier<V> value, String what) {
        super(ctx, OperationType.STEP, subType, name, what);
        this.subType = subType;
        this.name = name;
        this.type = type;
        this.value = value;
    }

    /** {@code ctx.now()}: the engine's clock. */
    static RecordedValueOperation<Instant> now(ReplayContext ctx) {
        return new RecordedValueOperation<>(ctx, "Now", "now", Instant.class, ctx.run()::clockNow, "now()");
    }

    /** {@code ctx.randomUUID()}. */
    static RecordedValueOperation<java.util.UUID> randomUuid(ReplayContext ctx) {
        return new RecordedValueOperation<>(ctx, "RandomUUID", "randomUUID", java.util.UUID.class,
                java.util.UUID::randomUUID, "randomUUID()");
    }

    /** Whether the value is recorded; if not, {@link #record} takes it later (the winner of an anyOf). */
    boolean isRecorded() {
        return isFinal();
    }

    @Override
    V replay() {
        return run.read(recorded.result(), type, name + "()");
    }

    @Override
    V start(Scope s) {
        return record(value.get());
    }

    /** Records {@code v} as this operation's value and returns it. */
    V record(V v) {
        Instant now = run.clockNow();
        ctx.write(ctx.record(id, OperationType.STEP, subType, name, OperationStatus.SUCCEEDED, 1,
                run.payload(v, null, name + "()"), null, null, now, now), false);
        return v;
    }
}
