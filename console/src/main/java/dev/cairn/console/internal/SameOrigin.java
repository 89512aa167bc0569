package dev.cairn.console.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The cross-site request forgery check of the console's actions: a browser sends {@code Origin} with every POST
 * made by a script, and a page of another site cannot make it name the console's host. An action is let through
 * when it has no {@code Origin} (a client that is not a browser), or one whose host and port are the request's
 * {@code Host}, or one the application trusts.
 */
public final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * Why an action with these headers is refused, or empty if it is not.
     *
     * @param origin  the {@code Origin} header, if any
     * @param host    the {@code Host} header, if any
     * @param trusted origins also accepted, such as {@code https://ops.example.com}, lower case
     */
    public static Optional<String> refusal(Optional<String> origin, Optional<String> host, Set<String> trusted) {
        if (origin.isEmpty()) {
            return Optional.empty();
        }
        String o = origin.get().trim().toLowerCase(Locale.ROOT);
        if (trusted.contains(o)) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(o);
        } catch (URISyntaxException e) {
            return Optional.of("the request's Origin '" + Text.shorten(o) + "' is not an origin");
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return Optional.of("the request's Origin '" + Text.shorten(o) + "' does not name a host (a sandboxed or"
                    + " local page); actions are taken only from the console's own page");
        }
        if (host.isEmpty()) {
            return Optional.of("the request has an Origin but no Host header to compare it with");
        }
        int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
        String h = host.get().trim().toLowerCase(Locale.ROOT);
        String hostName;
        int hostPort;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            hostName = h.substring(0, colon);
            try {
                hostPort = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return Optional.of("the request's Host '" + Text.shorten(h) + "' is not host[:port]");
            }
        } else {
            hostName = h;
            hostPort = defaultPort(uri.getScheme());
        }
        if (!hostName.equals(uri.getHost()) || hostPort != originPort) {
            return Optional.of("the request comes from a page of " + Text.shorten(o) + ", not of the console's host "
                    + Text.shorten(h) + "; actions are taken only from the console's own page (behind a proxy that"
                    + " changes Host, trust the public origin with trustedOrigins)");
        }
        return Optional.empty();
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }
}
