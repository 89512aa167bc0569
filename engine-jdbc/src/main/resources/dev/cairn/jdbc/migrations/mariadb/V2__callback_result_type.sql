-- Cairn schema, version 2, for MariaDB 10.3 and later and MySQL 8: the type a callback's result is read as, so
-- that a completion with a value of another type is refused when it is made. (MySQL has no ADD COLUMN IF NOT
-- EXISTS; the migration lock keeps two processes from applying this at once.)

ALTER TABLE ${prefix}callbacks ADD COLUMN result_type TEXT;

INSERT INTO ${prefix}schema_version (version, description) VALUES (2, 'callback_result_type');
