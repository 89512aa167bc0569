package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.console.CairnConsoleServlet;
import dev.cairn.console.ConsoleAuthorizer;
import dev.cairn.testing.InMemoryExecutionStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

class CairnConsoleAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class, CairnConsoleAutoConfiguration.class))
            .withBean(InMemoryExecutionStore.class, InMemoryExecutionStore::new);

    @Test
    void enabledTheConsoleIsMountedUnderItsDefaultPath() {
        runner.withPropertyValues("cairn.console.enabled=true").run(context -> {
            ServletRegistrationBean<?> registration = context.getBean("cairnConsoleServlet", ServletRegistrationBean.class);
            assertThat(registration.getServlet()).isInstanceOf(CairnConsoleServlet.class);
            assertThat(registration.getUrlMappings()).containsExactly("/cairn/*");
            assertThat(registration.getServletName()).isEqualTo("cairnConsole");
        });
    }

    @Test
    void thePathIsConfigurable() {
        runner.withPropertyValues("cairn.console.enabled=true", "cairn.console.path=/ops/workflows/")
                .run(context -> assertThat(context.getBean("cairnConsoleServlet", ServletRegistrationBean.class)
                        .getUrlMappings()).containsExactly("/ops/workflows/*"));
    }

    @Test
    void notMountedUnlessEnabled() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("cairnConsoleServlet"));
        runner.withPropertyValues("cairn.console.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("cairnConsoleServlet"));
    }

    @Test
    void notMountedWithoutCairnConsoleOnTheClassPath() {
        runner.withPropertyValues("cairn.console.enabled=true")
                .withClassLoader(new FilteredClassLoader(CairnConsoleServlet.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("cairnConsoleServlet"));
    }

    @Test
    void notMountedOutsideAServletWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class, CairnConsoleAutoConfiguration.class))
                .withBean(InMemoryExecutionStore.class, InMemoryExecutionStore::new)
                .withPropertyValues("cairn.console.enabled=true")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("cairnConsoleServlet"));
    }

    @Test
    void anAuthorizerBeanIsUsed() {
        runner.withPropertyValues("cairn.console.enabled=true", "cairn.console.actions-enabled=true")
                .withBean(ConsoleAuthorizer.class, () -> (request, access) -> false)
                .run(context -> assertThat(context).hasNotFailed().hasBean("cairnConsoleServlet"));
    }

    @Test
    void aPathThatIsNotAPathIsRefused() {
        assertThat(CairnConsoleAutoConfiguration.mapping("/cairn")).isEqualTo("/cairn/*");
        assertThat(CairnConsoleAutoConfiguration.mapping("/")).isEqualTo("/*");
        assertThatThrownBy(() -> CairnConsoleAutoConfiguration.mapping("cairn"))
                .hasMessageContaining("cairn.console.path must be a path such as /cairn");
        assertThatThrownBy(() -> CairnConsoleAutoConfiguration.mapping("/cairn/*"))
                .isInstanceOf(IllegalArgumentException.class);
        runner.withPropertyValues("cairn.console.enabled=true", "cairn.console.path=/a b")
                .run(context -> assertThat(context).hasFailed());
    }
}
