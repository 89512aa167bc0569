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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "external system" of the {@code callback} sample: a stand-in for a model service, running on threads of
 * its own. It accepts a prompt with a callback id and returns at once; then it "thinks" for a while, sending a
 * heartbeat ({@link DurableEngine#heartbeatCallback}) every {@code heartbeatEvery}, and completes the callback
 * with a Markdown answer ({@link DurableEngine#completeCallback}). A prompt it cannot handle (blank, or
 * containing "forbidden") fails the callback ({@link DurableEngine#failCallback}) instead.
 *
 * <p>The {@code fanout} sample uses it as a summarization service ({@link #summarize}): a document it cannot read
 * (empty, or a binary file such as a PDF) fails the callback with {@code UnprocessableDocument}. The model counts
 * the calls it is working on ({@link #inFlight()}) and the most it ever had at once ({@link #maxInFlight()}): a
 * call is in flight from {@code submit}/{@code summarize} until the model has its answer, just before it hands the
 * answer to the engine (so that the engine cannot start the next call while this one still counts).
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
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> documents = new CopyOnWriteArrayList<>();
    private volatile boolean logHeartbeats = true;
    private final long createdAt = System.nanoTime();
    private volatile DurableEngine engine;
    private volatile boolean answers = true;

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

    /**
     * A model that records the calls it is given but never answers them: a test answers them itself, through the
     * callbacks (as the test kit's {@code completeCallback} does).
     *
     * @param log where it reports the calls it accepts
     */
    public static FakeModel silent(PrintStream log) {
        FakeModel model = new FakeModel(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1), log);
        model.answers = false;
        return model;
    }

    /** Whether each heartbeat is logged (it is by default); they are recorded in {@link #heartbeats()} anyway. */
    public FakeModel logHeartbeats(boolean logHeartbeats) {
        this.logHeartbeats = logHeartbeats;
        return this;
    }

    /** Accepts a prompt and answers it later through the callback. Returns at once. */
    public void submit(String callbackId, String prompt) {
        int now = begin();
        log.printf("[model] accepted callback %s: \"%s\" (calls in flight: %d)%n", shortId(callbackId), prompt, now);
        if (answers) {
            executor.execute(() -> answer(callbackId, prompt));
        }
    }

    /**
     * Accepts a document to summarize and answers later through the callback, with a one-line summary, or by
     * failing the callback with {@code UnprocessableDocument} if the document is empty or binary. Returns at once.
     *
     * @param callbackId the callback to complete
     * @param documentId the document's id, for the log
     * @param text       the document
     */
    public void summarize(String callbackId, String documentId, String text) {
        synchronized (documents) { // so that the accept lines come out in the order of their counts
            int now = begin();
            documents.add(documentId);
            log.printf("%s [model] accepted %s (callback %s), calls in flight: %d, most so far: %d%n", elapsed(),
                    documentId, shortId(callbackId), now, maxInFlight.get());
        }
        if (answers) {
            executor.execute(() -> summarizeLater(callbackId, documentId, text));
        }
    }

    /** The heartbeats sent so far, one line each. */
    public List<String> heartbeats() {
        return List.copyOf(heartbeats);
    }

    /** The calls the model is working on now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most calls the model was ever working on at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The ids of the documents it accepted through {@link #summarize}, in order. */
    public List<String> documents() {
        return List.copyOf(documents);
    }

    /** The calls it accepted in all ({@code submit} and {@code summarize}). */
    public int calls() {
        return calls.get();
    }

    /**
     * The summary the model gives of a document, or {@code null} if it cannot process it: the same for the same
     * text, so that a caller can check what came back.
     */
    public static String summaryOf(String text) {
        if (unprocessable(text) != null) {
            return null;
        }
        String trimmed = text.strip();
        int end = trimmed.indexOf('.');
        String first = end < 0 ? trimmed : trimmed.substring(0, end + 1);
        if (first.length() > 60) {
            first = first.substring(0, 57) + "...";
        }
        int words = trimmed.split("\\s+").length;
        return words + " words: " + first;
    }

    /** Why the model cannot process a document, or {@code null} if it can. */
    public static String unprocessable(String text) {
        if (text == null || text.isBlank()) {
            return "the document is empty";
        }
        if (text.startsWith("%PDF-") || text.indexOf('\u0000') >= 0) {
            return "the document is binary (" + (text.startsWith("%PDF-") ? "a PDF" : "NUL bytes") + "), not text";
        }
        return null;
    }

    private int begin() {
        calls.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        return now;
    }

    /** The model has its answer: the call no longer counts, before the engine hears of it. */
    private int end() {
        return inFlight.decrementAndGet();
    }

    private void answer(String callbackId, String prompt) {
        boolean ended = false;
        try {
            if (prompt.isBlank() || prompt.toLowerCase(Locale.ROOT).contains("forbidden")) {
                TimeUnit.MILLISECONDS.sleep(Math.min(300, minThink.toMillis()));
                String why = prompt.isBlank() ? "the prompt is empty" : "prompts about forbidden topics are refused";
                end();
                ended = true;
                engine.failCallback(callbackId, "UnsupportedPrompt", why);
                log.printf("[model] failed callback %s: UnsupportedPrompt: %s%n", shortId(callbackId), why);
                return;
            }
            long thinkMs = think(callbackId);
            end();
            ended = true;
            engine.completeCallback(callbackId, markdown(prompt));
            log.printf("[model] completed callback %s after %s%n", shortId(callbackId),
                    OperationsTable.format(Duration.ofMillis(thinkMs)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.printf("[model] could not answer callback %s: %s%n", shortId(callbackId), e);
        } finally {
            if (!ended) {
                end();
            }
        }
    }

    private void summarizeLater(String callbackId, String documentId, String text) {
        boolean ended = false;
        try {
            long thinkMs = think(callbackId);
            String why = unprocessable(text);
            int left = end();
            ended = true;
            if (why != null) {
                engine.failCallback(callbackId, "UnprocessableDocument", why);
                log.printf("%s [model] failed %s after %s: UnprocessableDocument: %s (calls in flight: %d)%n",
                        elapsed(), documentId, OperationsTable.format(Duration.ofMillis(thinkMs)), why, left);
            } else {
                engine.completeCallback(callbackId, summaryOf(text));
                log.printf("%s [model] summarized %s after %s (calls in flight: %d)%n", elapsed(), documentId,
                        OperationsTable.format(Duration.ofMillis(thinkMs)), left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.printf("[model] could not answer %s (callback %s): %s%n", documentId, shortId(callbackId), e);
        } finally {
            if (!ended) {
                end();
            }
        }
    }

    /** Thinks for a random time from minThink to maxThink, heartbeating; returns how long, in ms. */
    private long think(String callbackId) throws InterruptedException {
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
                if (logHeartbeats) {
                    log.println("[model] " + line);
                }
            }
        }
        return thinkMs;
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

    /** Seconds since the model was created, for its log. */
    private String elapsed() {
        return String.format("%6.2f s", (System.nanoTime() - createdAt) / 1e9);
    }

    static String shortId(String callbackId) {
        return callbackId.length() <= 8 ? callbackId : callbackId.substring(0, 8) + "...";
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
