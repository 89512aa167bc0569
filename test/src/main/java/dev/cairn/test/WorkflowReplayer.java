package dev.cairn.test;

import dev.cairn.DurableFunction;
import dev.cairn.ErrorInfo;
import dev.cairn.ExecutionStatus;
import dev.cairn.NonDeterministicExecutionException;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.ExecutionRecord;
import dev.cairn.spi.ExecutionStore;
import dev.cairn.spi.NewExecution;
import dev.cairn.spi.OperationRecord;
import dev.cairn.spi.Transition;
import dev.cairn.testing.InMemoryExecutionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Replays recorded executions against new code, so that a change that would break executions still running in
 * production fails a test first.
 *
 * <pre>{@code
 * // once, from a test or from production: keep the document under src/test/resources/histories/
 * String json = testEngine.exportHistory(executionId);      // or WorkflowReplayer.exportHistory(store, id)
 *
 * // in CI, for every document kept:
 * WorkflowReplayer.replayAll("histories", new OrderWorkflow(), new RefundWorkflow());
 * }</pre>
 *
 * <p>A replay loads the document into a fresh in-memory store and runs the new code on an engine over it, as the
 * engine would resume the execution: every operation is checked against its checkpoint, and a mismatch fails with
 * the {@link NonDeterministicExecutionException} (the same message) that the execution would fail with. Nothing the
 * code does has effects: recorded steps return their checkpoints, and a step, submitter or condition check that the
 * record does not cover (the code goes on past it) is not run; the replay ends there and passes.
 */
public final class WorkflowReplayer {

    private static final String OWNER = "cairn-replayer";

    private WorkflowReplayer() {
    }

