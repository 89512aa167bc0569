package dev.cairn;

/**
 * A parallel batch whose branches are added one by one, each with a result type of its own and a future of its own:
 * {@link DurableContext#parallel(String, dev.cairn.config.BatchConfig)}.
 *
 * <pre>{@code
 * try (ParallelBatch checks = ctx.parallel("checks", BatchConfig.defaults())) {
 *     DurableFuture<Integer> score = checks.branch("credit", Integer.class, c -> c.step("score", Integer.class, s -> 720));
 *     DurableFuture<Boolean> clean = checks.branch("fraud", Boolean.class, c -> c.step("screen", Boolean.class, s -> true));
 *     return score.get() > 700 && clean.get();
 * }
 * }</pre>
 *
 * <p>The branches start together, as one batch run by the batch's config, when the batch or one of its branches is
 * first waited for ({@link #get()}, {@link DurableFuture#get()} of a branch's future, {@link DurableFuture#allOf})
 * or when the batch is closed; no branch can be added after that. The batch took its operation id when it was
 * created, and each branch takes the next position in it, so ids are the same on every replay. The batch itself
 * runs beside the code that created it, as {@link DurableContext#parallelAsync} does.
 *
 * <p>{@link #get()} returns every branch's outcome (results typed as each branch declared). A branch's future
 * returns its result, or throws its failure rebuilt as {@link BatchResult#throwIfError()} rebuilds it, or
 * {@link IllegalStateException} if the batch completed (by its completion policy) before the branch finished.
 */
public interface ParallelBatch extends DurableFuture<BatchResult<Object>>, AutoCloseable {

    /**
     * Adds a branch.
     *
     * @param name       the branch's name, unique in the batch, recorded and checked on replay
     * @param resultType the type its result is checkpointed and read back as
     * @param body       the branch's code, run in a child context of its own
     * @return the branch's future
     * @throws IllegalStateException    if the batch has started
     * @throws IllegalArgumentException if another branch has that name, or the name is not valid
     */
    <T> DurableFuture<T> branch(String name, TypeRef<T> resultType, ChildFunction<T> body);

    /** {@link #branch(String, TypeRef, ChildFunction)} with a plain result class. */
    default <T> DurableFuture<T> branch(String name, Class<T> resultType, ChildFunction<T> body) {
        return branch(name, TypeRef.of(resultType), body);
    }

    /** Starts the batch if it has not started, and closes it to new branches. It does not wait for the batch. */
    @Override
    void close();
}
