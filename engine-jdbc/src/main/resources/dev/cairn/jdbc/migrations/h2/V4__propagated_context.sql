-- Cairn schema, version 4, for H2 2.x: the context that the engine's context propagators captured when an
-- execution started (a trace, a tenant), written once with the execution's row and read back with it on every run.
-- A JSON object of strings of at most 4 KiB, or NULL when nothing was captured (and for every execution started
-- before this version).

ALTER TABLE ${prefix}executions ADD COLUMN IF NOT EXISTS propagated_context VARCHAR;

INSERT INTO ${prefix}schema_version (version, description) VALUES (4, 'propagated_context');
