package dev.cairn.internal;

import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.Type;

/**
 * Turns the name of a type ({@link Type#getTypeName()}: {@code java.lang.Integer},
 * {@code java.util.List<com.example.Order>}, {@code java.lang.String[]}) back into the type, so that a value
 * given on one node can be checked against the type a workflow declared, maybe on another node.
 */
public final class TypeNames {

    private TypeNames() {
    }

    /** The type named {@code name}, or {@code null} if it cannot be resolved here (a class not on this classpath). */
    public static Type resolve(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        TypeFactory types = TypeFactory.defaultInstance();
        try {
            if (name.endsWith("[]")) {
                Type component = resolve(name.substring(0, name.length() - 2));
                return component == null ? null : types.constructArrayType(types.constructType(component));
            }
            return types.constructFromCanonical(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
