package dev.cairn.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The command-line arguments of a sample: {@code --name value} options (always {@code --data DIR}, plus the
 * sample's own) and positional arguments.
 */
final class SampleArgs {

    /** A bad command line: the launcher prints the message and exits with status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> options;
    private final List<String> positional;

    private SampleArgs(Map<String, String> options, List<String> positional) {
        this.options = options;
        this.positional = positional;
    }

    /**
     * Parses {@code args}, accepting {@code --data} and the given option names (without their dashes).
     *
     * @throws UsageException for an unknown option or one without a value
     */
    static SampleArgs parse(String[] args, String... optionNames) {
        return parse(args, Set.of(), optionNames);
    }

    /**
     * Parses {@code args}, accepting {@code --data}, the given option names, and the given flags: options without
     * a value, such as {@code --map} ({@link #flag(String)}).
     *
     * @throws UsageException for an unknown option or one without a value
     */
    static SampleArgs parse(String[] args, Set<String> flags, String... optionNames) {
        Set<String> known = new java.util.HashSet<>(List.of(optionNames));
        known.addAll(flags);
        known.add("data");
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name + " (options: --" + String.join(", --",
                        known.stream().sorted().toList()) + ")");
            }
            if (value == null && flags.contains(name)) {
                value = "true";
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            options.put(name, value);
        }
        return new SampleArgs(options, List.copyOf(positional));
    }

    /** Whether a flag was given ({@code --name}, or {@code --name=true}). */
    boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "false"));
    }

    /** The positional arguments. */
    List<String> positional() {
        return positional;
    }

    /** {@code --data DIR}, or {@code cairn-data/<sample>} under the current directory. */
    Path dataDir(String sample) {
        String dir = options.get("data");
        return (dir != null ? Path.of(dir) : Path.of("cairn-data", sample)).toAbsolutePath().normalize();
    }

    /** {@link #dataDir(String)}, deleted first if it exists, so that the run starts from an empty database. */
    Path freshDataDir(String sample) {
        Path dir = dataDir(sample);
        deleteRecursively(dir);
        return dir;
    }

    /** An option's value as given, or {@code defaultValue}. */
    String option(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    /** Whether an option was given. */
    boolean has(String name) {
        return options.containsKey(name);
    }

    /** A string option, or {@code defaultValue}. */
    String string(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    /** One of {@code choices}, or {@code defaultValue}. */
    String choice(String name, String defaultValue, List<String> choices) {
        String value = options.getOrDefault(name, defaultValue);
        if (!choices.contains(value)) {
            throw new UsageException("--" + name + " must be one of " + String.join(", ", choices) + ", was '" + value
                    + "'");
        }
        return value;
    }

    /** A comma-separated list of positive integers ({@code 1,16}), or {@code defaultValue}. */
    List<Integer> positiveInts(String name, List<Integer> defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        List<Integer> result = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1) {
                    throw new UsageException("--" + name + " values must be at least 1, was " + n);
                }
                result.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a number or a comma-separated list of numbers, was '"
                        + value + "'");
            }
        }
        return List.copyOf(result);
    }

    /** A positive integer option, or {@code defaultValue}. */
    int positiveInt(String name, int defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException("--" + name + " must be at least 1, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + value + "'");
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
