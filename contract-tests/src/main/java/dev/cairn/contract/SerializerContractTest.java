package dev.cairn.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.BatchResult;
import dev.cairn.CallbackStatus;
import dev.cairn.DurableCallback;
import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.OperationDescription;
import dev.cairn.OperationType;
import dev.cairn.SerializationException;
import dev.cairn.config.BatchConfig;
import dev.cairn.config.CallbackConfig;
import dev.cairn.config.ChildContextConfig;
import dev.cairn.config.InvokeConfig;
import dev.cairn.config.Jitter;
import dev.cairn.config.StepConfig;
import dev.cairn.config.WaitForConditionConfig;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Per-operation serializers, run against every store: an operation given a serializer checkpoints its payload in that
 * serializer's format, reads it back with it on replay (after a restart too), and a payload it cannot read is a
 * {@link SerializationException} the workflow catches at that operation. Time moves only through the
 * {@link dev.cairn.testing.VirtualClock}.
 */
public abstract class SerializerContractTest extends EngineContractSupport {

    /** For subclasses, one per store. */
    protected SerializerContractTest() {
    }

    /**
     * The same store's data as a restarted JVM would see it; {@code previous}, whose engine has been closed, may be
     * closed here. By default the same store, for a store that lives in this JVM.
     */
    protected ExecutionStore reopenStore(ExecutionStore previous) {
        return previous;
    }

    /** A decision as a callback's result. */
    public record Decision(String by, boolean approved) {
    }

    /**
     * JSON (the engine's) wrapped in base64 behind a tag: a format the engine's own serializer cannot read, which
     * shows in the store. It refuses text without its tag, as a serializer of another format would.
     */
    static final class TaggedBase64 implements Serializer {
        private final String tag;
        private final Serializer json = Serializer.jackson();
        final AtomicInteger reads = new AtomicInteger();

        TaggedBase64(String tag) {
            this.tag = tag + ":";
        }

