//! Statistics for every region × sector × year at every NUTS level: employment, share of the
//! region's employment, location quotient, percentile ranks, growth, and stars by the European
//! Cluster Observatory and US Cluster Mapping methods.
//!
//! Definitions (percentiles and ties: see [`crate::percentile`]):
//! - **employment** `E(r,s,y)`: [`EmploymentTable::employment`] (aggregates as the sum of their
//!   parts when known); **region employment** `E(r,y)`: [`EmploymentTable::total`].
//! - **share** = `E(r,s,y) / E(r,y)`; unknown when either is unknown or `E(r,y) = 0`. A region
//!   with zero employment in a sector has share 0, not unknown.
//! - **reference area** for year `y`: the countries (level-0 regions) of [`ReferenceArea`] whose
//!   total and every partition sector are known that year (with an explicit list, all listed
//!   countries must be; otherwise the year has no reference). `R(y)` = the sum of their totals,
//!   `R(s,y)` = the sum of their `E(c,s,y)` (unknown if one is unknown).
//! - **location quotient** `LQ = (E(r,s,y) / E(r,y)) / (R(s,y) / R(y))`; unknown when the share
//!   is unknown or the reference has no employment in the sector.
//! - **percentile ranks** of employment, share and LQ among the regions of the same level with a
//!   known value, for the same sector and year.
//! - **growth**: the compound annual growth rate over the `growth_span` years that end at `y`,
//!   `(E(r,s,y) / E(r,s,y − span))^(1/span) − 1`; unknown when either value is unknown or the
//!   start is 0.
//! - **European Cluster Observatory stars**, one per criterion met, among the regions of the same
//!   level, sector and year: *size*, employment in the top `size_top_percent` (and above 0);
//!   *specialisation*, `LQ ≥ specialisation_lq`; *focus*, share in the top `focus_top_percent`
//!   (and above 0).
//! - **US Cluster Mapping "strong cluster"**: `LQ ≥ P75(LQ)` ∧ `E > P25(E)` ∧ `LQ ≥ 1`; *top tier*
//!   when also `LQ ≥ P90(LQ)`. See [`US_METHOD_NOTES`] for what differs from the original.
//!
//! Statistics are computed for every sector of the classification, sub-groups and aggregates
//! included; only the partition may be added up (region star counts, portfolios).

use serde::Serialize;

use crate::classification::Classification;
use crate::percentile::{percentile, percentile_rank};
use crate::table::{EmploymentTable, Region};

/// What differs from the US Cluster Mapping method, shown beside its results.
pub const US_METHOD_NOTES: [&str; 2] = [
    "establishments criterion (establishments > P25) skipped: no establishment data",
    "LQ is against all employment, not traded employment: the data does not separate traded \
     from local activities",
];

/// The area location quotients compare with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReferenceArea {
    /// Every country (level-0 region) of the table whose figures are complete for the year.
    AllCountries,
    /// These countries (NUTS codes, e.g. the EU27 member states); a year in which one of them is
    /// missing or incomplete has no reference.
    Countries(Vec<String>),
}

/// The EU member states since 1 February 2020 by NUTS code (Greece is `EL`), the reference area
/// of [`ReferenceArea::default_for`] when the full European table is loaded.
pub const EU27_2020: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl ReferenceArea {
    /// The reference area a table is compared with unless someone chooses another: the EU27
    /// ([`EU27_2020`]) when the full European table is loaded, that is when every member state is
    /// in the table as a country (level 0) with complete figures (its total and every partition
    /// sector) in at least one year; otherwise every country loaded
    /// ([`ReferenceArea::AllCountries`]), so that a table covering part of Europe (or a member
    /// state with only totals) still has location quotients. With the EU27, a year in which a
    /// member state is incomplete has no reference (see [`ReferenceYear::note`]).
    pub fn default_for(table: &EmploymentTable) -> ReferenceArea {
        let full = EU27_2020.iter().all(|code| {
            table.region_position(code).is_some_and(|position| {
                table.regions()[position].level == 0
                    && (0..table.years().len()).any(|year| country_complete(table, position, year))
            })
        });
        if full {
            ReferenceArea::Countries(EU27_2020.iter().map(|code| (*code).to_owned()).collect())
        } else {
            ReferenceArea::AllCountries
        }
    }
}

/// Whether a country's total and every partition sector are known in a year (positions).
fn country_complete(table: &EmploymentTable, position: usize, year: usize) -> bool {
    table.total(position, year).is_some()
        && table
            .classification()
            .partition()
            .all(|member| table.employment(position, member, year).is_some())
}

/// The European Cluster Observatory's thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcoThresholds {
    pub size_top_percent: f64,
    pub specialisation_lq: f64,
    pub focus_top_percent: f64,
}

