package dev.cairn.internal.replay;

import static dev.cairn.internal.replay.ReplayHarness.T0;
import static dev.cairn.internal.replay.ReplayHarness.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchItem;
import dev.cairn.BatchItemStatus;
import dev.cairn.BatchResult;
import dev.cairn.CompletionReason;
import dev.cairn.ErrorInfo;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.ParallelBranch;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CompletionConfig;
import dev.cairn.internal.replay.ReplayHarness.RunResult;
import dev.cairn.spi.OperationRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchOperation}: items are child contexts numbered by position under the batch, of kind
 * {@code MapItem}/{@code ParallelItem}; the batch checkpoints its completion reason and one status letter per item,
 * and a replay rebuilds the result from that and the items' own checkpoints; on resume, recorded item outcomes
 * count towards the completion policy before any item starts.
 */
class BatchOperationTest {

    private static final ErrorInfo BAD = ErrorInfo.of(IllegalStateException.class.getName(), "bad");

    private final ReplayHarness h = new ReplayHarness();
    private final AtomicInteger bodies = new AtomicInteger();

    @AfterEach
    void close() {
        h.close();
    }

    private static OperationRecord item(String id, String name, OperationStatus status, String result, ErrorInfo error) {
        return op(id, OperationType.CONTEXT, "MapItem", name, status, 0, result, error, null, T0,
                status.isTerminal() ? T0 : null);
    }

    private static BatchConfig oneAtATime(CompletionConfig completion) {
        return BatchConfig.builder().maxConcurrency(1).completion(completion).build();
    }

    private RunResult<BatchResult<String>> upperCase(List<String> items, BatchConfig config) {
        return h.run(ctx -> ctx.map("m", items, String.class, (item, index, c) -> {
            bodies.incrementAndGet();
            return c.step("up", String.class, s -> item.toUpperCase());
        }, config));
    }

    @Test
    void mapItemsAreChildContextsNumberedByPositionUnderTheBatch() {
        RunResult<BatchResult<String>> r = upperCase(List.of("a", "b", "c"), BatchConfig.defaults());

        assertEquals(List.of("A", "B", "C"), r.value().results());
        assertEquals(List.of("1", "1-1", "1-1-1", "1-2", "1-2-1", "1-3", "1-3-1"), h.operationIds());
        OperationRecord batch = h.operation("1");
        assertEquals(OperationType.CONTEXT, batch.type());
        assertEquals("Map", batch.subType());
        assertEquals(OperationStatus.SUCCEEDED, batch.status());
        assertEquals("ALL_COMPLETED:SSS", batch.result());
        OperationRecord second = h.operation("1-2");
        assertEquals("MapItem", second.subType());
        assertEquals("item 1", second.name());
        assertEquals("1", second.parentId());
        assertEquals(h.json("B"), second.result());
        assertEquals("up", h.operation("1-2-1").name());
    }

    @Test
    void parallelBranchesAreChildContextsNamedAfterTheirBranches() {
        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.parallel("checks", String.class, List.of(
                ParallelBranch.of("credit", c -> "ok"), ParallelBranch.of("fraud", c -> "clean")),
                BatchConfig.defaults()));

