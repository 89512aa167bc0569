package dev.cairn.jdbc.faults;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.config.RetryStrategies;
import dev.cairn.config.StepConfig;
import dev.cairn.config.StepSemantics;
import java.time.Duration;
import java.util.List;

/**
 * Steps named {@code step-1}, {@code step-2}, ..., one per entry of {@code semantics}, each recording a side effect
 * and then pausing briefly, so that executions are between checkpoints when the database goes away. The result
 * names the steps in order.
 */
public final class OutageWorkflow implements DurableFunction<Integer, String> {

    private final String node;
    private final SideEffectLog effects;
    private final List<StepSemantics> semantics;
    private final long pauseMillis;

    public OutageWorkflow(String node, SideEffectLog effects, List<StepSemantics> semantics, Duration pause) {
        this.node = node;
        this.effects = effects;
        this.semantics = List.copyOf(semantics);
        this.pauseMillis = pause.toMillis();
    }

    @Override
    public String handle(Integer input, DurableContext ctx) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < semantics.size(); i++) {
            String name = "step-" + (i + 1);
            StepSemantics s = semantics.get(i);
            // An interrupted at-most-once attempt counts as failed: allow enough retries for several outages.
            StepConfig config = StepConfig.builder().semantics(s)
                    .retryStrategy(RetryStrategies.fixedDelay(20, Duration.ofMillis(500))).build();
            result.append(ctx.step(name, String.class, step -> {
                effects.record(step.executionId(), name, step.attempt(), node, s);
                Thread.sleep(pauseMillis);
                return name;
            }, config)).append(i + 1 < semantics.size() ? "," : "");
        }
        return result.toString();
    }
}
