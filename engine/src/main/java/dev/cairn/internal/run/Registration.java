package dev.cairn.internal.run;

import dev.cairn.DurableFunction;
import java.lang.reflect.Type;

/**
 * A function to register, with explicit types when they cannot be read from its class.
 *
 * @param name       the name, or {@code null} for the annotation's or the class's
 * @param function   the function
 * @param inputType  the input type, or {@code null} to read it from the class
 * @param outputType the output type, or {@code null} to read it from the class
 */
public record Registration(String name, DurableFunction<?, ?> function, Type inputType, Type outputType) {
}
