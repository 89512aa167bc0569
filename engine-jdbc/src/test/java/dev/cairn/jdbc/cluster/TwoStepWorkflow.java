package dev.cairn.jdbc.cluster;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;

/**
 * Two steps, {@code first} and {@code second}, each recording a side effect and returning the id of the node that
 * ran it. After the side effect of {@code first}, the node's {@link Gate} may hold the step (a node about to die,
 * or one whose lease is about to run out).
 */
public final class TwoStepWorkflow implements DurableFunction<Integer, String> {

    /** What a node does inside step {@code first}, after its side effect. */
    @FunctionalInterface
    public interface Gate {
        void pass(String executionId) throws Exception;

        /** Lets the step through at once. */
        static Gate open() {
            return id -> {
            };
        }
    }

    private final String node;
    private final SideEffects effects;
    private final Gate gate;

    public TwoStepWorkflow(String node, SideEffects effects, Gate gate) {
        this.node = node;
        this.effects = effects;
        this.gate = gate;
    }

    /** The result of an execution whose steps' checkpoints came from these nodes. */
    static String result(String firstNode, String secondNode) {
        return "first=" + firstNode + ",second=" + secondNode;
    }

    @Override
    public String handle(Integer input, DurableContext ctx) {
        String first = ctx.step("first", String.class, s -> {
            effects.record(s.executionId(), "first", node);
            gate.pass(s.executionId());
            return node;
        });
        String second = ctx.step("second", String.class, s -> {
            effects.record(s.executionId(), "second", node);
            return node;
        });
        return result(first, second);
    }
}
