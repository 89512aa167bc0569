package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import dev.cairn.spring.boot.CairnProperties.InitializeSchema;
import java.util.Objects;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the engine the starter built once the application context is refreshed, and closes it when the context
 * stops or closes.
 *
 * <p>It starts after every singleton is created, so after Flyway's and Liquibase's migrations and Spring Boot's SQL
 * scripts (their beans run when they are created, and the store bean depends on them). Its {@linkplain #PHASE phase}
 * is below the web server's: the engine starts before the server takes requests and is closed after the server
 * stopped, so that a request completing a callback finds it running. The DataSource is closed after every lifecycle
 * has stopped, so the engine's last checkpoints reach it. A closed engine cannot start again: a context that is
 * stopped and started again fails to start it.
 */
public final class CairnEngineLifecycle implements SmartLifecycle {

    /**
     * The lifecycle phase: {@code SmartLifecycle.DEFAULT_PHASE - 4096}, below the web server's (its start-and-stop
     * phase is {@code DEFAULT_PHASE - 2048}, its graceful shutdown {@code DEFAULT_PHASE - 1024}).
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final DurableEngine engine;
    private final InitializeSchema initializeSchema;
    private volatile boolean running;

    /**
     * A lifecycle for an engine.
     *
     * @param engine           the engine, not started yet
     * @param initializeSchema the schema setting, named in the error when the engine cannot start without a schema
     */
    public CairnEngineLifecycle(DurableEngine engine, InitializeSchema initializeSchema) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.initializeSchema = Objects.requireNonNull(initializeSchema, "initializeSchema");
    }

    /**
     * Starts the engine: migrates or checks the schema, resumes what was running, starts the scheduler.
     *
     * @throws IllegalStateException if the engine cannot start, with the store's reason (a missing schema, an
     *                               unreachable database)
     */
    @Override
    public void start() {
        try {
            engine.start();
        } catch (RuntimeException e) {
            String hint = initializeSchema == InitializeSchema.ALWAYS ? ""
                    : " (cairn.jdbc.initialize-schema is " + initializeSchema.name().toLowerCase(java.util.Locale.ROOT)
                    + ": create the schema with your own migrations, or set cairn.jdbc.initialize-schema=always)";
            throw new IllegalStateException("the Cairn engine could not start: " + e.getMessage() + hint, e);
        }
        running = true;
    }

    /** Closes the engine: see {@link DurableEngine#close()}. */
    @Override
    public void stop() {
        running = false;
        engine.close();
    }

    /** @return whether the engine was started and not stopped since */
    @Override
    public boolean isRunning() {
        return running;
    }

    /** @return {@link #PHASE} */
    @Override
    public int getPhase() {
        return PHASE;
    }
}
