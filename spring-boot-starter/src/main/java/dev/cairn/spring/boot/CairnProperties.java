package dev.cairn.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code cairn.*} properties: the options of {@code DurableEngine.builder()}, the JDBC store's table prefix and
 * schema initialisation, and the console. Every option has the engine's own default.
 */
@ConfigurationProperties("cairn")
public class CairnProperties {

    /** How many executions run at once on this node (worker threads). */
    private int concurrency = 32;

    /**
     * This node's id, recorded as the owner of what it runs; random when not set. Give processes running at the same
     * time distinct ids: one that starts under the id of a dead one resumes at once what that one left running.
     */
    private String nodeId;

    /** The largest serialized input, step result, callback result or output. */
    private DataSize maxPayloadSize = DataSize.ofKilobytes(256);

    /**
     * How long a node owns a running execution without renewing its lease: a node that dies loses its executions
     * to the other nodes this long after its last renewal. The health indicator reads it too.
     */
    private Duration leaseDuration = Duration.ofSeconds(30);

    /** How far ahead the scheduler loads due timers into memory. */
    private Duration schedulerWindow = Duration.ofSeconds(60);

    /** How often the scheduler asks the store for executions made due elsewhere, and for expired leases. */
    private Duration pollInterval = Duration.ofSeconds(1);

    /** The timer wheel's resolution. */
    private Duration tick = Duration.ofMillis(50);

    /** How long closing the engine waits for running executions before leaving them to resume on the next start. */
    private Duration shutdownGrace = Duration.ofSeconds(5);

    /** How many executions' histories are kept in memory between runs. */
    private int historyCacheSize = 10_000;

    private final Jdbc jdbc = new Jdbc();

    private final Console console = new Console();

    /** @return how many executions run at once on this node */
    public int getConcurrency() {
        return concurrency;
    }

    /** @param concurrency how many executions run at once on this node */
    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    /** @return this node's id, or {@code null} for a random one */
    public String getNodeId() {
        return nodeId;
    }

    /** @param nodeId this node's id */
    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    /** @return the largest serialized payload */
    public DataSize getMaxPayloadSize() {
        return maxPayloadSize;
    }

    /** @param maxPayloadSize the largest serialized payload */
    public void setMaxPayloadSize(DataSize maxPayloadSize) {
        this.maxPayloadSize = maxPayloadSize;
    }

    /** @return how long a lease lasts without renewal */
    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    /** @param leaseDuration how long a lease lasts without renewal */
    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    /** @return how far ahead timers are loaded */
    public Duration getSchedulerWindow() {
        return schedulerWindow;
    }

    /** @param schedulerWindow how far ahead timers are loaded */
    public void setSchedulerWindow(Duration schedulerWindow) {
        this.schedulerWindow = schedulerWindow;
    }

    /** @return how often the store is polled */
    public Duration getPollInterval() {
        return pollInterval;
    }

    /** @param pollInterval how often the store is polled */
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** @return the timer resolution */
    public Duration getTick() {
        return tick;
    }

    /** @param tick the timer resolution */
    public void setTick(Duration tick) {
        this.tick = tick;
    }

    /** @return how long closing waits for running executions */
    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    /** @param shutdownGrace how long closing waits for running executions */
    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    /** @return how many histories are cached */
    public int getHistoryCacheSize() {
        return historyCacheSize;
    }

    /** @param historyCacheSize how many histories are cached */
    public void setHistoryCacheSize(int historyCacheSize) {
        this.historyCacheSize = historyCacheSize;
    }

    /** @return the {@code cairn.jdbc.*} properties */
    public Jdbc getJdbc() {
        return jdbc;
    }

    /** @return the {@code cairn.console.*} properties */
    public Console getConsole() {
        return console;
    }

