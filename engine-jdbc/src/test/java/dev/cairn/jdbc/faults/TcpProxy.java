package dev.cairn.jdbc.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy for fault injection: it listens on {@code 127.0.0.1} on an ephemeral port and forwards each
 * connection to a target on the loopback interface, so that a test can take a database away from a client and give
 * it back.
 *
 * <p>A <b>cut</b> ({@link #cut()}) is what a client sees when the database becomes unreachable:
 * <ul>
 *   <li>every connection that is open through the proxy is dropped at once: both of its sockets are reset (RST,
 *       not an orderly close), so the client's next read or write fails, and the server ends the session and rolls
 *       back whatever transaction it had open. A statement in flight may or may not have reached the server: its
 *       outcome is unknown to the client, as in a real outage;</li>
 *   <li>until {@link #restore()}, a new connection is accepted and reset at once, without being forwarded: the
 *       client's connect or handshake fails straight away (no hang until a timeout). The port stays bound, so the
 *       clients' URLs stay valid.</li>
 * </ul>
 * {@link #restore()} forwards new connections again; the connections dropped by the cut stay dropped.
 *
 * <p>Thread-safe. Daemon threads with blocking I/O, no polling: one accepts; for each connection, one connects
 * upstream and two copy bytes, one each way.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    /** Sockets of the forwarded connections, both ends; guarded by {@code this} for adds against a cut. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean cut;
    private volatile boolean closed;

    /**
     * A proxy to {@code host:port}, not started yet.
     *
     * @throws IllegalArgumentException if the host is not a loopback address
     */
    public TcpProxy(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the proxy only forwards to loopback addresses, not " + host);
        }
        this.target = new InetSocketAddress(address, port);
    }

    /** Binds an ephemeral port on 127.0.0.1 and starts forwarding. */
    public synchronized TcpProxy start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        try {
            server = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("tcp-proxy-accept-" + server.getLocalPort(), this::acceptLoop).start();
        return this;
    }

    /** The port the proxy listens on, once started. */
    public int port() {
        return server.getLocalPort();
    }

    /** Drops every open connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        List<Socket> dropped;
        synchronized (this) {
            cut = true;
            dropped = new ArrayList<>(open);
        }
        dropped.forEach(TcpProxy::reset);
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    /** Stops listening and drops every connection. */
    @Override
    public void close() {
        closed = true;
        cut();
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LockSupport.parkNanos(10_000_000); // a failed accept, such as too many open files: not a hot loop
                }
                continue;
            }
            if (cut) {
                reset(client);
                continue;
            }
            // Connecting may take a moment: not on the accept thread.
            daemon("tcp-proxy-connect", () -> forward(client)).start();
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 2_000);
        } catch (IOException e) {
            reset(client);
            reset(upstream);
            return;
        }
        synchronized (this) {
            // A cut that happened while connecting must drop this connection too.
            if (cut) {
                reset(client);
                reset(upstream);
                return;
            }
            open.add(client);
            open.add(upstream);
        }
        daemon("tcp-proxy-up", () -> pump(client, upstream)).start();
        daemon("tcp-proxy-down", () -> pump(upstream, client)).start();
    }

    /** Copies bytes from one socket to the other until either fails or ends; then drops both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // dropped by a cut, or by one of the ends
        } finally {
            reset(from);
            reset(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Closes with SO_LINGER 0, which sends RST: the peer sees the connection reset, not an orderly end. */
    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // not connected: close is enough
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