        @Override
        public String serialize(Object value) {
            return tag + Base64.getEncoder().encodeToString(json.serialize(value).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public <T> T deserialize(String data, Type type) {
            reads.incrementAndGet();
            if (!data.startsWith(tag)) {
                throw new IllegalArgumentException("not " + tag + " text: " + data);
            }
            return json.deserialize(decode(data), type);
        }

        /** The JSON inside text of this format. */
        String decode(String data) {
            return new String(Base64.getDecoder().decode(data.substring(tag.length())), StandardCharsets.UTF_8);
        }
    }

    private static OperationDescription operation(ExecutionDescription d, String name) {
        return d.operations().stream().filter(op -> name.equals(op.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no operation named '" + name + "' in " + d.operations()));
    }

    // ================================================================== steps

    @Test
    void aStepResultIsStoredInItsSerializersFormatAndReadBackWithItAfterARestart() {
        TaggedBase64 b64 = new TaggedBase64("b64");
        StepConfig config = StepConfig.builder().serializer(b64).build();
        AtomicInteger bodyRuns = new AtomicInteger();
        DurableFunction<String, String> fn = (in, ctx) -> {
            Decision d = ctx.step("decide", Decision.class, s -> {
                bodyRuns.incrementAndGet();
                return new Decision("ada", true);
            }, config);
            String plain = ctx.step("plain", String.class, s -> "engine's");
            ctx.wait("overnight", Duration.ofHours(12));
            return d.by() + " " + d.approved() + " " + plain;
        };
        DurableEngine first = started(builder().register("decide", String.class, String.class, fn));
        String id = start(first, "decide", "x", String.class).executionId();
        awaitStatus(first, id, ExecutionStatus.SUSPENDED);
        ExecutionDescription d = first.describe(id);
        String stored = operation(d, "decide").result();
        assertTrue(stored.startsWith("b64:"), "stored in the step's serializer's format: " + stored);
        assertEquals("{\"by\":\"ada\",\"approved\":true}", b64.decode(stored));
        assertEquals("\"engine's\"", operation(d, "plain").result(), "a step without one keeps the engine's JSON");
        assertEquals(0, b64.reads.get(), "the first run returned the value it had, without reading it back");

        first.close();
        store = reopenStore(store);
        DurableEngine second = started(builder().register("decide", String.class, String.class, fn));
        clock.advance(Duration.ofHours(12));
        ExecutionHandle<String> h = second.handle(id, String.class);
        assertEquals("ada true engine's", h.result(RESULT_TIMEOUT));
        assertEquals(1, bodyRuns.get(), "the step was replayed from its checkpoint, not run again");
        assertTrue(b64.reads.get() >= 1, "the replay read the checkpoint with the step's serializer");
    }

    @Test
    void aCheckpointTheStepsSerializerCannotReadIsASerializationExceptionTheWorkflowCatches() {
        // The code deployed after the wait reads the step with another serializer than the one that wrote it.
        TaggedBase64 before = new TaggedBase64("v1");
        TaggedBase64 after = new TaggedBase64("v2");
        AtomicReference<Serializer> deployed = new AtomicReference<>(before);
        DurableEngine engine = started(builder().register("redeployed", String.class, String.class, (in, ctx) -> {
            String quote;
            try {
                quote = ctx.step("quote", String.class, s -> "42 EUR",
                        StepConfig.builder().serializer(deployed.get()).build());
            } catch (SerializationException e) {
                quote = "unreadable quote: " + (e.getMessage().contains("'quote'") ? "named" : e.getMessage());
            }
            ctx.wait("pause", Duration.ofMinutes(5));
            return quote;
        }));
        ExecutionHandle<String> h = start(engine, "redeployed", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        deployed.set(after);
        clock.advance(Duration.ofMinutes(5));
        assertEquals("unreadable quote: named", h.result(RESULT_TIMEOUT));
        assertEquals(ExecutionStatus.SUCCEEDED, engine.describe(h.executionId()).status());
        assertTrue(operation(engine.describe(h.executionId()), "quote").result().startsWith("v1:"),
                "the checkpoint is left as the first run wrote it");
    }

    @Test
    void aSerializationFailureThatIsNotCaughtFailsTheExecutionRatherThanLeavingItRunning() {
        Serializer unreadable = new Serializer() {
            @Override
            public String serialize(Object value) {
                return "opaque";
            }

            @Override
            public <T> T deserialize(String data, Type type) {
                throw new UnsupportedOperationException("this serializer only writes");
            }
        };
        DurableEngine engine = started(builder().register("write-only", String.class, String.class, (in, ctx) -> {
            ctx.step("a", String.class, s -> "a", StepConfig.builder().serializer(unreadable).build());
            ctx.wait("pause", Duration.ofMinutes(1));
            return "done";
        }));
        ExecutionHandle<String> h = start(engine, "write-only", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofMinutes(1));
        awaitStatus(engine, h.executionId(), ExecutionStatus.FAILED);
        ExecutionDescription d = engine.describe(h.executionId());
        assertEquals(SerializationException.class.getName(), d.error().type());
        assertTrue(d.error().message().contains("only writes"), d.error().message());
    }

    // ================================================================== map and parallel

    @Test
    void aMapsItemsUseTheBatchSerializerWhileTheStepsInsideThemKeepTheirOwn() {
        TaggedBase64 items = new TaggedBase64("item");
        Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
        DurableEngine engine = started(builder().register("squares", String.class, String.class, (in, ctx) -> {
            BatchResult<Integer> r = ctx.map("squares", List.of(2, 3, 4), Integer.class,
                    (item, index, c) -> c.step("square", Integer.class, s -> {
                        runs.computeIfAbsent(index, k -> new AtomicInteger()).incrementAndGet();
                        return item * item;
                    }), BatchConfig.builder().serializer(items).build());
            ctx.wait("later", Duration.ofMinutes(1));
            return r.results().toString();
        }));
        ExecutionHandle<String> h = start(engine, "squares", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        ExecutionDescription d = engine.describe(h.executionId());
        List<OperationDescription> itemOps = d.operations().stream()
                .filter(op -> op.type() == OperationType.CONTEXT && "MapItem".equals(op.subType())).toList();
        assertEquals(3, itemOps.size());
        assertEquals(List.of("4", "9", "16"), itemOps.stream().map(op -> {
            assertTrue(op.result().startsWith("item:"), "an item's result in the batch serializer's format: "
                    + op.result());
            return items.decode(op.result());
        }).toList());
        assertEquals(List.of("4", "9", "16"), d.operations().stream().filter(op -> "square".equals(op.name()))
                .map(OperationDescription::result).toList(), "the steps in the items keep the engine's JSON");
        clock.advance(Duration.ofMinutes(1));
        assertEquals("[4, 9, 16]", h.result(RESULT_TIMEOUT));
        runs.forEach((index, n) -> assertEquals(1, n.get(), "item " + index + " ran once"));
        assertTrue(items.reads.get() >= 6, "the result was read from the items' checkpoints on both runs: "
                + items.reads.get());
    }

    @Test
    void aMapItemResultTheBatchSerializerCannotReadIsASerializationExceptionTheWorkflowCatches() {
        AtomicReference<Serializer> deployed = new AtomicReference<>(new TaggedBase64("v1"));
        DurableEngine engine = started(builder().register("map-redeployed", String.class, String.class, (in, ctx) -> {
            String outcome;
            try {
                outcome = ctx.map("lengths", List.of("a", "bb"), Integer.class, (item, index, c) -> item.length(),
                        BatchConfig.builder().serializer(deployed.get()).build()).results().toString();
            } catch (SerializationException e) {
                outcome = "unreadable items";
            }
            ctx.wait("later", Duration.ofMinutes(1));
            return outcome;
        }));
        ExecutionHandle<String> h = start(engine, "map-redeployed", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        deployed.set(new TaggedBase64("v2"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals("unreadable items", h.result(RESULT_TIMEOUT));
    }

    @Test
    void parallelBranchResultsUseTheBatchSerializer() {
        TaggedBase64 branches = new TaggedBase64("branch");
        DurableEngine engine = started(builder().register("checks", String.class, String.class, (in, ctx) -> {
            BatchResult<String> r = ctx.parallel("checks", String.class, List.of(
                    dev.cairn.ParallelBranch.of("credit", c -> "ok"),
                    dev.cairn.ParallelBranch.of("fraud", c -> "clean")),
                    BatchConfig.builder().serializer(branches).build());
            ctx.wait("later", Duration.ofMinutes(1));
            return String.join(",", r.results());
        }));
        ExecutionHandle<String> h = start(engine, "checks", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertEquals("\"clean\"", branches.decode(operation(engine.describe(h.executionId()), "fraud").result()));
        clock.advance(Duration.ofMinutes(1));
        assertEquals("ok,clean", h.result(RESULT_TIMEOUT));
    }

    // ================================================================== callbacks

    @Test
    void aCallbackWithItsOwnSerializerIsCompletedRawAndReadByThatSerializer() {
        TaggedBase64 b64 = new TaggedBase64("b64");
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("approve", String.class, String.class, (in, ctx) -> {
            DurableCallback<Decision> cb = ctx.createCallback("approval", Decision.class,
                    CallbackConfig.builder().serializer(b64).build());
            callbackId.set(cb.id());
            Decision d = cb.result();
            return d.by() + (d.approved() ? " approved" : " refused");
        }));
        ExecutionHandle<String> h = start(engine, "approve", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);

        SerializationException refused = assertThrows(SerializationException.class,
                () -> engine.completeCallback(callbackId.get(), new Decision("bob", true)));
        assertTrue(refused.getMessage().contains("completeCallbackRaw"), refused.getMessage());
        assertEquals(CallbackStatus.PENDING, engine.describe(h.executionId()).callbacks().get(0).status(),
                "a refused completion leaves the callback pending");

        String raw = b64.serialize(new Decision("grace", true));
        engine.completeCallbackRaw(callbackId.get(), raw);
        assertEquals("grace approved", h.result(RESULT_TIMEOUT));
        assertEquals(raw, operation(engine.describe(h.executionId()), "approval").result(),
                "the text is stored as it was given");
    }

    @Test
    void rawTextTheCallbacksSerializerCannotReadIsASerializationExceptionTheWorkflowCatches() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("approve-or-not", String.class, String.class, (in, ctx) -> {
            DurableCallback<Decision> cb = ctx.createCallback("approval", Decision.class,
                    CallbackConfig.builder().serializer(new TaggedBase64("b64")).build());
            callbackId.set(cb.id());
            try {
                return "read " + cb.result();
            } catch (SerializationException e) {
                return "unreadable answer for " + (e.getMessage().contains("approval") ? "approval" : e.getMessage());
            }
        }));
        ExecutionHandle<String> h = start(engine, "approve-or-not", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallbackRaw(callbackId.get(), "{\"by\":\"eve\",\"approved\":true}");
        assertEquals("unreadable answer for approval", h.result(RESULT_TIMEOUT));
    }

    @Test
    void waitForCallbackReadsARawCompletionWithItsSerializerOnEveryReplay() {
        TaggedBase64 b64 = new TaggedBase64("b64");
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("wait-approve", String.class, String.class, (in, ctx) -> {
            Decision d = ctx.waitForCallback("approval", Decision.class, (id, s) -> callbackId.set(id),
                    CallbackConfig.builder().serializer(b64).build());
            ctx.wait("cooling-off", Duration.ofHours(1));
            return d.by();
        }));
        ExecutionHandle<String> h = start(engine, "wait-approve", "x", String.class);
        await().atMost(RESULT_TIMEOUT).until(() -> callbackId.get() != null);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        engine.completeCallbackRaw(callbackId.get(), b64.serialize(new Decision("ivy", true)));
        await().atMost(RESULT_TIMEOUT).until(() -> engine.describe(h.executionId()).operations().stream()
                .anyMatch(op -> "cooling-off".equals(op.name())));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofHours(1));
        assertEquals("ivy", h.result(RESULT_TIMEOUT));
    }

    @Test
    void aRawCompletionOfACallbackReadWithTheEngineSerializerIsCheckedAgainstItsType() {
        AtomicReference<String> callbackId = new AtomicReference<>();
        DurableEngine engine = started(builder().register("count", String.class, String.class, (in, ctx) -> {
            DurableCallback<Integer> cb = ctx.createCallback("count", Integer.class);
            callbackId.set(cb.id());
            return "got " + (cb.result() + 1);
        }));
        ExecutionHandle<String> h = start(engine, "count", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        assertThrows(SerializationException.class, () -> engine.completeCallbackRaw(callbackId.get(), "\"many\""));
        assertEquals(CallbackStatus.PENDING, engine.describe(h.executionId()).callbacks().get(0).status());
        engine.completeCallbackRaw(callbackId.get(), "41");
        assertEquals("got 42", h.result(RESULT_TIMEOUT));
    }

    // ================================================================== child contexts

    @Test
    void aChildContextCheckpointsItsResultWithItsSerializerAndReadsItBackOnReplay() {
        TaggedBase64 b64 = new TaggedBase64("child");
        AtomicInteger bodyRuns = new AtomicInteger();
        DurableEngine engine = started(builder().register("child", String.class, String.class, (in, ctx) -> {
            Decision d = ctx.runInChildContext("review", Decision.class, c -> {
                bodyRuns.incrementAndGet();
                return new Decision(c.step("reviewer", String.class, s -> "kim"), false);
            }, ChildContextConfig.builder().serializer(b64).build());
            ctx.wait("later", Duration.ofMinutes(1));
            return d.by() + " " + d.approved();
        }));
        ExecutionHandle<String> h = start(engine, "child", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        ExecutionDescription d = engine.describe(h.executionId());
        assertEquals("{\"by\":\"kim\",\"approved\":false}", b64.decode(operation(d, "review").result()));
        assertEquals("\"kim\"", operation(d, "reviewer").result(), "the step inside keeps the engine's JSON");
        clock.advance(Duration.ofMinutes(1));
        assertEquals("kim false", h.result(RESULT_TIMEOUT));
        assertEquals(1, bodyRuns.get(), "the finished child was replayed from its checkpoint");
        assertEquals(1, b64.reads.get(), "read once, by the replay");
    }

    // ================================================================== invoke and waitForCondition

    @DurableWorkflow(name = "pricer")
    static final class Pricer implements DurableFunction<String, Decision> {
        @Override
        public Decision handle(String who, DurableContext ctx) {
            return ctx.step("price", Decision.class, s -> new Decision(who, true));
        }
    }

    @Test
    void anInvokeCheckpointsTheChildsResultWithItsSerializerAndReadsItBackOnReplay() {
        TaggedBase64 b64 = new TaggedBase64("b64");
        DurableEngine engine = started(builder().register(new Pricer())
                .register("quote", String.class, String.class, (in, ctx) -> {
                    Decision d = ctx.invoke("price it", Pricer.class, "zoe", Decision.class,
                            InvokeConfig.builder().serializer(b64).build());
                    ctx.wait("later", Duration.ofMinutes(1));
                    return d.by() + " " + d.approved();
                }));
        ExecutionHandle<String> h = start(engine, "quote", "x", String.class);
        await().atMost(RESULT_TIMEOUT).until(() -> engine.describe(h.executionId()).operations().stream()
                .anyMatch(op -> "later".equals(op.name())));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        ExecutionDescription parent = engine.describe(h.executionId());
        String stored = operation(parent, "price it").result();
        assertTrue(stored.startsWith("b64:"), "the invoke's checkpoint in its serializer's format: " + stored);
        assertEquals("{\"by\":\"zoe\",\"approved\":true}", b64.decode(stored));
        String childId = parent.childExecutionIds().get(0);
        assertEquals("{\"by\":\"zoe\",\"approved\":true}", engine.describe(childId).result(),
                "the child's own output stays in the engine's format");
        int readsBefore = b64.reads.get();
        clock.advance(Duration.ofMinutes(1));
        assertEquals("zoe true", h.result(RESULT_TIMEOUT));
        assertTrue(b64.reads.get() > readsBefore, "the replay read the invoke's checkpoint with its serializer");
    }

    @Test
    void waitForConditionCheckpointsItsStateWithItsSerializer() {
        TaggedBase64 b64 = new TaggedBase64("state");
        DurableEngine engine = started(builder().register("progress", String.class, String.class, (in, ctx) -> {
            Integer done = ctx.waitForCondition("job", Integer.class, (state, s) -> state + 50,
                    WaitForConditionConfig.builder(0).until(p -> p >= 100).initialDelay(Duration.ofSeconds(10))
                            .maxDelay(Duration.ofSeconds(10)).jitter(Jitter.NONE).serializer(b64).build());
            ctx.wait("later", Duration.ofMinutes(1));
            return "at " + done;
        }));
        ExecutionHandle<String> h = start(engine, "progress", "x", String.class);
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(RESULT_TIMEOUT).until(() -> engine.describe(h.executionId()).operations().stream()
                .anyMatch(op -> "later".equals(op.name())));
        awaitStatus(engine, h.executionId(), ExecutionStatus.SUSPENDED);
        ExecutionDescription d = engine.describe(h.executionId());
        assertEquals("100", b64.decode(operation(d, "job").result()));
        assertEquals("50", b64.decode(operation(d, "check 1").result()), "each poll's state too");
        clock.advance(Duration.ofMinutes(1));
        assertEquals("at 100", h.result(RESULT_TIMEOUT));
    }
}
