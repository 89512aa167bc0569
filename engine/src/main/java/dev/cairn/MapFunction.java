package dev.cairn;

/**
 * The body run for each item of {@link DurableContext#map}, in a child context of its own.
 *
 * @param <I> the item type
 * @param <T> the result type
 */
@FunctionalInterface
public interface MapFunction<I, T> {

    /**
     * Processes one item.
     *
     * @param item  the item
     * @param index its position in the input, from 0
     * @param ctx   the item's own child context
     * @return the item's result
     * @throws Exception a failure of this item, counted against the batch's failure tolerance
     */
    T apply(I item, int index, DurableContext ctx) throws Exception;
}
