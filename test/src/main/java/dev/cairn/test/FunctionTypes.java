package dev.cairn.test;

import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * What the kit reads from a function's class: the name the engine registers it under, and its input and output
 * types, the way the engine reads them (the {@link DurableWorkflow} name or the simple class name; the type
 * arguments of its {@code DurableFunction<I, O>} declaration).
 */
final class FunctionTypes {

    private FunctionTypes() {
    }

    /** The name a function is registered under when no name is given. */
    static String nameOf(DurableFunction<?, ?> function) {
        DurableWorkflow annotation = function.getClass().getAnnotation(DurableWorkflow.class);
        return annotation != null && !annotation.name().isEmpty() ? annotation.name()
                : function.getClass().getSimpleName();
    }

    /** The input type, or {@code Object} if its class does not say. */
    static Type inputType(DurableFunction<?, ?> function) {
        return typeArgument(function.getClass(), 0);
    }

    /** The output type, or {@code Object} if its class does not say. */
    static Type outputType(DurableFunction<?, ?> function) {
        return typeArgument(function.getClass(), 1);
    }

    /** The raw class of a type: what {@code register(name, inputType, outputType, fn)} takes. */
    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Type typeArgument(Class<?> type, int index) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type candidate : c.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType p && p.getRawType() == DurableFunction.class) {
                    Type argument = p.getActualTypeArguments()[index];
                    return argument instanceof Class<?> || argument instanceof ParameterizedType ? argument
                            : Object.class;
                }
            }
        }
        return Object.class;
    }
}
