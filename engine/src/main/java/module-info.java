/**
 * Cairn's engine: durable functions for the JVM. The API is {@code dev.cairn} (the engine, the context, the
 * exceptions), {@code dev.cairn.config} (step, callback and batch configuration), {@code dev.cairn.spi} (what a
 * store, a serializer or a clock implements) and {@code dev.cairn.testing} (an in-memory store and a virtual clock
 * for tests). Everything under {@code dev.cairn.internal} is the runtime, and is not exported.
 */
module dev.cairn.engine {
    requires transitive org.slf4j;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.module.paramnames;
    requires com.github.benmanes.caffeine;

    exports dev.cairn;
    exports dev.cairn.config;
    exports dev.cairn.spi;
    exports dev.cairn.testing;
}
