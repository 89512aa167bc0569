package dev.cairn.test;

import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionDescription;
import dev.cairn.ExecutionStatus;
import dev.cairn.HistoryEvent;
import dev.cairn.HistoryEventType;
import dev.cairn.OperationDescription;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Where an execution stands after {@link TestEngine#run}, {@link TestEngine#runUntilComplete} or
 * {@link TestEngine#result}: its status, result or error, and its operations by name.
 *
 * <p>A snapshot: it does not change when the execution goes on; ask the engine for a new one.
 *
 * @param <O> the function's output type
 */
public final class TestResult<O> {

    private final ExecutionDescription description;
    private final Type outputType;
    private final Serializer serializer;
    private final List<TestOperation> operations;
    private final List<TestOperation> topLevel;

    private final List<HistoryEvent> history;

    TestResult(ExecutionDescription description, List<HistoryEvent> history, Type outputType, Serializer serializer) {
        this.description = description;
        this.history = List.copyOf(history);
        this.outputType = outputType;
        this.serializer = serializer;
        Map<String, List<OperationDescription>> byParent = new LinkedHashMap<>();
        for (OperationDescription op : description.operations()) {
            byParent.computeIfAbsent(op.parentId(), k -> new ArrayList<>()).add(op);
        }
        List<TestOperation> all = new ArrayList<>();
        this.topLevel = tree(null, byParent, all);
        this.operations = List.copyOf(all);
    }

    private List<TestOperation> tree(String parentId, Map<String, List<OperationDescription>> byParent,
            List<TestOperation> all) {
        List<TestOperation> level = new ArrayList<>();
        for (OperationDescription op : byParent.getOrDefault(parentId, List.of())) {
            TestOperation made = new TestOperation(op, tree(op.id(), byParent, all), serializer);
            level.add(made);
            all.add(made);
        }
        return level;
    }

    Type outputType() {
        return outputType;
    }

    /** The execution's id. */
    public String executionId() {
        return description.id();
    }

    /** Its status. */
    public ExecutionStatus status() {
        return description.status();
    }

    /**
     * Its result.
     *
     * @throws IllegalStateException if it has not succeeded, saying how it stands and why it failed
     */
    public O result() {
        if (description.status() != ExecutionStatus.SUCCEEDED) {
            throw new IllegalStateException("execution " + description.id() + " of '" + description.function()
                    + "' has no result: it is " + description.status()
                    + (description.error() == null ? "" : ", " + description.error().summary()));
        }
        return serializer.deserialize(description.result(), outputType);
    }

    /** Its error once FAILED, CANCELLED or TIMED_OUT (why it is PARKED), else {@code null}. */
    public ErrorInfo error() {
        return description.error();
    }

    /**
     * The first operation with this name, at any depth, in the order the operations first ran.
     *
     * @throws NoSuchElementException if none has it, listing the names there are
     */
    public TestOperation operation(String name) {
        for (TestOperation op : operations) {
            if (name.equals(op.name())) {
                return op;
            }
        }
        throw new NoSuchElementException("execution " + description.id() + " has no operation named '" + name
                + "'; its operations: " + operations);
    }

    /** Every operation, at any depth, in the order they first ran. */
    public List<TestOperation> operations() {
        return operations;
    }

    /** The operations of the function's own context (not inside a child context), in order. */
    public List<TestOperation> topLevelOperations() {
        return topLevel;
    }

    /** The execution as {@link dev.cairn.DurableEngine#describe} showed it: times, callbacks, children. */
    public ExecutionDescription description() {
        return description;
    }

    /**
     * The execution's history when the snapshot was taken, with payloads: its events in the order they happened
     * (see {@link dev.cairn.DurableEngine#history}).
     */
    public List<HistoryEvent> history() {
        return history;
    }

    /** The events of {@link #history()} of one type, in order. */
    public List<HistoryEvent> history(HistoryEventType type) {
        return history.stream().filter(e -> e.type() == type).toList();
    }

    @Override
    public String toString() {
        return "execution " + description.id() + " " + description.status() + " " + operations;
    }
}
