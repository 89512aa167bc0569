package dev.cairn.internal;

/**
 * Rules for text that comes from users and ends up in the database or in messages: names must be short and
 * printable, diagnostics (error messages, stack traces) are made storable, and messages quote only a bounded
 * prefix of what they were given.
 *
 * <p>Every supported database stores text as UTF-8, which cannot encode a lone UTF-16 surrogate: a JDBC driver
 * replaces it with {@code ?}, silently. PostgreSQL refuses the NUL character outright. So a name containing
 * either is rejected, and a diagnostic has them escaped.
 */
public final class UserText {

    /** How many characters of a user's text a message quotes. */
    public static final int QUOTE_CHARS = 200;

    /** The longest name (of a function, an execution, an operation, a node) Cairn stores. */
    public static final int MAX_NAME_CHARS = 200;

    private UserText() {
    }

    /** {@code text}, or its first {@value #QUOTE_CHARS} characters and its length when it is longer. */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        if (text.length() <= QUOTE_CHARS) {
            return text;
        }
        int end = QUOTE_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not cut a surrogate pair in two
        }
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }

    /**
     * What makes {@code text} unstorable as a name, or {@code null} if nothing does: a control character or a
     * lone surrogate, with its position.
     */
    public static String unprintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return String.format("a control character (U+%04X) at index %d", (int) text.charAt(i), i);
            }
        }
        int surrogate = loneSurrogate(text);
        return surrogate < 0 ? null : String.format("a lone surrogate (U+%04X) at index %d, which no database can"
                + " store", (int) text.charAt(surrogate), surrogate);
    }

    /** The index of the first lone surrogate in {@code text}, or -1. */
    public static int loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks a name: not blank, at most {@value #MAX_NAME_CHARS} characters, printable.
     *
     * @param what what the name names, for the message ("step", "function")
     * @return the name
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkName(String name, String what) {
        java.util.Objects.requireNonNull(name, what + " name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
        if (name.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException(what + " name '" + quote(name) + "' is " + name.length()
                    + " characters; the limit is " + MAX_NAME_CHARS);
        }
        String problem = unprintable(name);
        if (problem != null) {
            throw new IllegalArgumentException(what + " name '" + quote(escape(name)) + "' contains " + problem
                    + "; use printable characters");
        }
        return name;
    }

    /**
     * {@code text} made storable for diagnostics: NUL and the other control characters but tab, line feed and
     * carriage return become {@code \\uXXXX}, a lone surrogate becomes U+FFFD, and the whole is cut to
     * {@code maxChars}, followed by {@code cutSuffix} when it was cut. Returns the same instance when nothing needs
     * changing.
     */
    public static String storable(String text, int maxChars, String cutSuffix) {
        if (text == null) {
            return null;
        }
        if (text.length() <= maxChars && isStorable(text)) {
            return text;
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        int i = 0;
        while (i < text.length() && sb.length() < maxChars) {
            char c = text.charAt(i++);
            if (Character.isHighSurrogate(c) && i < text.length() && Character.isLowSurrogate(text.charAt(i))) {
                sb.append(c).append(text.charAt(i++));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (i < text.length()) {
            if (sb.length() > maxChars) {
                sb.setLength(maxChars);
            }
            if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                sb.setLength(sb.length() - 1);
            }
            sb.append(cutSuffix);
        }
        return sb.toString();
    }

    private static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} with control characters escaped, for quoting it in a message. */
    public static String escape(String text) {
        return storable(text, Integer.MAX_VALUE - 64, "");
    }
}
