package dev.cairn.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.DurableEngine;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Launching a JVM with the test classpath, for the tests that kill real processes (crash and cluster tests), and
 * reading its output.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The command line to run {@code main} with {@code args} in a JVM with this test's classpath. */
    public static List<String> command(Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", classpath(),
                main.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * In a child JVM: halts it (exit code 3) after {@code maxSeconds}, printing {@code TIME LIMIT} through
     * {@code out} first, so that a child a test forgot cannot outlive it.
     */
    public static void haltAfter(long maxSeconds, java.util.function.Consumer<String> out) {
        Thread limit = new Thread(() -> {
            try {
                java.util.concurrent.TimeUnit.SECONDS.sleep(maxSeconds);
                out.accept("TIME LIMIT");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "time-limit");
        limit.setDaemon(true);
        limit.start();
    }

    /** A file's text, or "" if it does not exist. */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last line of a file that starts with {@code prefix}, or null. */
    public static String lastLine(Path file, String prefix) {
        String found = null;
        for (String line : read(file).split("\n")) {
            if (line.startsWith(prefix)) {
                found = line;
            }
        }
        return found;
    }

    /** The last {@code keep} lines of each file, for failure messages. */
    public static String tails(List<Path> files, int keep) {
        StringBuilder sb = new StringBuilder();
        for (Path file : files) {
            String[] lines = read(file).split("\n");
            sb.append("----- ").append(file.getFileName()).append(" (last ").append(Math.min(keep, lines.length))
                    .append(" of ").append(lines.length).append(" lines)\n");
            for (int i = Math.max(0, lines.length - keep); i < lines.length; i++) {
                sb.append(lines[i]).append('\n');
            }
        }
        return sb.toString();
    }

    /** The java binary of this JVM. */
    public static String javaBinary() {
        String command = ProcessHandle.current().info().command().orElse(null);
        if (command != null && Files.isExecutable(Path.of(command))) {
            return command;
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The test classpath. In a surefire fork {@code java.class.path} may be only the booter jar, whose manifest
     * lists the real classpath; surefire also sets {@code surefire.test.class.path}. The code sources of the
     * classes the child needs are added in any case.
     */
    public static String classpath() throws IOException {
        LinkedHashSet<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"surefire.test.class.path", "java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                continue;
            }
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry).toAbsolutePath().toString());
                    entries.addAll(manifestClassPath(Path.of(entry)));
                }
            }
        }
        for (Class<?> needed : new Class<?>[] {ChildJvm.class, JdbcExecutionStore.class, DurableEngine.class,
                HikariDataSource.class, org.h2.Driver.class, org.postgresql.Driver.class, org.mariadb.jdbc.Driver.class,
                org.slf4j.LoggerFactory.class, ObjectMapper.class}) {
            CodeSource source = needed.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                try {
                    entries.add(Path.of(source.getLocation().toURI()).toAbsolutePath().toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file: rely on the properties
                }
            }
        }
        entries.removeIf(e -> !Files.exists(Path.of(e)));
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> manifestClassPath(Path entry) throws IOException {
        List<String> result = new ArrayList<>();
        if (!Files.isRegularFile(entry) || !entry.getFileName().toString().endsWith(".jar")) {
            return result;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return result;
            }
            URI base = entry.toAbsolutePath().getParent().toUri();
            for (String item : classPath.trim().split("\\s+")) {
                try {
                    result.add(Path.of(base.resolve(item)).toAbsolutePath().toString());
                } catch (IllegalArgumentException e) {
                    // not a file URI
                }
            }
        }
        return result;
    }
}
