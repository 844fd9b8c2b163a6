//! The web crate's integration tests, in one binary: requests go through the whole router
//! in-process (`tower::ServiceExt::oneshot`) against a real SQLite database in a temp dir.

mod account_security;
mod accounts;
mod compression;
mod directory_page;
mod errors;
mod export;
mod facet_recount;
mod health;
mod interests;
mod map;
mod observatory;
mod openapi;
mod organisation_admin;
mod organisations;
mod pages;
mod partners;
mod script_payloads;
mod search;
mod security;
mod support;
mod taxonomies;
mod value_chains;
