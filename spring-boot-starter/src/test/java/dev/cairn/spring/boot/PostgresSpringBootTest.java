package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.DurableEngine;
import dev.cairn.ExecutionHandle;
import dev.cairn.ExecutionStatus;
import dev.cairn.jdbc.JdbcExecutionStore;
import dev.cairn.spring.boot.TestWorkflows.Approval;
import dev.cairn.spring.boot.TestWorkflows.EndedListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/** The whole starter in a Spring Boot application on the machine's PostgreSQL, under a table prefix of its own. */
@SpringBootTest(classes = PostgresSpringBootTest.Application.class, properties = {
        "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
        "spring.datasource.username=postgres",
        "spring.flyway.enabled=false",
        "cairn.jdbc.table-prefix=cairn_boot_it_",
        "cairn.tick=10ms",
        "cairn.poll-interval=100ms"})
class PostgresSpringBootTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        Approval approval() {
            return new Approval();
        }

        @Bean
        EndedListener endedListener() {
            return new EndedListener();
        }
    }

    @Autowired
    DurableEngine engine;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcExecutionStore store;

    @Autowired
    CairnHealthIndicator health;

    @Autowired
    EndedListener listener;

    @Test
    void anApprovalRunsToCompletionOnPostgresqlThroughTheApplicationsDataSource() throws Exception {
        assertThat(store.tablePrefix()).isEqualTo("cairn_boot_it_");
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        ExecutionHandle<String> h = engine.startExecution(Approval.class, "invoice 12");
        engine.completeCallback(TestWorkflows.pendingCallback(engine, h.executionId()), "approved by Ada");
        assertThat(h.result(Duration.ofSeconds(30))).isEqualTo("reserved invoice 12, approved by Ada");
        assertThat(h.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT status FROM cairn_boot_it_executions WHERE id = ?")) {
            assertThat(c.getMetaData().getURL()).startsWith("jdbc:postgresql:");
            s.setString(1, h.executionId());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("SUCCEEDED");
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> listener.ended.contains(h.executionId() + " SUCCEEDED"));
    }
}
