//! Deterministic, realistic demo data for Clusterhub.

mod vat;
