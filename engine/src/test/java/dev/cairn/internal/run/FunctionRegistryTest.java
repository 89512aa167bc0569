package dev.cairn.internal.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.DurableContext;
import dev.cairn.DurableFunction;
import dev.cairn.UnknownFunctionException;
import org.junit.jupiter.api.Test;

class FunctionRegistryTest {

    static class Greeting implements DurableFunction<String, String> {
        @Override
        public String handle(String name, DurableContext ctx) {
            return "hello " + name;
        }
    }

    /** What a framework's proxy of {@link Greeting} is: a subclass, registered under the class's name. */
    static final class ProxiedGreeting extends Greeting {
    }

    @Test
    void aFunctionIsFoundByItsOwnClass() {
        FunctionRegistry registry = new FunctionRegistry();
        Greeting greeting = new Greeting();
        RegisteredFunction added = registry.add(new Registration(null, greeting, null, null));

        assertSame(added, registry.byClass(Greeting.class));
    }

    @Test
    void aProxyOfTheClassIsFoundByTheClassItProxies() {
        FunctionRegistry registry = new FunctionRegistry();
        RegisteredFunction added = registry.add(new Registration("Greeting", new ProxiedGreeting(), null, null));

        assertSame(added, registry.byClass(Greeting.class));
        assertEquals(String.class, added.inputType(), "the types are read through the subclass");
    }

    @Test
    void twoSubclassesOfTheClassAreAmbiguousAndTheErrorSaysToStartByName() {
        FunctionRegistry registry = new FunctionRegistry();
        registry.add(new Registration("one", new ProxiedGreeting(), null, null));
        registry.add(new Registration("two", new Greeting() { }, null, null));

        UnknownFunctionException e = assertThrows(UnknownFunctionException.class,
                () -> registry.byClass(Greeting.class));
        assertTrue(e.getMessage().contains("several of its subclasses are ([one, two])"), e.getMessage());
    }

    @Test
    void aClassNothingIsRegisteredAsIsUnknown() {
        FunctionRegistry registry = new FunctionRegistry();
        registry.add(new Registration(null, new ProxiedGreeting(), null, null));

        UnknownFunctionException e = assertThrows(UnknownFunctionException.class,
                () -> registry.byClass(FunctionRegistryTest.class));
        assertTrue(e.getMessage().contains("no function of class " + FunctionRegistryTest.class.getName()
                + " is registered"), e.getMessage());
    }
}
