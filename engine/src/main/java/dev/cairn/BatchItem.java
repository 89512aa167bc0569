package dev.cairn;

/**
 * One item or branch of a {@link BatchResult}.
 *
 * @param index  its position, from 0
 * @param name   the branch's name, or the item's operation name for a map
 * @param status how it stands
 * @param result its result when {@link BatchItemStatus#SUCCEEDED}, else {@code null}
 * @param error  its error when {@link BatchItemStatus#FAILED}, else {@code null}
 * @param <T>    the result type
 */
public record BatchItem<T>(int index, String name, BatchItemStatus status, T result, ErrorInfo error) {
}