impl Default for EcoThresholds {
    fn default() -> Self {
        EcoThresholds {
            size_top_percent: 10.0,
            specialisation_lq: 2.0,
            focus_top_percent: 10.0,
        }
    }
}

/// The US Cluster Mapping thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsThresholds {
    /// `LQ ≥ P_lq_percentile(LQ)`.
    pub lq_percentile: f64,
    /// `E > P_employment_percentile(E)`.
    pub employment_percentile: f64,
    /// `LQ ≥ minimum_lq`.
    pub minimum_lq: f64,
    /// Top tier: `LQ ≥ P_top_tier_lq_percentile(LQ)`.
    pub top_tier_lq_percentile: f64,
}

impl Default for UsThresholds {
    fn default() -> Self {
        UsThresholds {
            lq_percentile: 75.0,
            employment_percentile: 25.0,
            minimum_lq: 1.0,
            top_tier_lq_percentile: 90.0,
        }
    }
}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    pub reference: ReferenceArea,
    /// The NUTS levels to compute (0 = countries … 3).
    pub levels: Vec<u8>,
    /// Growth is over this many years.
    pub growth_span: u16,
    pub eco: EcoThresholds,
    pub us: UsThresholds,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reference: ReferenceArea::AllCountries,
            levels: vec![0, 1, 2, 3],
            growth_span: 5,
            eco: EcoThresholds::default(),
            us: UsThresholds::default(),
        }
    }
}

/// The European Cluster Observatory criteria met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EcoStars {
    pub size: bool,
    pub specialisation: bool,
    pub focus: bool,
}

impl EcoStars {
    /// One star per criterion met.
    pub fn stars(self) -> u8 {
        u8::from(self.size) + u8::from(self.specialisation) + u8::from(self.focus)
    }
}

/// The US Cluster Mapping criteria met.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UsStrength {
    pub lq_at_least_percentile: bool,
    pub employment_above_percentile: bool,
    pub lq_at_least_minimum: bool,
    /// All three criteria (the establishments criterion is skipped, see [`US_METHOD_NOTES`]).
    pub strong: bool,
    /// Strong and `LQ ≥ P90(LQ)`.
    pub top_tier: bool,
}

/// Every statistic of one region, sector and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellStatistics {
    /// Positions in the table's regions, the classification's sectors.
    pub region: u32,
    pub sector: u16,
    pub year: u16,
    pub employment: Option<u64>,
    pub region_employment: Option<u64>,
    pub share: Option<f64>,
    pub lq: Option<f64>,
    pub employment_rank: Option<f64>,
    pub share_rank: Option<f64>,
    pub lq_rank: Option<f64>,
    pub growth: Option<f64>,
    pub eco: EcoStars,
    pub us: UsStrength,
}

/// The thresholds of one level, sector and year, for showing beside the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupThresholds {
    pub level: u8,
    pub sector: u16,
    pub year: u16,
    /// How many regions have a known employment, share, LQ.
    pub regions_with_employment: u32,
    pub regions_with_share: u32,
    pub regions_with_lq: u32,
    /// ECO size: employment at least this (`P_(100 − size_top_percent)`).
    pub size_threshold: Option<f64>,
    /// ECO focus: share at least this.
    pub focus_threshold: Option<f64>,
    /// US: `P75(LQ)`, `P25(E)`, `P90(LQ)` with the default thresholds.
    pub us_lq_threshold: Option<f64>,
    pub us_employment_threshold: Option<f64>,
    pub us_top_tier_lq_threshold: Option<f64>,
}

/// The reference area of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceYear {
    pub year: u16,
    /// The countries in it; empty when the year has no reference.
    pub countries: Vec<String>,
    pub total: Option<u64>,
    /// By sector position.
    pub sectors: Vec<Option<u64>>,
    /// Why the year has no reference, or which countries were left out.
    pub note: Option<String>,
}

/// The results of [`compute`].
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub options: Options,
    /// Region positions computed (those at the chosen levels), in table order.
    pub regions: Vec<u32>,
    /// `regions.len() × sectors × years` cells, region by region, then sector, then year.
    pub cells: Vec<CellStatistics>,
    pub groups: Vec<GroupThresholds>,
    pub reference: Vec<ReferenceYear>,
    pub us_method_notes: Vec<String>,
    #[serde(skip)]
    cell_offset_of_region: Vec<Option<usize>>,
    #[serde(skip)]
    n_sectors: usize,
    #[serde(skip)]
    n_years: usize,
}

