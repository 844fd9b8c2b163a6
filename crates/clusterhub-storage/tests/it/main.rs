//! The storage test suite: every test runs on SQLite (a file in a temp dir) and, when
//! `CLUSTERHUB_TEST_POSTGRES` is set, on PostgreSQL in a fresh schema of its own.

mod account_security;
mod accounts;
mod bulk_import;
mod changes;
mod employment;
mod harness;
mod interests;
mod organisation_admin;
mod organisations;
mod privacy;
mod projects;
