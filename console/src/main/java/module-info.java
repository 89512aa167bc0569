/**
 * Cairn's console: a web page and a JSON API inside the application, to list executions, follow their histories
 * and timelines, and (when enabled) cancel them or complete their callbacks. {@code dev.cairn.console} holds the
 * framework-neutral {@link dev.cairn.console.ConsoleHandler}, the server on the JDK's {@code com.sun.net.httpserver}
 * ({@link dev.cairn.console.CairnConsole}) and a Jakarta Servlet ({@link dev.cairn.console.CairnConsoleServlet},
 * for which the servlet container brings the API).
 */
module dev.cairn.console {
    requires transitive dev.cairn.engine;
    requires jdk.httpserver;
    requires static transitive jakarta.servlet;

    exports dev.cairn.console;
}
