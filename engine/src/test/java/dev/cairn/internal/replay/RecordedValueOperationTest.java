package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordedValueOperation}: {@code now()} and {@code randomUUID()} are taken once, recorded as steps of their
 * own sub-type, and replayed as recorded, whatever the clock or the random source would say now.
 */
class RecordedValueOperationTest {

    private final ReplayHarness h = new ReplayHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private OperationRecord recorded(String id, String subType, String name, Object value) {
        return op(id, OperationType.STEP, subType, name, OperationStatus.SUCCEEDED, 1, h.json(value), null, null, T0, T0);
    }

    @Test
    void nowIsTheEngineClockRecordedAsAStepOfSubTypeNow() {
        h.clock.set(T0.plus(Duration.ofMinutes(3)));

        RunResult<Instant> r = h.run(ctx -> ctx.now());

        assertEquals(T0.plus(Duration.ofMinutes(3)), r.value());
        OperationRecord op = h.operation("1");
        assertEquals(OperationType.STEP, op.type());
        assertEquals("Now", op.subType());
        assertEquals("now", op.name());
        assertEquals(OperationStatus.SUCCEEDED, op.status());
        assertEquals(1, op.attempt());
        assertEquals(T0.plus(Duration.ofMinutes(3)), h.read(op.result(), Instant.class));
    }

    @Test
    void aRecordedNowIsReturnedOnReplayNotTheClock() {
        Instant then = Instant.parse("2029-06-01T12:34:56.789Z");
        h.seed(recorded("1", "Now", "now", then));
        h.clock.set(T0.plus(Duration.ofDays(3)));

        assertEquals(then, h.run(ctx -> ctx.now()).value());
        assertEquals(1, h.operations().size());
    }

    @Test
    void randomUuidIsRecordedAsAStepOfSubTypeRandomUuidAndReplayedAsRecorded() {
        RunResult<UUID> first = h.run(ctx -> ctx.randomUUID());
        OperationRecord op = h.operation("1");
        assertEquals("RandomUUID", op.subType());
        assertEquals("randomUUID", op.name());
        assertEquals(first.value(), h.read(op.result(), UUID.class));

        RunResult<UUID> replayed = h.run(ctx -> ctx.randomUUID());
        assertEquals(first.value(), replayed.value());
    }

    @Test
    void aSeededUuidIsReturnedExactly() {
        UUID recordedUuid = UUID.fromString("123e4567-e89b-42d3-a456-426614174000");
        h.seed(recorded("1", "RandomUUID", "randomUUID", recordedUuid));

        assertEquals(recordedUuid, h.run(ctx -> ctx.randomUUID()).value());
    }

    @Test
    void eachCallTakesItsOwnIdAndItsOwnValue() {
        Instant earlier = Instant.parse("2029-01-01T00:00:00Z");
        Instant later = Instant.parse("2029-01-02T00:00:00Z");
        h.seed(recorded("1", "Now", "now", earlier), recorded("2", "Now", "now", later));

        assertEquals(List.of(earlier, later), h.run(ctx -> List.of(ctx.now(), ctx.now())).value());
    }

    @Test
    void aRecordedNowWhereTheCodeNowAsksForARandomUuidIsNonDeterministic() {
        h.seed(recorded("1", "Now", "now", T0));

        NonDeterministicExecutionException e = h.run(ctx -> ctx.randomUUID())
                .error(NonDeterministicExecutionException.class);

        assertTrue(e.getMessage().startsWith("operation 1 of execution exec-1 was recorded as STEP/Now 'now' but the"
                + " code now calls STEP/RandomUUID 'randomUUID'. "), e.getMessage());
    }
}
