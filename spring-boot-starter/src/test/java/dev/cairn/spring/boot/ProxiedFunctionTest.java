package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.DurableContext;
import dev.cairn.DurableEngine;
import dev.cairn.DurableFunction;
import dev.cairn.DurableWorkflow;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A function bean that Spring wrapped in a class-based (CGLIB) proxy, as it does for {@code @Transactional} or
 * {@code @Timed}: it is registered under its own class's name and started by its own class.
 */
class ProxiedFunctionTest {

    /** A function with advice around it; not final, so that a CGLIB subclass can be made of it. */
    @DurableWorkflow(name = "audited")
    public static class Audited implements DurableFunction<String, String> {
        @Override
        public String handle(String who, DurableContext ctx) {
            return ctx.step("audit", String.class, step -> "audited " + who);
        }
    }

    static final List<String> ADVISED = new CopyOnWriteArrayList<>();

    @Configuration(proxyBeanMethods = false)
    static class ProxiedFunction {
        @Bean
        Audited audited() {
            ProxyFactory factory = new ProxyFactory(new Audited());
            factory.setProxyTargetClass(true);
            factory.addAdvice((MethodInterceptor) invocation -> {
                ADVISED.add(invocation.getMethod().getName());
                return invocation.proceed();
            });
            return (Audited) factory.getProxy();
        }
    }

    @Test
    void aProxiedFunctionBeanIsStartedByItsOwnClassAndRunsThroughItsAdvice() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class))
                .withUserConfiguration(CairnAutoConfigurationTest.UserStore.class, ProxiedFunction.class)
                .withPropertyValues("cairn.tick=10ms", "cairn.poll-interval=100ms", "cairn.shutdown-grace=200ms")
                .run(context -> {
                    assertThat(AopUtils.isCglibProxy(context.getBean(Audited.class))).isTrue();
                    DurableEngine engine = context.getBean(DurableEngine.class);

                    var execution = engine.startExecution(Audited.class, "Ada");

                    assertThat(execution.result(Duration.ofSeconds(30))).isEqualTo("audited Ada");
                    assertThat(ADVISED).contains("handle");
                    assertThat(engine.describe(execution.executionId()).function()).isEqualTo("audited");
                });
    }
}
