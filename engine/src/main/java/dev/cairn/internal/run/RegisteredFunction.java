package dev.cairn.internal.run;

import dev.cairn.DurableFunction;
import java.lang.reflect.Type;

/** A function as the engine knows it: its name, its code, and the types its input and output are read as. */
public record RegisteredFunction(String name, DurableFunction<Object, Object> function, Type inputType, Type outputType) {
}
