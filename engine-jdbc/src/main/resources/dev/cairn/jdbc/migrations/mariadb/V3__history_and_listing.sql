-- Cairn schema, version 3, for MariaDB 10.3 and later and MySQL 8: the history events that the operation,
-- callback and execution rows cannot show once they have moved on (retried step attempts, heartbeats, pauses and
-- resumptions), appended in order; and the indexes that list executions newest first, page by page, with or
-- without a filter. (MySQL has no CREATE INDEX IF NOT EXISTS; the migration lock keeps two processes from
-- applying this at once.)

CREATE TABLE IF NOT EXISTS ${prefix}events (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    execution_id  VARCHAR(255) NOT NULL,
    type          VARCHAR(32)  NOT NULL,
    event_at      BIGINT       NOT NULL,
    operation_id  VARCHAR(255),
    attempt       INT          NOT NULL,
    scheduled_at  BIGINT,
    error_type    TEXT,
    error_message LONGTEXT,
    error_stack   TEXT,
    INDEX ${prefix}events_execution_idx (execution_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Listing newest first, with or without a filter; a function and a status together use the function's index.
CREATE INDEX ${prefix}executions_list_idx ON ${prefix}executions (created_at, id);
DROP INDEX ${prefix}executions_created_idx ON ${prefix}executions;
CREATE INDEX ${prefix}executions_function_list_idx ON ${prefix}executions (function_name, created_at, id);
CREATE INDEX ${prefix}executions_status_list_idx ON ${prefix}executions (status, created_at, id);
CREATE INDEX ${prefix}executions_parent_list_idx ON ${prefix}executions (parent_id, created_at, id);

INSERT INTO ${prefix}schema_version (version, description) VALUES (3, 'history_and_listing');
