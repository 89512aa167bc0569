package dev.cairn.console.internal;

/** How the console quotes text that came from a request in the messages it answers with. */
final class Text {

    private static final int MAX_QUOTED = 100;

    private Text() {
    }

    /** At most 100 characters of {@code s}, control characters shown as {@code ?}. */
    static String shorten(String s) {
        String cut = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
