package dev.cairn;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a {@link DurableFunction} class. The name is stored with each execution and must stay the same across
 * deployments for running executions to resume; without this annotation the class's simple name is used.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DurableWorkflow {

    /** The function's registered name; empty means the class's simple name. */
    String name() default "";
}
