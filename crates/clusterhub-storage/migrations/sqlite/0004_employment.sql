-- Regional employment by sector and year, for the observatory (crates/clusterhub-storage/src/employment.rs).
-- One row per value a source gives: `persons` NULL means the source marks the value missing (it is
-- never stored as 0); a value the source does not mention has no row. `sector` is a code of the
-- classification, or `TOTAL` for all activities. `region` is a NUTS 2021 code; `code_in_file` is the
-- older code the file used, when the region was relabelled.
-- This file is identical in ../sqlite and ../postgres.

CREATE TABLE employment (
    classification TEXT NOT NULL,
    region TEXT NOT NULL,
    sector TEXT NOT NULL,
    year INTEGER NOT NULL,
    persons BIGINT,
    flags TEXT NOT NULL,
    code_in_file TEXT,
    source TEXT NOT NULL,
    PRIMARY KEY (classification, region, sector, year)
);
CREATE INDEX employment_sector_year ON employment (classification, sector, year);
