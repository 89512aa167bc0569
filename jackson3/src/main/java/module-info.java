/**
 * A Cairn {@link dev.cairn.spi.Serializer} on Jackson 3 ({@code tools.jackson}):
 * {@link dev.cairn.jackson3.Jackson3Serializer}, from the application's own mapper or a default one.
 */
module dev.cairn.jackson3 {
    requires transitive dev.cairn.engine;
    requires transitive tools.jackson.databind;

    exports dev.cairn.jackson3;
}
