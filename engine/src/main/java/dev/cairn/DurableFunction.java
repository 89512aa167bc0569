package dev.cairn;

/**
 * A durable function: ordinary Java code whose durable operations are checkpointed through the
 * {@link DurableContext} it receives.
 *
 * <p>The function runs again from the top every time its execution resumes (after a wait, a callback, a crash
 * or a restart). Operations that already have a checkpoint return their recorded outcome without running
 * again, so code outside steps must be deterministic: the same input and the same recorded outcomes must lead
 * to the same sequence of operations. Use {@link DurableContext#now()} and {@link DurableContext#randomUUID()}
 * rather than the system clock or {@code UUID.randomUUID()}, and do side effects inside steps.
 *
 * <p>Annotate the class with {@link DurableWorkflow} to give it a name; otherwise its simple class name is used.
 *
 * @param <I> the input type, serialized when the execution starts
 * @param <O> the output type, serialized when the execution succeeds
 */
@FunctionalInterface
public interface DurableFunction<I, O> {

    /**
     * Runs, or replays, the function.
     *
     * @param input the execution's input, as deserialized from its checkpoint
     * @param ctx   the context through which every durable operation goes
     * @return the execution's result
     * @throws Exception any error, which ends the execution FAILED with the error recorded
     */
    O handle(I input, DurableContext ctx) throws Exception;
}
