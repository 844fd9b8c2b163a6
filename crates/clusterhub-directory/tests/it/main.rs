//! The directory's tests: rebuilds, reopening, catching up and following, on SQLite and (when
//! `CLUSTERHUB_TEST_POSTGRES` is set) PostgreSQL.

mod follow;
mod harness;
mod open;
mod support;
