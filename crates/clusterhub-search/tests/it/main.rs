//! Behaviour of the search index on small in-memory indexes, checked against a brute-force
//! evaluation of the same query over the same documents.

mod oracle;
mod scenarios;
