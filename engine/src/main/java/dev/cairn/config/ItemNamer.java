package dev.cairn.config;

/**
 * Names the items of a {@code map}, for {@link BatchConfig.Builder#itemNamer}: each item's child context gets the
 * name, which {@code describe()} shows and the batch's result reports. A name is checked against the item's
 * checkpoint on replay like any operation name, so it must be the same on every run: derive it from the item.
 *
 * @param <I> the item type
 */
@FunctionalInterface
public interface ItemNamer<I> {

    /**
     * The item's name.
     *
     * @param item  the item
     * @param index its position in the input, from 0
     * @return at most 200 printable characters, or {@code null} for the default name, {@code "item <index>"}
     */
    String name(I item, int index);
}