    /** When the JDBC store creates or upgrades its tables at start. */
    public enum InitializeSchema {
        /** Always: the store applies its versioned migrations (safe when several instances start at once). */
        ALWAYS,
        /**
         * Only in an embedded database: the starter's own H2 file, or an application {@code DataSource} on an
         * in-process H2 database ({@code jdbc:h2:mem:}, {@code jdbc:h2:file:} or a path). Elsewhere the schema must
         * exist already, as with {@link #NEVER}.
         */
        EMBEDDED,
        /**
         * Never: the schema must exist at the version this Cairn needs (applied by the team's own migrations, such as
         * Flyway or Liquibase); the application fails to start, saying which scripts to apply, if it does not.
         */
        NEVER
    }

    /** The {@code cairn.jdbc.*} properties: the JDBC store. */
    public static class Jdbc {

        /** The prefix of the store's table names: letters, digits and underscores, at most 32 characters. */
        private String tablePrefix = "cairn_";

        /**
         * Whether the store creates or upgrades its tables at start: always, only in an embedded database, or never.
         * The starter's own H2 file is always initialised.
         */
        private InitializeSchema initializeSchema = InitializeSchema.ALWAYS;

        /**
         * Where the embedded H2 database file is kept when the application has no DataSource; relative paths
         * are resolved against the working directory.
         */
        private Path embeddedDirectory = Path.of("cairn-data");

        /** @return the table prefix */
        public String getTablePrefix() {
            return tablePrefix;
        }

        /** @param tablePrefix the table prefix */
        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        /** @return when the schema is initialised */
        public InitializeSchema getInitializeSchema() {
            return initializeSchema;
        }

        /** @param initializeSchema when the schema is initialised */
        public void setInitializeSchema(InitializeSchema initializeSchema) {
            this.initializeSchema = initializeSchema;
        }

        /** @return the embedded H2 database's directory */
        public Path getEmbeddedDirectory() {
            return embeddedDirectory;
        }

        /** @param embeddedDirectory the embedded H2 database's directory */
        public void setEmbeddedDirectory(Path embeddedDirectory) {
            this.embeddedDirectory = embeddedDirectory;
        }
    }

    /** The {@code cairn.console.*} properties: the console servlet. */
    public static class Console {

        /**
         * Whether the console servlet is mounted (when cairn-console is on the class path of a servlet web
         * application). It sits behind the application's own security filters.
         */
        private boolean enabled;

        /** Where the console is mounted, such as /cairn: the page at /cairn/, the API below it. */
        private String path = "/cairn";

        /** Whether the console may cancel executions and complete or fail callbacks; read-only otherwise. */
        private boolean actionsEnabled;

        /** How often the page reloads what it shows, from 500 ms to 1 hour. */
        private Duration refreshInterval = Duration.ofSeconds(3);

        /**
         * Origins whose pages may take actions although they are not the request's Host: the public origin of a
         * console behind a proxy that rewrites Host, such as https://ops.example.com.
         */
        private List<String> trustedOrigins = new ArrayList<>();

        /** @return whether the console is mounted */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the console is mounted */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the mount path */
        public String getPath() {
            return path;
        }

        /** @param path the mount path */
        public void setPath(String path) {
            this.path = path;
        }

        /** @return whether actions are enabled */
        public boolean isActionsEnabled() {
            return actionsEnabled;
        }

        /** @param actionsEnabled whether actions are enabled */
        public void setActionsEnabled(boolean actionsEnabled) {
            this.actionsEnabled = actionsEnabled;
        }

        /** @return how often the page refreshes */
        public Duration getRefreshInterval() {
            return refreshInterval;
        }

        /** @param refreshInterval how often the page refreshes */
        public void setRefreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
        }

        /** @return the trusted origins */
        public List<String> getTrustedOrigins() {
            return trustedOrigins;
        }

        /** @param trustedOrigins the trusted origins */
        public void setTrustedOrigins(List<String> trustedOrigins) {
            this.trustedOrigins = trustedOrigins;
        }
    }
}