        assertEquals(List.of("ok", "clean"), r.value().results());
        assertEquals("Parallel", h.operation("1").subType());
        assertEquals("ParallelItem", h.operation("1-1").subType());
        assertEquals("credit", h.operation("1-1").name());
        assertEquals("fraud", h.operation("1-2").name());
    }

    @Test
    void theBatchRecordsItsReasonAndEachItemsStatusAndAnItemNeverStartedHasNoCheckpoint() {
        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.map("m", List.of("x", "y", "z"), String.class,
                (item, index, c) -> {
                    if (index == 0) {
                        throw new IOException("disk full");
                    }
                    return item;
                }, oneAtATime(CompletionConfig.firstSuccessful())));

        BatchResult<String> result = r.value();
        assertEquals(CompletionReason.MIN_SUCCESSFUL_REACHED, result.completionReason());
        assertEquals(List.of(BatchItemStatus.FAILED, BatchItemStatus.SUCCEEDED, BatchItemStatus.SKIPPED),
                result.items().stream().map(BatchItem::status).toList());
        assertEquals(IOException.class.getName(), result.items().get(0).error().type(),
                "a checked exception is recorded as itself");
        assertEquals("disk full", result.items().get(0).error().message());
        assertEquals("MIN_SUCCESSFUL_REACHED:FSK", h.operation("1").result());
        assertNull(h.operation("1-3"));
    }

    @Test
    void anItemStillWaitingWhenTheBatchCompletesIsReportedStarted() {
        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.parallel("race", String.class, List.of(
                ParallelBranch.of("slow", c -> {
                    c.wait("forever", Duration.ofDays(365));
                    return "slow";
                }),
                ParallelBranch.of("fast", c -> "fast")),
                BatchConfig.builder().maxConcurrency(2).completion(CompletionConfig.firstSuccessful()).build()));

        assertEquals(List.of(BatchItemStatus.STARTED, BatchItemStatus.SUCCEEDED),
                r.value().items().stream().map(BatchItem::status).toList());
        assertEquals("MIN_SUCCESSFUL_REACHED:TS", h.operation("1").result());
        assertEquals(OperationStatus.STARTED, h.operation("1-1").status());
    }

    @Test
    void aFinishedBatchIsRebuiltFromItsSummaryAndItsItemsCheckpointsWithoutRunningItems() {
        h.seed(op("1", OperationType.CONTEXT, "Map", "m", OperationStatus.SUCCEEDED, 0, "MIN_SUCCESSFUL_REACHED:SFTK",
                null, null, T0, T0),
                item("1-1", "item 0", OperationStatus.SUCCEEDED, h.json("A"), null),
                h.succeededStep("1-1-1", "up", "A"),
                item("1-2", "item 1", OperationStatus.FAILED, null, BAD),
                item("1-3", "item 2", OperationStatus.STARTED, null, null));

        RunResult<String> r = h.run(ctx -> {
            BatchResult<String> result = ctx.map("m", List.of("a", "b", "c", "d"), String.class, (item, i, c) -> {
                bodies.incrementAndGet();
                return item;
            }, BatchConfig.defaults());
            assertEquals(CompletionReason.MIN_SUCCESSFUL_REACHED, result.completionReason());
            assertEquals(List.of(BatchItemStatus.SUCCEEDED, BatchItemStatus.FAILED, BatchItemStatus.STARTED,
                    BatchItemStatus.SKIPPED), result.items().stream().map(BatchItem::status).toList());
            assertEquals("A", result.items().get(0).result());
            assertEquals(BAD, result.items().get(1).error());
            assertEquals("item 3", result.items().get(3).name());
            return "replaying=" + ctx.isReplaying();
        });

        assertEquals("replaying=false", r.value());
        assertEquals(0, bodies.get());
    }

    @Test
    void aResumedBatchCountsItsRecordedOutcomesBeforeStartingAnyItem() {
        h.seed(op("1", OperationType.CONTEXT, "Map", "m", OperationStatus.STARTED, 0, null, null, null, T0, null),
                item("1-1", "item 0", OperationStatus.FAILED, null, BAD),
                item("1-2", "item 1", OperationStatus.FAILED, null, BAD),
                item("1-3", "item 2", OperationStatus.STARTED, null, null));

        RunResult<BatchResult<String>> r = upperCase(List.of("a", "b", "c", "d"),
                oneAtATime(CompletionConfig.toleratedFailureCount(1)));

        assertEquals(CompletionReason.FAILURE_TOLERANCE_EXCEEDED, r.value().completionReason());
        assertEquals(0, bodies.get());
        assertEquals("FAILURE_TOLERANCE_EXCEEDED:FFTK", h.operation("1").result(),
                "an item recorded started is reported started even if this run did not resume it");
    }

    @Test
    void aBatchRecordedWithAnotherNumberOfItemsIsNonDeterministic() {
        h.seed(op("1", OperationType.CONTEXT, "Map", "m", OperationStatus.SUCCEEDED, 0, "ALL_COMPLETED:SS", null, null,
                T0, T0));

        NonDeterministicExecutionException e = upperCase(List.of("a", "b", "c"), BatchConfig.defaults())
                .error(NonDeterministicExecutionException.class);

        assertTrue(e.getMessage().startsWith("Map 'm' (operation 1 of execution exec-1) was recorded with 2 items but"
                + " the code now gives it 3."), e.getMessage());
        assertEquals("1", e.operationId());
    }

    @Test
    void anItemRecordedUnderAnotherBranchNameIsNonDeterministic() {
        h.seed(op("1", OperationType.CONTEXT, "Parallel", "p", OperationStatus.STARTED, 0, null, null, null, T0, null),
                op("1-1", OperationType.CONTEXT, "ParallelItem", "credit", OperationStatus.SUCCEEDED, 0, h.json("ok"),
                        null, null, T0, T0));

        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.parallel("p", String.class, List.of(
                ParallelBranch.of("fraud", c -> "clean"), ParallelBranch.of("credit", c -> "ok")),
                BatchConfig.defaults()));

        NonDeterministicExecutionException e = r.error(NonDeterministicExecutionException.class);
        assertEquals("1-1", e.operationId());
        assertTrue(e.getMessage().startsWith("operation 1-1 of execution exec-1 was recorded as CONTEXT/ParallelItem"
                + " 'credit' but Parallel 'p' now has ParallelItem 'fraud' there."), e.getMessage());
    }

    @Test
    void anItemNamerNamesTheItemsAndAnItemItNamesNullGetsTheDefaultName() {
        BatchConfig named = BatchConfig.builder().itemNamer(String.class,
                (item, index) -> item.equals("skip") ? null : "doc " + item).build();
        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.map("m", List.of("a", "skip"), String.class,
                (item, index, c) -> item, named));

        assertEquals(List.of("doc a", "item 1"), r.value().items().stream().map(BatchItem::name).toList());
        assertEquals("doc a", h.operation("1-1").name());
        assertEquals("item 1", h.operation("1-2").name());
    }

    @Test
    void anItemNameThatIsNotAValidNameFailsTheMapBeforeItTakesItsId() {
        BatchConfig blank = BatchConfig.builder().itemNamer((item, index) -> index == 1 ? " " : "ok").build();
        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.map("m", List.of("a", "b"), String.class,
                (item, index, c) -> item, blank));

        IllegalArgumentException e = r.error(IllegalArgumentException.class);
        assertTrue(e.getMessage().startsWith("the item namer of map 'm' named item 1 wrongly: map item name must not"
                + " be blank"), e.getMessage());
        assertEquals(List.of(), h.operationIds());
    }

    @Test
    void aFinishedMapReplayedWithItemsNamedOtherwiseIsNonDeterministic() {
        h.seed(op("1", OperationType.CONTEXT, "Map", "m", OperationStatus.SUCCEEDED, 0, "ALL_COMPLETED:S", null, null,
                T0, T0), item("1-1", "doc a", OperationStatus.SUCCEEDED, h.json("A"), null));

        RunResult<BatchResult<String>> r = h.run(ctx -> ctx.map("m", List.of("a"), String.class,
                (item, index, c) -> item, BatchConfig.builder().itemNamer((item, index) -> "file " + item).build()));

        NonDeterministicExecutionException e = r.error(NonDeterministicExecutionException.class);
        assertEquals("1-1", e.operationId());
        assertTrue(e.getMessage().contains("recorded as CONTEXT/MapItem 'doc a' but Map 'm' now has MapItem 'file a'"),
                e.getMessage());
    }
}
