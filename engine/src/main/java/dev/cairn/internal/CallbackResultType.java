package dev.cairn.internal;

import java.lang.reflect.Type;

/**
 * What a callback row records of how the workflow reads the callback's result: the type's name
 * ({@link Type#getTypeName()}), prefixed with {@value #OWN_SERIALIZER} when the operation reads it with a serializer
 * of its own. The engine checks a completion's value against the type with its own serializer, which it can do only
 * for a callback read with that serializer; stores keep the text as given and never interpret it.
 */
public final class CallbackResultType {

    /** The prefix of the result type of a callback whose operation has a serializer of its own. */
    public static final String OWN_SERIALIZER = "own-serializer:";

    private CallbackResultType() {
    }

    /** What to record for a callback whose result is read as {@code type}, with its operation's own serializer or not. */
    public static String of(Type type, boolean ownSerializer) {
        return ownSerializer ? OWN_SERIALIZER + type.getTypeName() : type.getTypeName();
    }

    /** Whether a recorded result type is that of a callback whose operation has a serializer of its own. */
    public static boolean ownSerializer(String recorded) {
        return recorded != null && recorded.startsWith(OWN_SERIALIZER);
    }

    /** The type name in a recorded result type, or {@code null}. */
    public static String typeName(String recorded) {
        return ownSerializer(recorded) ? recorded.substring(OWN_SERIALIZER.length()) : recorded;
    }
}
