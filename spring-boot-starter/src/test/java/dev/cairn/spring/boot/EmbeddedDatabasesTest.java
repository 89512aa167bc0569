package dev.cairn.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddedDatabasesTest {

    @Test
    void h2InThisProcessIsEmbeddedAndAServerIsNot() {
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:h2:mem:test")).isTrue();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:h2:file:/var/data/app")).isTrue();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:h2:./data/app")).isTrue();
        assertThat(EmbeddedDatabases.isEmbedded("JDBC:H2:retry:/var/data/cairn")).isTrue();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:h2:tcp://db:9092/app")).isFalse();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:h2:ssl://db/app")).isFalse();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:postgresql://127.0.0.1:5432/test")).isFalse();
        assertThat(EmbeddedDatabases.isEmbedded("jdbc:mariadb://127.0.0.1:3306/test")).isFalse();
    }

    @Test
    void onlyMemIsInMemory() {
        assertThat(EmbeddedDatabases.isInMemory("jdbc:h2:mem:test")).isTrue();
        assertThat(EmbeddedDatabases.isInMemory("jdbc:h2:file:/tmp/x")).isFalse();
    }
}