impl Statistics {
    /// The cell of a region, sector and year (positions), if that region's level was computed.
    pub fn cell(&self, region: usize, sector: usize, year: usize) -> Option<&CellStatistics> {
        let offset = (*self.cell_offset_of_region.get(region)?)?;
        self.cells
            .get(offset + sector * self.n_years + year)
            .filter(|_| sector < self.n_sectors && year < self.n_years)
    }
}

fn reference_years(table: &EmploymentTable, area: &ReferenceArea) -> Vec<ReferenceYear> {
    let classification: &Classification = table.classification();
    let countries: Vec<(usize, &Region)> = table
        .regions()
        .iter()
        .enumerate()
        .filter(|(_, region)| region.level == 0)
        .collect();
    let complete = |position: usize, year: usize| country_complete(table, position, year);
    let mut years = Vec::with_capacity(table.years().len());
    for (year_position, &year) in table.years().iter().enumerate() {
        let mut note = None;
        let members: Vec<(usize, &Region)> = match area {
            ReferenceArea::AllCountries => {
                let (kept, left_out): (Vec<_>, Vec<_>) = countries
                    .iter()
                    .partition(|(position, _)| complete(*position, year_position));
                if !left_out.is_empty() {
                    let codes: Vec<&str> = left_out.iter().map(|(_, r)| r.code.as_str()).collect();
                    note = Some(format!("incomplete, left out: {}", codes.join(", ")));
                }
                kept
            }
            ReferenceArea::Countries(codes) => {
                let mut kept = Vec::new();
                let mut missing = Vec::new();
                for code in codes {
                    match countries.iter().find(|(_, region)| &region.code == code) {
                        Some(&(position, region)) if complete(position, year_position) => {
                            kept.push((position, region));
                        }
                        _ => missing.push(code.as_str()),
                    }
                }
                if missing.is_empty() {
                    kept
                } else {
                    note = Some(format!("missing or incomplete: {}", missing.join(", ")));
                    Vec::new()
                }
            }
        };
        if members.is_empty() && note.is_none() {
            note = Some(String::from("no country has complete figures"));
        }
        let total = (!members.is_empty()).then(|| {
            members
                .iter()
                .map(|(position, _)| table.total(*position, year_position).unwrap_or(0))
                .sum()
        });
        let sectors = (0..classification.len())
            .map(|sector| {
                if members.is_empty() {
                    return None;
                }
                members
                    .iter()
                    .map(|(position, _)| table.employment(*position, sector, year_position))
                    .sum()
            })
            .collect();
        years.push(ReferenceYear {
            year,
            countries: members.iter().map(|(_, r)| r.code.clone()).collect(),
            total,
            sectors,
            note,
        });
    }
    years
}

