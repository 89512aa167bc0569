package dev.cairn.internal.engine;

import dev.cairn.DurableEngine;

/** Where {@code DurableEngine.builder().build()} gets its engine: the runtime classes stay out of sight. */
public final class Engines {

    private Engines() {
    }

    /** A new, not yet started engine. */
    public static DurableEngine create(EngineSettings settings) {
        return new EngineRuntime(settings);
    }
}
