package dev.cairn.jdbc.cluster;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import java.time.Duration;

/**
 * Three steps with short real waits between them, so that every execution suspends twice and is resumed by
 * whichever node fires its timer first. Each step body records a side effect and returns {@code node:input*k}, so
 * the result names the node that ran each step, as checkpointed.
 */
public final class SplitWorkflow implements DurableFunction<Integer, String> {

    static final String[] STEPS = {"one", "two", "three"};

    private final String node;
    private final SideEffects effects;

    public SplitWorkflow(String node, SideEffects effects) {
        this.node = node;
        this.effects = effects;
    }

    /** The first wait of execution {@code i}: 20 to 100 ms. */
    static Duration firstWait(int i) {
        return Duration.ofMillis(20 + (i * 37L) % 81);
    }

    /** The second wait of execution {@code i}: 20 to 100 ms. */
    static Duration secondWait(int i) {
        return Duration.ofMillis(20 + (i * 53L) % 81);
    }

    /** The result of execution {@code i} whose steps ran on these nodes. */
    static String expectedResult(int i, String[] nodes) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < STEPS.length; k++) {
            if (k > 0) {
                sb.append('|');
            }
            sb.append(nodes[k]).append(':').append(i * (k + 1));
        }
        return sb.toString();
    }

    @Override
    public String handle(Integer input, DurableContext ctx) {
        int i = input;
        String one = ctx.step(STEPS[0], String.class, s -> {
            effects.record(s.executionId(), STEPS[0], node);
            return node + ":" + i;
        });
        ctx.wait("first", firstWait(i));
        String two = ctx.step(STEPS[1], String.class, s -> {
            effects.record(s.executionId(), STEPS[1], node);
            return node + ":" + (i * 2);
        });
        ctx.wait("second", secondWait(i));
        String three = ctx.step(STEPS[2], String.class, s -> {
            effects.record(s.executionId(), STEPS[2], node);
            return node + ":" + (i * 3);
        });
        return one + "|" + two + "|" + three;
    }
}
