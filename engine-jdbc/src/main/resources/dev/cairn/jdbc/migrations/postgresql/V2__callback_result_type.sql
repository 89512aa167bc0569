-- Cairn schema, version 2, for PostgreSQL 12 and later: the type a callback's result is read as, so that a
-- completion with a value of another type is refused when it is made.

ALTER TABLE ${prefix}callbacks ADD COLUMN IF NOT EXISTS result_type TEXT;

INSERT INTO ${prefix}schema_version (version, description) VALUES (2, 'callback_result_type');
