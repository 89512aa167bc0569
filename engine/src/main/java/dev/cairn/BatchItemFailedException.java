package dev.cairn;

/**
 * An item or branch of a batch failed, and its recorded error cannot be thrown as its own type: the type is a
 * checked exception (then it is this exception's cause), has no public constructor taking a message, or is one of
 * Cairn's own exceptions (a {@link StepFailedException} thrown out of the item, say), which are rebuilt from more
 * than a message. Thrown by {@link BatchResult#throwIfError()} and by a branch's future; {@link #error()} has the
 * recorded type, message and stack trace.
 */
public class BatchItemFailedException extends OperationFailedException {

    private final int index;
    private final String itemName;

    /**
     * @param message  what failed
     * @param index    the item's position, from 0
     * @param itemName the item's or branch's name
     * @param error    the item's recorded error
     */
    public BatchItemFailedException(String message, int index, String itemName, ErrorInfo error) {
        super(message, null, error);
        this.index = index;
        this.itemName = itemName;
    }

    /** The item's position in its batch, from 0. */
    public int index() {
        return index;
    }

    /** The item's or branch's name. */
    public String itemName() {
        return itemName;
    }
}
