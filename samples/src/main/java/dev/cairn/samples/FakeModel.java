package dev.cairn.samples;

import dev.cairn.DurableEngine;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The "external system" of the {@code callback} sample: a stand-in for a model service, running on threads of
 * its own. It accepts a prompt with a callback id and returns at once; then it "thinks" for a while, sending a
 * heartbeat ({@link DurableEngine#heartbeatCallback}) every {@code heartbeatEvery}, and completes the callback
 * with a Markdown answer ({@link DurableEngine#completeCallback}). A prompt it cannot handle (blank, or
 * containing "forbidden") fails the callback ({@link DurableEngine#failCallback}) instead.
 */
public final class FakeModel implements AutoCloseable {

    private final Duration heartbeatEvery;
    private final Duration minThink;
    private final Duration maxThink;
    private final PrintStream log;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-model");
        t.setDaemon(true);
        return t;
    });
    private final List<String> heartbeats = new CopyOnWriteArrayList<>();
    private volatile DurableEngine engine;

    /**
     * @param heartbeatEvery how often it heartbeats while thinking
     * @param minThink       the shortest it thinks
     * @param maxThink       the longest it thinks
     * @param log            where it reports what it does
     */
    public FakeModel(Duration heartbeatEvery, Duration minThink, Duration maxThink, PrintStream log) {
        this.heartbeatEvery = heartbeatEvery;
        this.minThink = minThink;
        this.maxThink = maxThink;
        this.log = log;
    }

    /** The engine it sends heartbeats and answers to. */
    public void connect(DurableEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Accepts a prompt and answers it later through the callback. Returns at once. */
    public void submit(String callbackId, String prompt) {
        log.printf("[model] accepted callback %s: \"%s\"%n", shortId(callbackId), prompt);
        executor.execute(() -> answer(callbackId, prompt));
    }

    /** The heartbeats sent so far, one line each. */
    public List<String> heartbeats() {
        return List.copyOf(heartbeats);
    }

    private void answer(String callbackId, String prompt) {
        try {
            if (prompt.isBlank() || prompt.toLowerCase(Locale.ROOT).contains("forbidden")) {
                TimeUnit.MILLISECONDS.sleep(Math.min(300, minThink.toMillis()));
                String why = prompt.isBlank() ? "the prompt is empty" : "prompts about forbidden topics are refused";
                engine.failCallback(callbackId, "UnsupportedPrompt", why);
                log.printf("[model] failed callback %s: UnsupportedPrompt: %s%n", shortId(callbackId), why);
                return;
            }
            long thinkMs = ThreadLocalRandom.current().nextLong(minThink.toMillis(), maxThink.toMillis() + 1);
            long start = System.nanoTime();
            long elapsed;
            while ((elapsed = (System.nanoTime() - start) / 1_000_000) < thinkMs) {
                TimeUnit.MILLISECONDS.sleep(Math.min(heartbeatEvery.toMillis(), thinkMs - elapsed));
                elapsed = (System.nanoTime() - start) / 1_000_000;
                if (elapsed < thinkMs) {
                    engine.heartbeatCallback(callbackId);
                    String line = String.format("heartbeat for callback %s at %s of %s thinking", shortId(callbackId),
                            OperationsTable.format(Duration.ofMillis(elapsed)),
                            OperationsTable.format(Duration.ofMillis(thinkMs)));
                    heartbeats.add(line);
                    log.println("[model] " + line);
                }
            }
            engine.completeCallback(callbackId, markdown(prompt));
            log.printf("[model] completed callback %s after %s%n", shortId(callbackId),
                    OperationsTable.format(Duration.ofMillis(thinkMs)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.printf("[model] could not answer callback %s: %s%n", shortId(callbackId), e);
        }
    }

    private static String markdown(String prompt) {
        return "## Answer\n\n"
                + "> " + prompt + "\n\n"
                + "- **Checkpoints**: every step's result is written to the database before the code sees it.\n"
                + "- **Replay**: after a restart the function runs again from the top; finished steps return their"
                + " recorded results instead of running.\n"
                + "- **Suspension**: waits and callbacks hold no thread; a timer or a completion resumes the"
                + " execution.\n";
    }

    static String shortId(String callbackId) {
        return callbackId.length() <= 8 ? callbackId : callbackId.substring(0, 8) + "...";
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
