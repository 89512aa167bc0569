package dev.cairn.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.CallbackDescription;
import dev.cairn.ExecutionHandle;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link CairnConsoleServlet}, driven the way a container drives a servlet mapped at {@code /ops/cairn/*} in an
 * application at {@code /app}: the request says its context path, servlet path and path info as a container
 * would. The fakes implement only what the servlet may call; anything else fails the test, so a servlet that comes
 * to rely on more is noticed here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServletTest {

    private Workflows workflows;

    @BeforeAll
    void startEngine() {
        workflows = new Workflows();
    }

    @AfterAll
    void closeEngine() {
        workflows.close();
    }

    /** What the fake response received. */
    static final class Answer {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        Integer contentLength;

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** A request as a container hands it over. */
    record Call(String method, String pathInfo, String query, Map<String, String> headers, String body,
                Principal principal, MappingMatch match) {
        static Call get(String pathInfo) {
            return new Call("GET", pathInfo, null, Map.of("Host", "shop.example:8443"), "", null, MappingMatch.PATH);
        }
    }

    private static Answer serve(CairnConsoleServlet servlet, Call call) throws Exception {
        Answer answer = new Answer();
        String servletPath = call.match() == MappingMatch.DEFAULT ? call.pathInfo() : "/ops/cairn";
        String pathInfo = call.match() == MappingMatch.DEFAULT ? null : call.pathInfo();
        String requestUri = "/app" + servletPath + (pathInfo == null ? "" : pathInfo);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(call.headers());
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        HttpServletMapping mapping = fake(HttpServletMapping.class, (name, args) -> switch (name) {
            case "getMappingMatch" -> call.match();
            default -> unexpected(name);
        });
        HttpServletRequest request = fake(HttpServletRequest.class, (name, args) -> switch (name) {
            case "getMethod" -> call.method();
            case "getPathInfo" -> pathInfo;
            case "getServletPath" -> servletPath;
            case "getContextPath" -> "/app";
            case "getRequestURI" -> requestUri;
            case "getQueryString" -> call.query();
            case "getHttpServletMapping" -> mapping;
            case "getUserPrincipal" -> call.principal();
            case "getHeaderNames" -> Collections.enumeration(headers.keySet());
            case "getHeaders" -> Collections.enumeration(headers.containsKey((String) args[0])
                    ? List.of(headers.get((String) args[0])) : List.of());
            case "getHeader" -> headers.get((String) args[0]);
            case "getInputStream" -> new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            default -> unexpected(name);
        });
        HttpServletResponse response = fake(HttpServletResponse.class, (name, args) -> {
            switch (name) {
                case "setStatus" -> answer.status = (Integer) args[0];
                case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                case "setContentLength" -> answer.contentLength = (Integer) args[0];
                case "getOutputStream" -> {
                    return new ServletOutputStream() {
                        @Override
                        public void write(int b) {
                            answer.body.write(b);
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setWriteListener(WriteListener listener) {
                            throw new UnsupportedOperationException();
                        }
                    };
                }
                default -> unexpected(name);
            }
            return null;
        });
        servlet.service(request, response);
        return answer;
    }

    private interface Calls {
        Object call(String method, Object[] args);
    }

    private static <T> T fake(Class<T> type, Calls calls) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> calls.call(method.getName(), args == null ? new Object[0] : args)));
    }

    private static Object unexpected(String method) {
        throw new UnsupportedOperationException("the fake servlet API does not offer " + method);
    }

    @Test
    void servesThePageAndTheApiBelowItsMountPoint() throws Exception {
        CairnConsoleServlet servlet = new CairnConsoleServlet(workflows.engine);
        Answer page = serve(servlet, Call.get("/"));
        assertEquals(200, page.status);
        assertTrue(page.text().contains("<title>Cairn console</title>"));
        assertEquals("text/html; charset=utf-8", page.headers.get("Content-Type"));
        assertTrue(page.headers.get("Content-Security-Policy").contains("frame-ancestors 'none'"));
        assertEquals(page.body.size(), page.contentLength);

        ExecutionHandle<String> h = workflows.greeting("servlet");
        h.result(Duration.ofSeconds(10));
        Answer list = serve(servlet, new Call("GET", "/api/executions", "function=greeting&limit=5",
                Map.of(), "", null, MappingMatch.PATH));
        assertEquals(200, list.status, list.text());
        assertTrue(list.text().contains(h.executionId()), list.text());
        assertEquals("no-store", list.headers.get("Cache-Control"));

        Answer bad = serve(servlet, new Call("GET", "/api/executions", "limit=zero", Map.of(), "", null,
                MappingMatch.PATH));
        assertEquals(400, bad.status);
        assertTrue(bad.text().contains("limit must be a whole number"), bad.text());
        assertEquals(404, serve(servlet, Call.get("/api/executions/unknown")).status);
    }

    @Test
    void theMountPointWithoutItsSlashIsRedirectedSoThatThePageLinksResolve() throws Exception {
        Answer r = serve(new CairnConsoleServlet(workflows.engine), new Call("GET", null, "x=1", Map.of(), "", null,
                MappingMatch.PATH));
        assertEquals(308, r.status);
        assertEquals("/app/ops/cairn/?x=1", r.headers.get("Location"));
    }

    @Test
    void mappedAsTheDefaultServletTheServletPathIsThePath() throws Exception {
        Answer r = serve(new CairnConsoleServlet(workflows.engine), new Call("GET", "/api/stats", null, Map.of(), "",
                null, MappingMatch.DEFAULT));
        assertEquals(200, r.status, r.text());
        assertTrue(r.text().contains("\"counts\""), r.text());
    }

    @Test
    void actionsGoThroughTheSameChecksAndTheContainersPrincipalReachesTheAuthorizer() throws Exception {
        ExecutionHandle<String> order = workflows.order("lamp", "order-servlet");
        CallbackDescription callback = workflows.awaitPendingCallback(order);
        List<String> asked = new CopyOnWriteArrayList<>();
        CairnConsoleServlet servlet = new CairnConsoleServlet(ConsoleHandler.builder(workflows.engine)
                .actionsEnabled(true)
                .authorizer((request, access) -> {
                    asked.add(access + " by " + request.principal().map(Principal::getName).orElse("nobody"));
                    return request.principal().isPresent();
                }).build());
        Principal ada = () -> "ada";
        String path = "/api/callbacks/" + callback.id() + "/complete";
        Map<String, String> pageHeaders = Map.of("Host", "shop.example:8443", "Origin", "https://shop.example:8443",
                "X-Cairn-Console", "1", "Content-Type", "application/json");

        Answer readOnly = serve(new CairnConsoleServlet(workflows.engine),
                new Call("POST", path, null, pageHeaders, "\"yes\"", ada, MappingMatch.PATH));
        assertEquals(403, readOnly.status);
        assertTrue(readOnly.text().contains("read-only"), readOnly.text());

        Answer foreign = serve(servlet, new Call("POST", path, null, Map.of("Host", "shop.example:8443", "Origin",
                "https://evil.example", "X-Cairn-Console", "1"), "\"yes\"", ada, MappingMatch.PATH));
        assertEquals(403, foreign.status);
        assertTrue(foreign.text().contains("evil.example"), foreign.text());

        Answer anonymous = serve(servlet, new Call("POST", path, null, pageHeaders, "\"yes\"", null,
                MappingMatch.PATH));
        assertEquals(403, anonymous.status);
        assertTrue(anonymous.text().contains("authorizer refused"), anonymous.text());

        Answer done = serve(servlet, new Call("POST", path, null, pageHeaders, "\"yes\"", ada, MappingMatch.PATH));
        assertEquals(200, done.status, done.text());
        assertEquals(List.of("ACTION by nobody", "ACTION by ada"), asked);
        assertEquals("reserved lamp, charged for lamp, yes", order.result(Duration.ofSeconds(10)));

        Answer wrongMethod = serve(servlet, new Call("PUT", path, null, pageHeaders, "\"yes\"", ada,
                MappingMatch.PATH));
        assertEquals(405, wrongMethod.status);
        assertEquals("POST", wrongMethod.headers.get("Allow"));
    }
}
