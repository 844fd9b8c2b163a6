-- The directory: organisations, cluster memberships, EU projects and participations.
-- Keep this file and ../postgres/0001_directory.sql in step: same tables, same columns, same meaning.

CREATE TABLE id_sequences (
    name TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO id_sequences (name, next_value) VALUES ('organisations', 1), ('projects', 1), ('revision', 1);

CREATE TABLE organisations (
    id BIGINT PRIMARY KEY,
    external_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    names TEXT NOT NULL,
    descriptions TEXT NOT NULL,
    website TEXT,
    email TEXT,
    pic TEXT,
    vat TEXT,
    country TEXT NOT NULL,
    nuts TEXT,
    city TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    founded BIGINT,
    staff BIGINT,
    turnover_cents BIGINT,
    turnover_currency TEXT,
    balance_sheet_cents BIGINT,
    balance_sheet_currency TEXT,
    sme_status TEXT NOT NULL,
    sectors TEXT NOT NULL,
    nace TEXT NOT NULL,
    technologies TEXT NOT NULL,
    s3_areas TEXT NOT NULL,
    emerging TEXT NOT NULL,
    target_international TEXT NOT NULL,
    target_transnational TEXT NOT NULL,
    escp TEXT,
    label TEXT,
    label_date TEXT,
    offers TEXT NOT NULL,
    requests TEXT NOT NULL,
    members_sme BIGINT,
    members_large BIGINT,
    members_research BIGINT,
    members_other BIGINT,
    content_hash TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX organisations_country ON organisations (country, nuts);
CREATE INDEX organisations_revision ON organisations (revision);
CREATE INDEX organisations_pic ON organisations (pic);

CREATE TABLE memberships (
    cluster_id BIGINT NOT NULL REFERENCES organisations (id),
    member_id BIGINT NOT NULL REFERENCES organisations (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (cluster_id, member_id)
);
CREATE INDEX memberships_member ON memberships (member_id);

CREATE TABLE projects (
    id BIGINT PRIMARY KEY,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    acronym TEXT NOT NULL,
    title TEXT NOT NULL,
    programme TEXT NOT NULL,
    call_id TEXT,
    start_date TEXT,
    end_date TEXT,
    total_cost_cents BIGINT,
    ec_max_contribution_cents BIGINT,
    currency TEXT NOT NULL,
    UNIQUE (source, source_id)
);

CREATE TABLE participations (
    project_id BIGINT NOT NULL REFERENCES projects (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    ec_contribution_cents BIGINT,
    PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX participations_organisation ON participations (organisation_id);
