package dev.cairn.internal.run;

import dev.cairn.internal.UserText;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import dev.cairn.UnknownFunctionException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The functions registered on this engine, by name and by class. */
public final class FunctionRegistry {

    private final Map<String, RegisteredFunction> byName = new ConcurrentHashMap<>();
    private final Map<Class<?>, RegisteredFunction> byClass = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public synchronized RegisteredFunction add(Registration registration) {
        DurableFunction<?, ?> function = registration.function();
        String name = registration.name() != null ? registration.name() : nameOf(function.getClass());
        UserText.checkName(name, "function");
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("a function named '" + name + "' is already registered ("
                    + byName.get(name).function().getClass().getName() + "); give one of them another name with "
                    + "@DurableWorkflow(name = ...) or register(name, function)");
        }
        Type input = registration.inputType();
        Type output = registration.outputType();
        if (input == null || output == null) {
            Type[] types = typeArguments(function.getClass());
            if (types == null) {
                throw new IllegalArgumentException("cannot read the input and output types of function '" + name + "' ("
                        + function.getClass().getName() + "): declare it as a class implementing DurableFunction<I, O> "
                        + "with concrete types, or register it with register(name, inputType, outputType, function)");
            }
            input = types[0];
            output = types[1];
        }
        RegisteredFunction registered = new RegisteredFunction(name, (DurableFunction<Object, Object>) function, input, output);
        byName.put(name, registered);
        byClass.putIfAbsent(function.getClass(), registered);
        return registered;
    }

    public RegisteredFunction get(String name) {
        return byName.get(name);
    }

    /**
     * The function registered as an instance of {@code type}: of that very class or, when there is none, of the one
     * registered subclass of it (a proxy that a framework made of the class, say, for transactions or metrics).
     *
     * @throws UnknownFunctionException if none is, or several subclasses are
     */
    public RegisteredFunction byClass(Class<?> type) {
        RegisteredFunction registered = byClass.get(type);
        if (registered != null) {
            return registered;
        }
        List<RegisteredFunction> subclasses = new ArrayList<>();
        for (Map.Entry<Class<?>, RegisteredFunction> e : byClass.entrySet()) {
            if (type.isAssignableFrom(e.getKey())) {
                subclasses.add(e.getValue());
            }
        }
        if (subclasses.size() == 1) {
            return subclasses.get(0);
        }
        if (subclasses.size() > 1) {
            throw new UnknownFunctionException("no function of class " + type.getName() + " itself is registered, and"
                    + " several of its subclasses are (" + subclasses.stream().map(RegisteredFunction::name).sorted()
                    .toList() + "): start the one you mean by its name");
        }
        throw new UnknownFunctionException("no function of class " + type.getName() + " is registered; registered: "
                + names() + ". Register it with DurableEngine.builder().register(new " + type.getSimpleName() + "())");
    }

    public RegisteredFunction byName(String name) {
        RegisteredFunction registered = byName.get(name);
        if (registered == null) {
            throw new UnknownFunctionException("no function named '" + UserText.quote(name) + "' is registered;"
                    + " registered: " + names());
        }
        return registered;
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    static String nameOf(Class<?> type) {
        DurableWorkflow annotation = type.getAnnotation(DurableWorkflow.class);
        if (annotation != null && !annotation.name().isEmpty()) {
            return annotation.name();
        }
        return type.getSimpleName();
    }

    /** The concrete {@code <I, O>} of {@code DurableFunction} as implemented by {@code type}, or null. */
    private static Type[] typeArguments(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type candidate : c.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == DurableFunction.class) {
                    Type[] args = parameterized.getActualTypeArguments();
                    if (args[0] instanceof TypeVariable<?> || args[1] instanceof TypeVariable<?>) {
                        return null;
                    }
                    return args;
                }
            }
        }
        return null;
    }
}
