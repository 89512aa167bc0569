package dev.cairn.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's page: an HTML file, its script and its style sheet, served from the jar as they are. They are read
 * once, when the handler is built.
 */
public final class PageResources {

    /** One file of the page. */
    public record Resource(String contentType, byte[] bytes) {
    }

    private final Map<String, Resource> byPath;

    private PageResources(Map<String, Resource> byPath) {
        this.byPath = byPath;
    }

    /** Reads the page's files from {@code dev/cairn/console/} on the class path or in the module. */
    public static PageResources load() {
        return new PageResources(Map.of(
                "/", read("index.html", "text/html; charset=utf-8"),
                "/console.js", read("console.js", "text/javascript; charset=utf-8"),
                "/console.css", read("console.css", "text/css; charset=utf-8")));
    }

    /** The file served at a path below the console's root, or {@code null}. */
    public Resource at(String path) {
        return byPath.get(path);
    }

    private static Resource read(String name, String contentType) {
        try (InputStream in = dev.cairn.console.ConsoleHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from its jar"
                        + " (dev/cairn/console/" + name + ")");
            }
            return new Resource(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the console's " + name, e);
        }
    }
}
