-- Cairn schema, version 4, for PostgreSQL 12 and later: the context that the engine's context propagators
-- captured when an execution started (a trace, a tenant), written once with the execution's row and read back with
-- it on every run. A JSON object of strings of at most 4 KiB, or NULL when nothing was captured (and for every
-- execution started before this version). Adding a nullable column without a default rewrites no row.

ALTER TABLE ${prefix}executions ADD COLUMN IF NOT EXISTS propagated_context TEXT;

INSERT INTO ${prefix}schema_version (version, description) VALUES (4, 'propagated_context');
