package dev.cairn.spi;

import java.util.List;

/**
 * Everything replay needs to know about an execution: its checkpointed operations and its callbacks.
 *
 * @param operations every operation row of the execution, in any order
 * @param callbacks  every callback row of the execution, in any order
 */
public record History(List<OperationRecord> operations, List<CallbackRecord> callbacks) {
    public History {
        operations = List.copyOf(operations);
        callbacks = List.copyOf(callbacks);
    }
}
