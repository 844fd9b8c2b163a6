-- The change feed that derived views (each app node's search index) follow: a changed
-- organisation is one whose `organisations.revision` is above the view's cursor; a deleted one
-- leaves a row here with the revision of its deletion. See crates/clusterhub-storage/src/changes.rs.
-- This file is identical in ../sqlite and ../postgres.

CREATE TABLE organisation_deletions (
    organisation_id BIGINT PRIMARY KEY,
    revision BIGINT NOT NULL,
    deleted_at TEXT NOT NULL
);
CREATE INDEX organisation_deletions_revision ON organisation_deletions (revision);

-- Facts about the database as a whole, by name. `database_id` (written on first use) tells a
-- derived view whether it was built from this database or from another one.
CREATE TABLE database_facts (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
