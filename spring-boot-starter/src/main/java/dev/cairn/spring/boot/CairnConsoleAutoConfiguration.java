package dev.cairn.spring.boot;

import dev.cairn.DurableEngine;
import dev.cairn.console.CairnConsoleServlet;
import dev.cairn.console.ConsoleAuthorizer;
import dev.cairn.console.ConsoleHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Mounts the Cairn console ({@link CairnConsoleServlet}) under {@code cairn.console.path} ({@code /cairn} by
 * default) in a servlet web application, when cairn-console is on the class path and
 * {@code cairn.console.enabled=true}. It is registered as a {@link ServletRegistrationBean}, so requests reach it
 * through the application's own filters (Spring Security's among them): protect the path there. A
 * {@link ConsoleAuthorizer} bean, if there is one, decides who may read and who may act.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({CairnConsoleServlet.class, jakarta.servlet.Servlet.class})
@ConditionalOnBooleanProperty("cairn.console.enabled")
@ConditionalOnBean(DurableEngine.class)
@EnableConfigurationProperties(CairnProperties.class)
public class CairnConsoleAutoConfiguration {

    /** Used by Spring. */
    public CairnConsoleAutoConfiguration() {
    }

    /**
     * The console's servlet, mounted at {@code <path>/*}.
     *
     * @param engine     the engine
     * @param properties the {@code cairn.console.*} properties
     * @param authorizer the application's authorizer, if it defines one
     * @return the registration
     * @throws IllegalArgumentException if the path is not a path such as {@code /cairn}
     */
    @Bean
    @ConditionalOnMissingBean(name = "cairnConsoleServlet")
    public ServletRegistrationBean<CairnConsoleServlet> cairnConsoleServlet(DurableEngine engine,
            CairnProperties properties, ObjectProvider<ConsoleAuthorizer> authorizer) {
        CairnProperties.Console console = properties.getConsole();
        ConsoleHandler.Builder handler = ConsoleHandler.builder(engine)
                .actionsEnabled(console.isActionsEnabled())
                .refreshInterval(console.getRefreshInterval())
                .trustedOrigins(console.getTrustedOrigins().toArray(String[]::new));
        authorizer.ifAvailable(handler::authorizer);
        ServletRegistrationBean<CairnConsoleServlet> registration = new ServletRegistrationBean<>(
                new CairnConsoleServlet(handler.build()), mapping(console.getPath()));
        registration.setName("cairnConsole");
        return registration;
    }

    /** {@code /cairn} or {@code /cairn/} to {@code /cairn/*}; {@code /} to {@code /*}. */
    static String mapping(String path) {
        if (path == null || !path.matches("/[A-Za-z0-9._~\\-/]*") || path.contains("//")) {
            throw new IllegalArgumentException("cairn.console.path must be a path such as /cairn (letters, digits,"
                    + " '-', '_', '.', '~' and '/', starting with '/'), was '" + path + "'");
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed + "/*";
    }
}
