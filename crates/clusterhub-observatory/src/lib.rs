//! The observatory's statistics on regional employment by sector: location quotients,
//! percentile ranks, growth and cluster stars, for any sector classification. Pure: no I/O.
//!
//! An [`EmploymentTable`] holds persons employed by region × sector × year (missing values stay
//! missing) and each region's total, for a [`Classification`] whose sectors form a hierarchy: the
//! *partition* (for NACE A*10: A, B-E, F, G-I, J, K, L, M-N, O-Q, R-U) is what may be added up;
//! sub-groups (C inside B-E) and aggregates (G-J, K-N, O-U) get statistics too but are never
//! added to the partition. [`compute`] gives every statistic of every region × sector × year at
//! the chosen NUTS levels; [`statistics`] defines each one and [`percentile`] the percentiles and
//! tie handling.

mod classification;
pub mod percentile;
pub mod statistics;
mod table;

pub use classification::{
    Classification, ClassificationError, Sector, SectorRole, nace_a10_sectors_of_section,
};
pub use statistics::{
    CellStatistics, EU27_2020, EcoStars, EcoThresholds, GroupThresholds, Options, ReferenceArea,
    ReferenceYear, Statistics, US_METHOD_NOTES, UsStrength, UsThresholds, compute,
};
pub use table::{EmploymentTable, Region, TableBuilder, TableError};

#[cfg(test)]
mod tests;
