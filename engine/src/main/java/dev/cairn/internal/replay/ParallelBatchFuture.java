package dev.cairn.internal.replay;

import dev.cairn.BatchItem;
import dev.cairn.BatchResult;
import dev.cairn.ChildFunction;
import dev.cairn.DurableFuture;
import dev.cairn.ParallelBatch;
import dev.cairn.TypeRef;
import dev.cairn.internal.RecordedErrors;
import dev.cairn.internal.UserText;
import dev.cairn.internal.run.Outcome;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ctx.parallel(name, config)}: a {@link BatchOperation} whose branches are added one by one before it starts.
 * The operation (and so its id) is made at once; its task list grows with each branch until the batch is first waited
 * for or closed, when it starts as an asynchronous operation. Each branch's future is a view of the batch's outcome.
 */
final class ParallelBatchFuture extends DurableFutureBase<BatchResult<Object>> implements ParallelBatch {

    private final String name;
    private final BatchOperation<Object> operation;
    /** The operation's task list, which grows until {@link #started} is set. */
    private final List<BatchOperation.Task<Object>> tasks;
    private final Set<String> names = new HashSet<>();
    private DurableFutureBase<BatchResult<Object>> started;

    ParallelBatchFuture(ReplayContext owner, String name, BatchOperation<Object> operation,
            List<BatchOperation.Task<Object>> tasks) {
        super(owner);
        this.name = name;
        this.operation = operation;
        this.tasks = tasks;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> DurableFuture<T> branch(String branchName, TypeRef<T> resultType, ChildFunction<T> body) {
        owner.checkActive("branch of parallel '" + name + "'");
        UserText.checkName(branchName, "branch");
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(body, "body");
        synchronized (this) {
            if (started != null) {
                throw new IllegalStateException("parallel '" + name + "' has started, so branch '" + branchName
                        + "' cannot be added; add every branch before waiting for the batch or closing it");
            }
            if (!names.add(branchName)) {
                throw new IllegalArgumentException("parallel '" + name + "' has two branches named '" + branchName
                        + "'; branch names must be unique");
            }
            tasks.add(new BatchOperation.Task<>(branchName, (ChildFunction<Object>) (ChildFunction<?>) body,
                    resultType.type()));
            return new BranchFuture<>(tasks.size() - 1, branchName);
        }
    }

    /** The batch as an asynchronous operation, started the first time it is asked for. */
    private synchronized DurableFutureBase<BatchResult<Object>> start() {
        if (started == null) {
            started = owner.async(operation);
        }
        return started;
    }

    @Override
    CompletableFuture<Outcome<BatchResult<Object>>> settled() {
        return start().settled();
    }

    @Override
    public void close() {
        start();
    }

    /** One branch: the batch's outcome, narrowed to the branch's item. */
    private final class BranchFuture<T> extends DurableFutureBase<T> {
        private final int index;
        private final String branchName;

        BranchFuture(int index, String branchName) {
            super(ParallelBatchFuture.this.owner);
            this.index = index;
            this.branchName = branchName;
        }

        @Override
        @SuppressWarnings("unchecked")
        CompletableFuture<Outcome<T>> settled() {
            return ParallelBatchFuture.this.settled().thenApply(o -> {
                if (o.kind() != Outcome.Kind.VALUE) {
                    return (Outcome<T>) (Outcome<?>) o;
                }
                BatchItem<Object> item = o.value().items().get(index);
                String where = "branch '" + branchName + "' of parallel '" + name + "' (operation " + operation.id
                        + " of execution " + owner.run().executionId() + ")";
                return switch (item.status()) {
                    case SUCCEEDED -> Outcome.value((T) item.result());
                    case FAILED -> Outcome.failed(RecordedErrors.rethrowable(item.error(), index, branchName, where));
                    case STARTED, SKIPPED -> Outcome.failed(new IllegalStateException(where + " did not finish: the"
                            + " batch completed first (" + o.value().completionReason() + "), and its branch was "
                            + item.status()));
                };
            });
        }
    }
}