/// Computes every statistic for the regions of the chosen levels.
pub fn compute(table: &EmploymentTable, options: &Options) -> Statistics {
    let n_sectors = table.classification().len();
    let years = table.years();
    let n_years = years.len();
    let reference = reference_years(table, &options.reference);

    let regions: Vec<u32> = table
        .regions()
        .iter()
        .enumerate()
        .filter(|(_, region)| options.levels.contains(&region.level))
        .map(|(position, _)| position as u32)
        .collect();
    let mut cell_offset_of_region = vec![None; table.regions().len()];
    let mut cells = Vec::with_capacity(regions.len() * n_sectors * n_years);
    let span = usize::from(options.growth_span);
    for &region in &regions {
        let region = region as usize;
        cell_offset_of_region[region] = Some(cells.len());
        let totals: Vec<Option<u64>> = (0..n_years).map(|y| table.total(region, y)).collect();
        for sector in 0..n_sectors {
            let employment: Vec<Option<u64>> = (0..n_years)
                .map(|y| table.employment(region, sector, y))
                .collect();
            for year in 0..n_years {
                let value = employment[year];
                let total = totals[year];
                let share = match (value, total) {
                    (Some(value), Some(total)) if total > 0 => Some(value as f64 / total as f64),
                    _ => None,
                };
                let reference_year = &reference[year];
                let lq = match (share, reference_year.sectors[sector], reference_year.total) {
                    (Some(share), Some(sector_total), Some(all)) if sector_total > 0 && all > 0 => {
                        Some(share / (sector_total as f64 / all as f64))
                    }
                    _ => None,
                };
                let growth = if span > 0 && year >= span {
                    match (employment[year - span], value) {
                        (Some(start), Some(end)) if start > 0 => {
                            Some((end as f64 / start as f64).powf(1.0 / span as f64) - 1.0)
                        }
                        _ => None,
                    }
                } else {
                    None
                };
                cells.push(CellStatistics {
                    region: region as u32,
                    sector: sector as u16,
                    year: years[year],
                    employment: value,
                    region_employment: total,
                    share,
                    lq,
                    employment_rank: None,
                    share_rank: None,
                    lq_rank: None,
                    growth,
                    eco: EcoStars::default(),
                    us: UsStrength::default(),
                });
            }
        }
    }

    // Ranks, thresholds and stars within each level × sector × year.
    let mut groups = Vec::new();
    let mut levels = options.levels.clone();
    levels.sort_unstable();
    levels.dedup();
    let eco = &options.eco;
    let us = &options.us;
    let mut members: Vec<usize> = Vec::new();
    let mut sorted_employment: Vec<f64> = Vec::new();
    let mut sorted_share: Vec<f64> = Vec::new();
    let mut sorted_lq: Vec<f64> = Vec::new();
    for &level in &levels {
        let offsets: Vec<usize> = regions
            .iter()
            .filter(|&&region| table.regions()[region as usize].level == level)
            .filter_map(|&region| cell_offset_of_region[region as usize])
            .collect();
        if offsets.is_empty() {
            continue;
        }
        for sector in 0..n_sectors {
            for (year, &calendar_year) in years.iter().enumerate() {
                members.clear();
                members.extend(
                    offsets
                        .iter()
                        .map(|offset| offset + sector * n_years + year),
                );
                sorted_employment.clear();
                sorted_share.clear();
                sorted_lq.clear();
                for &cell in &members {
                    let cell = &cells[cell];
                    if let Some(value) = cell.employment {
                        sorted_employment.push(value as f64);
                    }
                    if let Some(value) = cell.share {
                        sorted_share.push(value);
                    }
                    if let Some(value) = cell.lq {
                        sorted_lq.push(value);
                    }
                }
                sorted_employment.sort_unstable_by(f64::total_cmp);
                sorted_share.sort_unstable_by(f64::total_cmp);
                sorted_lq.sort_unstable_by(f64::total_cmp);
                let thresholds = GroupThresholds {
                    level,
                    sector: sector as u16,
                    year: calendar_year,
                    regions_with_employment: sorted_employment.len() as u32,
                    regions_with_share: sorted_share.len() as u32,
                    regions_with_lq: sorted_lq.len() as u32,
                    size_threshold: percentile(&sorted_employment, 100.0 - eco.size_top_percent),
                    focus_threshold: percentile(&sorted_share, 100.0 - eco.focus_top_percent),
                    us_lq_threshold: percentile(&sorted_lq, us.lq_percentile),
                    us_employment_threshold: percentile(
                        &sorted_employment,
                        us.employment_percentile,
                    ),
                    us_top_tier_lq_threshold: percentile(&sorted_lq, us.top_tier_lq_percentile),
                };
                for &cell in &members {
                    let cell = &mut cells[cell];
                    let employment = cell.employment.map(|value| value as f64);
                    cell.employment_rank =
                        employment.map(|value| percentile_rank(&sorted_employment, value));
                    cell.share_rank = cell
                        .share
                        .map(|value| percentile_rank(&sorted_share, value));
                    cell.lq_rank = cell.lq.map(|value| percentile_rank(&sorted_lq, value));
                    let at_least = |value: Option<f64>, threshold: Option<f64>| matches!((value, threshold), (Some(v), Some(t)) if v >= t);
                    cell.eco = EcoStars {
                        size: employment.is_some_and(|value| value > 0.0)
                            && at_least(employment, thresholds.size_threshold),
                        specialisation: cell.lq.is_some_and(|lq| lq >= eco.specialisation_lq),
                        focus: cell.share.is_some_and(|share| share > 0.0)
                            && at_least(cell.share, thresholds.focus_threshold),
                    };
                    let lq_at_least_percentile = at_least(cell.lq, thresholds.us_lq_threshold);
                    let employment_above_percentile = matches!(
                        (employment, thresholds.us_employment_threshold),
                        (Some(v), Some(t)) if v > t
                    );
                    let lq_at_least_minimum = cell.lq.is_some_and(|lq| lq >= us.minimum_lq);
                    let strong = lq_at_least_percentile
                        && employment_above_percentile
                        && lq_at_least_minimum;
                    cell.us = UsStrength {
                        lq_at_least_percentile,
                        employment_above_percentile,
                        lq_at_least_minimum,
                        strong,
                        top_tier: strong && at_least(cell.lq, thresholds.us_top_tier_lq_threshold),
                    };
                }
                groups.push(thresholds);
            }
        }
    }

    Statistics {
        options: options.clone(),
        regions,
        cells,
        groups,
        reference,
        us_method_notes: US_METHOD_NOTES
            .iter()
            .map(|note| (*note).to_owned())
            .collect(),
        cell_offset_of_region,
        n_sectors,
        n_years,
    }
}
