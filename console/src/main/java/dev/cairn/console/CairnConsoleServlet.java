package dev.cairn.console;

import dev.cairn.DurableEngine;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * The console as a Jakarta Servlet (6.0 and later), for a servlet container or Spring Boot, mounted under any path
 * with a {@code /*} mapping. Authentication is the container's: the request's user principal is the
 * {@link ConsoleRequest#principal()} the {@link ConsoleAuthorizer} sees.
 *
 * <pre>{@code
 * // Spring Boot
 * @Bean
 * ServletRegistrationBean<CairnConsoleServlet> cairnConsole(DurableEngine engine) {
 *     return new ServletRegistrationBean<>(new CairnConsoleServlet(ConsoleHandler.builder(engine)
 *             .actionsEnabled(true).authorizer(...).build()), "/cairn/*");
 * }
 * }</pre>
 *
 * <p>A request for the mount point itself ({@code /cairn}) is redirected to {@code /cairn/}, where the page's
 * relative links resolve.
 */
public class CairnConsoleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The console; not serialized, as a servlet that is never moved between JVMs has no need to. */
    private final transient ConsoleHandler handler;

    /** A read-only console on this engine, with the defaults of {@link ConsoleHandler#builder}. */
    public CairnConsoleServlet(DurableEngine engine) {
        this(ConsoleHandler.builder(engine).build());
    }

    /** A servlet serving this console. */
    public CairnConsoleServlet(ConsoleHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Answers every method: the handler says which a path takes. */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = pathBelowMount(req);
        if (path == null) {
            String query = req.getQueryString();
            resp.setHeader("Location", req.getRequestURI() + "/" + (query == null ? "" : "?" + query));
            resp.setStatus(308);
            return;
        }
        byte[] body = req.getInputStream().readNBytes(handler.maxBodyBytes() + 1);
        ConsoleResponse response;
        if (body.length > handler.maxBodyBytes()) {
            response = ConsoleHandler.refusal(413, "the body has more than " + handler.maxBodyBytes() + " bytes",
                    Map.of());
        } else {
            ConsoleRequest.Builder request = ConsoleRequest.builder(req.getMethod(), path)
                    .query(req.getQueryString()).body(body).principal(req.getUserPrincipal());
            for (String name : Collections.list(req.getHeaderNames())) {
                for (String value : Collections.list(req.getHeaders(name))) {
                    request.header(name, value);
                }
            }
            response = handler.handle(request.build());
        }
        resp.setStatus(response.status());
        response.headers().forEach(resp::setHeader);
        if (!req.getMethod().equalsIgnoreCase("HEAD") && response.bodyLength() > 0) {
            resp.setContentLength(response.bodyLength());
            try (OutputStream out = resp.getOutputStream()) {
                out.write(response.body());
            }
        }
    }

    /**
     * The path below the console's mount point, starting with {@code /}; {@code null} for the mount point itself
     * without its slash.
     */
    private static String pathBelowMount(HttpServletRequest req) {
        HttpServletMapping mapping = req.getHttpServletMapping();
        if (mapping != null && mapping.getMappingMatch() == MappingMatch.DEFAULT) {
            // mapped as "/": the whole path within the application is the servlet path
            String servletPath = req.getServletPath();
            return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
        }
        if (mapping != null && mapping.getMappingMatch() == MappingMatch.CONTEXT_ROOT) {
            return "/";
        }
        String pathInfo = req.getPathInfo();
        return pathInfo == null || pathInfo.isEmpty() ? null : pathInfo;
    }
}
