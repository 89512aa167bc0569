package dev.cairn.jdbc.faults;

import dev.cairn.jdbc.ChildJvm;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A {@link SoakNode} JVM of the soak, across its restarts under one node id: its proxy, the commands sent to its
 * stdin, and its output, which is appended to {@code <nodeId>.out} (stdout) and {@code <nodeId>.err} (the engine's
 * log) and handed line by line to a listener.
 */
final class SoakProcess implements AutoCloseable {

    private final String nodeId;
    private final TcpProxy proxy;
    private final List<String> args;
    private final BiConsumer<String, String> onLine;
    private final Path out;
    private final Path err;
    private Process process;
    private Writer stdin;
    /** Starts sent to the running JVM and not answered yet; a new counter for each JVM. */
    private AtomicInteger pending = new AtomicInteger();
    private volatile boolean up;

    /** {@code args} are {@link SoakNode}'s arguments after the proxy port, which comes from {@code proxy}. */
    SoakProcess(String nodeId, TcpProxy proxy, Path logs, List<String> args, BiConsumer<String, String> onLine) {
        this.nodeId = nodeId;
        this.proxy = proxy;
        this.args = args;
        this.onLine = onLine;
        this.out = logs.resolve(nodeId + ".out");
        this.err = logs.resolve(nodeId + ".err");
    }

    String nodeId() {
        return nodeId;
    }

    TcpProxy proxy() {
        return proxy;
    }

    /** Launches the JVM and waits until its engine has started. */
    void start() throws IOException, InterruptedException {
        List<String> nodeArgs = new ArrayList<>(List.of(Integer.toString(proxy.port())));
        nodeArgs.addAll(args);
        Process p = new ProcessBuilder(ChildJvm.command(SoakNode.class, nodeArgs))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        AtomicInteger answers = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> read(p, answers, started), "soak-read-" + nodeId);
        reader.setDaemon(true);
        reader.start();
        if (!started.await(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(nodeId + " did not start within 60 s; see " + err);
        }
        synchronized (this) {
            process = p;
            stdin = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            pending = answers;
            up = true;
        }
    }

    /** Sends a command line; false if the node is down. */
    synchronized boolean send(String line) {
        if (!up) {
            return false;
        }
        pending.incrementAndGet();
        try {
            stdin.write(line + "\n");
            stdin.flush();
            return true;
        } catch (IOException e) {
            pending.decrementAndGet();
            up = false;
            return false;
        }
    }

    /** Whether the node is down or has answered every start sent to it. */
    boolean idle() {
        return !up || pending.get() <= 0;
    }

    /** SIGKILL ({@code destroyForcibly} on Linux), and waits for the JVM to be gone. */
    void kill() throws InterruptedException {
        Process p;
        synchronized (this) {
            up = false;
            p = process;
        }
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            proxy.close();
        }
    }

    private void read(Process p, AtomicInteger answers, CountDownLatch started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(System.currentTimeMillis() + " " + line + "\n");
                log.flush();
                if (line.startsWith(SoakNode.STARTED)) {
                    started.countDown();
                } else if (line.startsWith("ACK ") || line.startsWith("FAIL ")) {
                    answers.decrementAndGet();
                }
                onLine.accept(nodeId, line);
            }
        } catch (IOException e) {
            // the JVM was killed
        }
    }
}
