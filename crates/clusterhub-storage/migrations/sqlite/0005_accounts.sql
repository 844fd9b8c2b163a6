-- Accounts, roles, sessions, tokens, the e-mail outbox, the audit log and consent records
-- (crates/clusterhub-storage/src/accounts.rs, audit.rs, outbox.rs).
-- Secrets are never stored: sessions, API tokens, one-time links and recovery codes are kept as
-- the SHA-256 of the token (`*_digest`), passwords as argon2id PHC strings. Times are RFC 3339
-- text in UTC, except the `*_unix` columns that access rules compare with arithmetic. Flags are
-- BIGINT 0/1: sqlx's Any driver cannot read a SQLite BOOLEAN column.
-- This file is identical in ../sqlite and ../postgres.

INSERT INTO id_sequences (name, next_value) VALUES ('users', 1), ('api_tokens', 1), ('claims', 1), ('outbox', 1), ('audit', 1);

CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    email_verified_at TEXT,
    totp_secret TEXT,
    totp_last_step BIGINT,
    language TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    erased_at TEXT
);

CREATE TABLE platform_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    granted_by BIGINT,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE organisation_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    granted_by BIGINT,
    PRIMARY KEY (user_id, organisation_id, role)
);
CREATE INDEX organisation_roles_organisation ON organisation_roles (organisation_id);

CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_unix BIGINT NOT NULL,
    idle_expires_unix BIGINT NOT NULL,
    authenticated_unix BIGINT NOT NULL,
    second_factor_pending BIGINT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_unix BIGINT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE one_time_tokens (
    token_digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_unix BIGINT NOT NULL,
    used_at TEXT,
    payload TEXT NOT NULL
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_digest TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_digest)
);

CREATE TABLE organisation_claims (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by BIGINT,
    decided_at TEXT
);
CREATE INDEX organisation_claims_status ON organisation_claims (status, id);

CREATE TABLE email_outbox (
    id BIGINT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_unix BIGINT NOT NULL,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (sent_at, next_attempt_unix);

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    address TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, id);

CREATE TABLE consents (
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    granted BIGINT NOT NULL,
    text_version TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX consents_user ON consents (user_id, purpose, at);
