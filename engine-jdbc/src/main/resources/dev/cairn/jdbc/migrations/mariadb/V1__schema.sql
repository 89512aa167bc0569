-- Cairn schema, version 1, for MariaDB 10.3 and later and MySQL 8.
-- ${prefix} is the table prefix (default cairn_). Instants are epoch milliseconds, durations milliseconds.
-- Apply it with ${prefix} replaced when the store is built with migrate(false); the last statement records
-- the version the store checks.
-- Ids are compared byte for byte (utf8mb4_bin): callback ids are case-sensitive.

CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
    version     INT          NOT NULL PRIMARY KEY,
    description VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}executions (
    id            VARCHAR(255) NOT NULL PRIMARY KEY,
    name          VARCHAR(255),
    function_name VARCHAR(255) NOT NULL,
    status        VARCHAR(32)  NOT NULL,
    input         LONGTEXT,
    output        LONGTEXT,
    error_type    TEXT,
    error_message LONGTEXT,
    error_stack   LONGTEXT,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    ended_at      BIGINT,
    wake_at       BIGINT,
    owner         VARCHAR(255),
    lease_until   BIGINT,
    version       BIGINT       NOT NULL,
    signals       BIGINT       NOT NULL,
    cancel_reason LONGTEXT,
    timeout_at    BIGINT,
    parent_id     VARCHAR(255),
    CONSTRAINT ${prefix}executions_name_uk UNIQUE (name),
    INDEX ${prefix}executions_due_idx (status, wake_at),
    INDEX ${prefix}executions_lease_idx (status, lease_until),
    INDEX ${prefix}executions_owner_idx (owner),
    INDEX ${prefix}executions_created_idx (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}operations (
    execution_id  VARCHAR(255) NOT NULL,
    operation_id  VARCHAR(255) NOT NULL,
    parent_id     VARCHAR(255),
    type          VARCHAR(32)  NOT NULL,
    sub_type      TEXT,
    name          TEXT,
    status        VARCHAR(32)  NOT NULL,
    attempt       INT          NOT NULL,
    result        LONGTEXT,
    error_type    TEXT,
    error_message LONGTEXT,
    error_stack   LONGTEXT,
    scheduled_at  BIGINT,
    started_at    BIGINT,
    ended_at      BIGINT,
    PRIMARY KEY (execution_id, operation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS ${prefix}callbacks (
    id                   VARCHAR(255) NOT NULL PRIMARY KEY,
    execution_id         VARCHAR(255) NOT NULL,
    operation_id         VARCHAR(255) NOT NULL,
    status               VARCHAR(32)  NOT NULL,
    result               LONGTEXT,
    error_type           TEXT,
    error_message        LONGTEXT,
    error_stack          LONGTEXT,
    timeout_at           BIGINT,
    heartbeat_timeout_ms BIGINT,
    heartbeat_deadline   BIGINT,
    created_at           BIGINT       NOT NULL,
    completed_at         BIGINT,
    INDEX ${prefix}callbacks_execution_idx (execution_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO ${prefix}schema_version (version, description) VALUES (1, 'schema');
