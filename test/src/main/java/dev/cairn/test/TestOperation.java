package dev.cairn.test;

import dev.cairn.ErrorInfo;
import dev.cairn.OperationDescription;
import dev.cairn.OperationStatus;
import dev.cairn.OperationType;
import dev.cairn.TypeRef;
import dev.cairn.spi.Serializer;
import java.lang.reflect.Type;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * One operation of an execution as a test sees it: from {@link TestResult#operation(String)}.
 *
 * <p>A snapshot taken when the {@link TestResult} was made.
 */
public final class TestOperation {

    private final OperationDescription description;
    private final List<TestOperation> children;
    private final Serializer serializer;

    TestOperation(OperationDescription description, List<TestOperation> children, Serializer serializer) {
        this.description = description;
        this.children = List.copyOf(children);
        this.serializer = serializer;
    }

    /** Its operation id ({@code "1"}, {@code "3-2"}). */
    public String id() {
        return description.id();
    }

    /** Its name, or {@code null} (the recorded values of {@code ctx.now()} have none). */
    public String name() {
        return description.name();
    }

    /** Its type. */
    public OperationType type() {
        return description.type();
    }

    /** Its sub-type ({@code "WaitForCallback"}, {@code "Map"}), or {@code null}. */
    public String subType() {
        return description.subType();
    }

    /** Its status. */
    public OperationStatus status() {
        return description.status();
    }

    /** How many attempts a step made; 0 for other operations. */
    public int attempts() {
        return description.attempts();
    }

    /** Its result as checkpointed (JSON with the default serializer), or {@code null}. */
    public String resultJson() {
        return description.result();
    }

    /**
     * Its result, read as {@code type}.
     *
     * @throws IllegalStateException if it has no result (it did not succeed)
     */
    public <T> T result(Class<T> type) {
        return read(type);
    }

    /** Its result, read as a generic type. @throws IllegalStateException if it has no result */
    public <T> T result(TypeRef<T> type) {
        return read(type.type());
    }

    /**
     * Its result, read as {@code type} by {@code with}: for an operation whose config gives it a serializer of its
     * own, which {@link #result(Class)} (the engine's default serializer) cannot read.
     *
     * @throws IllegalStateException if it has no result (it did not succeed)
     */
    public <T> T result(Serializer with, Class<T> type) {
        Objects.requireNonNull(with, "with");
        return read(with, type);
    }

    private <T> T read(Type type) {
        return read(serializer, type);
    }

    private <T> T read(Serializer with, Type type) {
        Objects.requireNonNull(type, "type");
        if (description.status() != OperationStatus.SUCCEEDED) {
            throw new IllegalStateException("operation " + this + " has no result: it is " + description.status()
                    + (description.error() == null ? "" : " with " + description.error().summary()));
        }
        return with.deserialize(description.result(), type);
    }

    /** Its (last) error, or {@code null}: for a retried step, the error of the attempt before. */
    public ErrorInfo error() {
        return description.error();
    }

    /** The operations run inside it (a child context, a batch's items, the parts of a waitForCallback), in order. */
    public List<TestOperation> children() {
        return children;
    }

    /**
     * The first operation inside it with this name.
     *
     * @throws NoSuchElementException if there is none
     */
    public TestOperation child(String name) {
        return children.stream().filter(c -> name.equals(c.name())).findFirst()
                .orElseThrow(() -> new NoSuchElementException("operation " + this + " has no child named '" + name
                        + "'; its children: " + children));
    }

    /** The description this view is made of. */
    public OperationDescription description() {
        return description;
    }

    /** {@code 2 STEP 'charge' SUCCEEDED}. */
    @Override
    public String toString() {
        return id() + " " + type() + (name() == null ? "" : " '" + name() + "'") + " " + status();
    }
}
