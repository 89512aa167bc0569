package dev.cairn;

/**
 * Code that runs in a child context: the body of {@link DurableContext#runInChildContext}, of a parallel branch,
 * or of one attempt of {@link DurableContext#withRetry}. It must use the context it is given, not its parent's.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface ChildFunction<T> {

    /**
     * Runs, or replays, the child.
     *
     * @param ctx the child context: its operations get ids under the child's own id
     * @return the child's result, checkpointed as one unit
     * @throws Exception a failure of the child
     */
    T apply(DurableContext ctx) throws Exception;
}