    /**
     * The recorded checkpoints of an execution in {@code store} as a JSON document: the execution (function, input,
     * status), its operations and its callbacks. Stable: the same checkpoints give the same text.
     *
     * @throws dev.cairn.UnknownExecutionException if there is no such execution
     */
    public static String exportHistory(ExecutionStore store, String executionId) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(executionId, "executionId");
        return HistoryJson.export(store, executionId);
    }

    /**
     * Replays a recorded execution against {@code function}, which must be registered under the name the record
     * gives (its {@code @DurableWorkflow} name or class name).
     *
     * @param json     a document from {@link #exportHistory} or {@link TestEngine#exportHistory}
     * @param function the new code: a fresh instance, whose step bodies are not run
     * @throws NonDeterministicExecutionException if the code no longer fits the checkpoints, with the message the
     *                                            engine would fail the execution with
     * @throws AssertionError                     if the replay failed otherwise where the recorded execution did not
     *                                            (a checkpointed value the new code cannot read, say)
     * @throws IllegalArgumentException           if {@code json} is not a history document, or is of another function
     */
    public static void replay(String json, DurableFunction<?, ?> function) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(function, "function");
        HistoryJson.Recorded recorded = HistoryJson.parse(json);
        ExecutionRecord x = recorded.execution();
        if (!x.function().equals(FunctionTypes.nameOf(function))) {
            throw new IllegalArgumentException("the history of execution " + x.id() + " is of function '"
                    + x.function() + "', not of '" + FunctionTypes.nameOf(function) + "' ("
                    + function.getClass().getName() + ")");
        }
        Instant at = latest(recorded);
        InMemoryExecutionStore scratch = new InMemoryExecutionStore();
        RecordOnlyContext.Probe probe = new RecordOnlyContext.Probe();
        try (TestEngine engine = TestEngine.owning(scratch, scratch, at)) {
            registerReplaying(engine, x.function(), function, probe);
            // The execution as it was, held by a node that is gone: released, it is claimed and replayed at once.
            scratch.createExecution(new NewExecution(x.id(), null, x.function(), x.input(), x.createdAt(), OWNER,
                    Instant.now().plusSeconds(3600), null));
            scratch.commit(List.of(new Checkpoint(x.id(), 1, recorded.operations(), List.of(), recorded.callbacks(),
                    Transition.release(at), at)));
            ExecutionRecord row = engine.settle(x.id());
            NonDeterministicExecutionException mismatch = probe.nonDeterminism;
            if (mismatch == null && row.status() == ExecutionStatus.FAILED && row.error() != null
                    && NonDeterministicExecutionException.class.getName().equals(row.error().type())) {
                throw new NonDeterministicExecutionException(x.id(), null, row.error().message());
            }
            if (mismatch != null) {
                NonDeterministicExecutionException again = new NonDeterministicExecutionException(
                        mismatch.executionId(), mismatch.operationId(), mismatch.getMessage());
                again.addSuppressed(mismatch);
                throw again;
            }
            if (probe.pastRecord == null && row.status() == ExecutionStatus.FAILED && !sameFailure(x, row.error())) {
                throw new AssertionError("replaying execution " + x.id() + " of '" + x.function() + "' with "
                        + function.getClass().getName() + " failed where the recorded execution ("
                        + x.status() + ") did not: " + (row.error() == null ? "" : row.error().summary()));
            }
        }
    }

    /**
     * Replays every {@code .json} document under {@code directory} (and its subdirectories), each against the
     * function among {@code functions} whose name it records, and reports every failure at once.
     *
     * @throws AssertionError if a replay failed, if a document's function is not among {@code functions}, or if there
     *                        is no document at all (a wrong directory); each failure is attached as suppressed
     */
    public static void replayAll(Path directory, DurableFunction<?, ?>... functions) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no directory " + directory.toAbsolutePath());
        }
        Map<String, DurableFunction<?, ?>> byName = new LinkedHashMap<>();
        for (DurableFunction<?, ?> function : functions) {
            byName.put(FunctionTypes.nameOf(Objects.requireNonNull(function, "function")), function);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        if (files.isEmpty()) {
            throw new AssertionError("no history documents (*.json) under " + directory + ": nothing was replayed");
        }
        List<String> failures = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        for (Path file : files) {
            String name = directory.relativize(file).toString();
            try {
                String json = Files.readString(file, StandardCharsets.UTF_8);
                String function = HistoryJson.parse(json).execution().function();
                DurableFunction<?, ?> fn = byName.get(function);
                if (fn == null) {
                    throw new IllegalArgumentException("it records function '" + function + "', which is not among"
                            + " the functions given: " + byName.keySet());
                }
                replay(json, fn);
            } catch (IOException e) {
                failures.add(name + ": cannot be read: " + e.getMessage());
                causes.add(e);
            } catch (RuntimeException | AssertionError e) {
                failures.add(name + ": " + e.getMessage());
                causes.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " of " + files.size() + " recorded histories"
                    + " under " + directory + " do not replay on the new code:\n  " + String.join("\n  ", failures));
            causes.forEach(error::addSuppressed);
            throw error;
        }
    }

    /**
     * {@link #replayAll(Path, DurableFunction[])} for a folder on the class path, such as {@code "histories"} for
     * {@code src/test/resources/histories}.
     *
     * @throws IllegalArgumentException if there is no such folder on the class path
     */
    public static void replayAll(String classpathFolder, DurableFunction<?, ?>... functions) {
        Objects.requireNonNull(classpathFolder, "classpathFolder");
        String folder = classpathFolder.startsWith("/") ? classpathFolder.substring(1) : classpathFolder;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL url = (loader != null ? loader : WorkflowReplayer.class.getClassLoader()).getResource(folder);
        if (url == null) {
            throw new IllegalArgumentException("no folder '" + folder + "' on the class path; keep the documents under"
                    + " src/test/resources/" + folder);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                replayAll(jar.getPath(folder), functions);
            } else {
                replayAll(Path.of(uri), functions);
            }
        } catch (URISyntaxException | IOException e) {
            throw new IllegalArgumentException("cannot open folder '" + folder + "' of the class path (" + url + ")", e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerReplaying(TestEngine engine, String name, DurableFunction<?, ?> function,
            RecordOnlyContext.Probe probe) {
        DurableFunction<Object, Object> code = (DurableFunction<Object, Object>) function;
        Class input = FunctionTypes.raw(FunctionTypes.inputType(function));
        Class output = FunctionTypes.raw(FunctionTypes.outputType(function));
        engine.register(name, input, output, (in, ctx) -> code.handle(in, new RecordOnlyContext(ctx, probe)));
    }

    private static boolean sameFailure(ExecutionRecord recorded, ErrorInfo now) {
        return recorded.status() == ExecutionStatus.FAILED && recorded.error() != null && now != null
                && recorded.error().type().equals(now.type());
    }

    /** The latest time the record mentions: the replay's clock stands there, as the engine's did at the export. */
    private static Instant latest(HistoryJson.Recorded recorded) {
        ExecutionRecord x = recorded.execution();
        Instant at = x.createdAt();
        at = later(at, x.updatedAt());
        at = later(at, x.endedAt());
        for (OperationRecord op : recorded.operations()) {
            at = later(at, op.startedAt());
            at = later(at, op.endedAt());
        }
        return at;
    }

    private static Instant later(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }
}
