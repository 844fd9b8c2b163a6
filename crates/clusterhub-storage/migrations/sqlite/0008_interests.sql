-- Expressions of interest between organisations (crates/clusterhub-storage/src/interests.rs): a
-- member of one organisation tells another that it is interested in working together, about a
-- partner suggestion or a value-chain consortium, with a short message. Both organisations'
-- members see it in their inbox; `read_at` is when a member of the receiving organisation marked
-- it read. The organisation columns carry no foreign key on purpose: a deleted organisation's
-- messages stay in the other organisation's inbox (shown without a name).
-- This file is identical in ../sqlite and ../postgres.

INSERT INTO id_sequences (name, next_value) VALUES ('interests', 1);

CREATE TABLE interests (
    id BIGINT PRIMARY KEY,
    from_organisation_id BIGINT NOT NULL,
    to_organisation_id BIGINT NOT NULL,
    sender_user_id BIGINT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL,
    context TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX interests_to ON interests (to_organisation_id, id);
CREATE INDEX interests_from ON interests (from_organisation_id, id);
