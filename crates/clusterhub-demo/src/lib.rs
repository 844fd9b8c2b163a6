//! Deterministic, realistic demo data for Clusterhub: organisations in the rows of the
//! organisation import layout (`docs/import-format.md`), so that a demo or a benchmark goes
//! through the real import path.
//!
//! ```
//! use clusterhub_demo::{Column, DemoConfig, generate};
//!
//! let rows: Vec<_> = generate(&DemoConfig { organisations: 100, seed: 7 }).collect();
//! assert_eq!(rows.len(), 100);
//! assert_eq!(rows[0].get(Column::Type), "cluster");
//! assert_eq!(rows[0].get(Column::ExternalId), "demo-7-0000000");
//! ```
//!
//! What the data looks like:
//! - Organisations sit in real cities (every GeoNames city of at least 5,000 inhabitants inside a
//!   NUTS region), drawn in proportion to population, a few hundred metres apart. EU members count
//!   fully, the EEA, Switzerland and the United Kingdom half, the candidate countries a quarter.
//!   Districts of big cities (London boroughs, Bucharest's sectors) carry the city's name.
//! - About 2 % are cluster organisations. They come first; each has a sector focus and recruits
//!   members among the organisations of its own NUTS-2 region, which then work in its sectors.
//! - Sectors follow a regional specialisation (three strong categories per NUTS-2 region, drawn
//!   from the seed), national strengths (automotive in Germany, food in Italy, ICT in Estonia,
//!   ...) and maritime activity around big ports; NACE classes come from each category's list.
//! - Sizes follow the European enterprise mix (about 93 % micro, 6 % small, 1 % medium, 0.2 %
//!   large); universities and research organisations have hundreds to thousands of staff.
//! - Names and the short description are written in the region's language (named in the
//!   `language` column when it is an official EU language) with the country's legal forms; an
//!   English description and English partnering offers and requests come with them. VAT numbers
//!   have the national format and check digits; PICs and VAT numbers are unique.
//!
//! The same configuration gives the same rows on every machine: all randomness comes from
//! ChaCha8 streams of the seed, nothing depends on hash-map order or on floating-point functions
//! that may differ between platforms, and numbers are written without floating-point formatting.
//! Rows are produced as they are asked for: memory holds the plan of the clusters and a few
//! chunks of rows in flight. Runs of 16,384 rows or more are rendered by two helper threads
//! (chunks of rows are independent, so the rows are the same with any number of threads); a row
//! is one string with cell offsets, and [`DemoRows::next_into`] refills one row in place.
//!
//! The crate does no I/O.

mod alias;
mod countries;
mod generator;
mod languages;
mod names;
mod profile;
mod prose;
mod random;
mod row;
mod template;
mod text;
mod themes;
mod vat;
mod world;

pub use generator::{DemoConfig, DemoRows, cluster_count, generate};
pub use profile::OrganisationType;
pub use row::{COLUMN_COUNT, CSV_HEADER, Column, DemoRow, write_csv, write_csv_record};

#[cfg(test)]
mod tests;
