-- Cairn schema, version 1, for H2 2.x.
-- ${prefix} is the table prefix (default cairn_). Instants are epoch milliseconds, durations milliseconds.
-- Apply it with ${prefix} replaced when the store is built with migrate(false); the last statement records
-- the version the store checks.

CREATE TABLE IF NOT EXISTS ${prefix}schema_version (
    version     INT          NOT NULL PRIMARY KEY,
    description VARCHAR(200) NOT NULL
);

CREATE TABLE IF NOT EXISTS ${prefix}executions (
    id            VARCHAR(255) NOT NULL PRIMARY KEY,
    name          VARCHAR(255),
    function_name VARCHAR(255) NOT NULL,
    status        VARCHAR(32)  NOT NULL,
    input         VARCHAR,
    output        VARCHAR,
    error_type    VARCHAR,
    error_message VARCHAR,
    error_stack   VARCHAR,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    ended_at      BIGINT,
    wake_at       BIGINT,
    owner         VARCHAR(255),
    lease_until   BIGINT,
    version       BIGINT       NOT NULL,
    signals       BIGINT       NOT NULL,
    cancel_reason VARCHAR,
    timeout_at    BIGINT,
    parent_id     VARCHAR(255),
    CONSTRAINT ${prefix}executions_name_uk UNIQUE (name)
);

CREATE INDEX IF NOT EXISTS ${prefix}executions_due_idx ON ${prefix}executions (status, wake_at);
CREATE INDEX IF NOT EXISTS ${prefix}executions_lease_idx ON ${prefix}executions (status, lease_until);
CREATE INDEX IF NOT EXISTS ${prefix}executions_owner_idx ON ${prefix}executions (owner);
CREATE INDEX IF NOT EXISTS ${prefix}executions_created_idx ON ${prefix}executions (created_at);

CREATE TABLE IF NOT EXISTS ${prefix}operations (
    execution_id  VARCHAR(255) NOT NULL,
    operation_id  VARCHAR(255) NOT NULL,
    parent_id     VARCHAR(255),
    type          VARCHAR(32)  NOT NULL,
    sub_type      VARCHAR,
    name          VARCHAR,
    status        VARCHAR(32)  NOT NULL,
    attempt       INT          NOT NULL,
    result        VARCHAR,
    error_type    VARCHAR,
    error_message VARCHAR,
    error_stack   VARCHAR,
    scheduled_at  BIGINT,
    started_at    BIGINT,
    ended_at      BIGINT,
    PRIMARY KEY (execution_id, operation_id)
);

CREATE TABLE IF NOT EXISTS ${prefix}callbacks (
    id                   VARCHAR(255) NOT NULL PRIMARY KEY,
    execution_id         VARCHAR(255) NOT NULL,
    operation_id         VARCHAR(255) NOT NULL,
    status               VARCHAR(32)  NOT NULL,
    result               VARCHAR,
    error_type           VARCHAR,
    error_message        VARCHAR,
    error_stack          VARCHAR,
    timeout_at           BIGINT,
    heartbeat_timeout_ms BIGINT,
    heartbeat_deadline   BIGINT,
    created_at           BIGINT       NOT NULL,
    completed_at         BIGINT
);

CREATE INDEX IF NOT EXISTS ${prefix}callbacks_execution_idx ON ${prefix}callbacks (execution_id);

INSERT INTO ${prefix}schema_version (version, description) VALUES (1, 'schema');
