//! The observatory's statistics as the web server holds them: computed once from the stored
//! employment rows (`clusterhub_observatory::compute`, on a blocking thread) and kept in memory,
//! computed again when an import changed the rows (every read of the statistics first compares
//! the rows' version, one single-row read, with the version they were computed from).
//!
//! The reference area is [`ReferenceArea::default_for`] the table: every country loaded, or the
//! EU27 when the full European table is loaded.

use std::sync::{Arc, RwLock};

use clusterhub_observatory::{
    CellStatistics, Classification, EmploymentTable, Options, ReferenceArea, SectorRole,
    Statistics, TableBuilder, compute,
};
use clusterhub_reference::{NutsVersion, Reference};
use clusterhub_storage::{EmploymentCell, Storage, StorageError};

/// The classification name the employment rows of NACE A*10 are stored under.
pub const NACE_A10: &str = "nace_a10";

/// The sector code that stands for a region's total in the stored rows.
pub const TOTAL_SECTOR: &str = "TOTAL";

/// The statistics of one version of the employment rows.
#[derive(Debug)]
pub struct ObservatoryData {
    /// The rows' version they were computed from ([`Storage::employment_version`]).
    pub version: i64,
    pub table: EmploymentTable,
    pub statistics: Statistics,
    /// How many stored rows could not be placed in the table (logged when computed).
    pub rows_left_out: usize,
}

/// Which method awards the stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The European Cluster Observatory: one star per criterion met (size, specialisation,
    /// focus).
    Eco,
    /// The US Cluster Mapping "strong cluster": 1 for a strong cluster, 2 for the top tier.
    Us,
}

impl Method {
    /// Every method with its parameter value.
    pub const CHOICES: [(&'static str, Method); 2] = [("eco", Method::Eco), ("us", Method::Us)];

    pub fn slug(self) -> &'static str {
        match self {
            Method::Eco => "eco",
            Method::Us => "us",
        }
    }

    /// The most stars this method gives.
    pub fn max_stars(self) -> u8 {
        match self {
            Method::Eco => 3,
            Method::Us => 2,
        }
    }

    /// The stars of a cell: ECO one per criterion met; US 1 for strong, 2 for the top tier.
    pub fn stars(self, cell: &CellStatistics) -> u8 {
        match self {
            Method::Eco => cell.eco.stars(),
            Method::Us => u8::from(cell.us.strong) + u8::from(cell.us.top_tier),
        }
    }

    /// The names of the criteria a cell meets.
    pub fn criteria(self, cell: &CellStatistics) -> Vec<&'static str> {
        let flags: Vec<(bool, &'static str)> = match self {
            Method::Eco => vec![
                (cell.eco.size, "size"),
                (cell.eco.specialisation, "specialisation"),
                (cell.eco.focus, "focus"),
            ],
            Method::Us => vec![
                (cell.us.lq_at_least_percentile, "lq_at_least_percentile"),
                (
                    cell.us.employment_above_percentile,
                    "employment_above_percentile",
                ),
                (cell.us.lq_at_least_minimum, "lq_at_least_minimum"),
                (cell.us.top_tier, "top_tier"),
            ],
        };
        flags
            .into_iter()
            .filter_map(|(met, name)| met.then_some(name))
            .collect()
    }
}

/// The name of a region in English: a country's English name, else the NUTS 2021 name in Latin
/// script, else its code.
pub fn region_name_en(code: &str) -> String {
    let reference = Reference::get();
    if code.len() == 2
        && let Some(country) = reference.countries().by_any_code(code)
    {
        return country.name.clone();
    }
    reference
        .nuts(NutsVersion::V2021)
        .get(code)
        .map_or_else(|| code.to_owned(), |region| region.name.clone())
}

/// How a sector relates to the partition, as the API names it.
pub fn role_name(role: &SectorRole) -> &'static str {
    match role {
        SectorRole::Partition => "partition",
        SectorRole::SubGroup(_) => "subgroup",
        SectorRole::Aggregate(_) => "aggregate",
    }
}

impl ObservatoryData {
    /// The table and statistics of stored rows (blocking: the computation takes a while).
    pub fn from_rows(version: i64, rows: &[EmploymentCell]) -> ObservatoryData {
        let mut builder = TableBuilder::new(Classification::nace_a10());
        let mut rows_left_out = 0;
        for row in rows {
            let sector = (row.sector != TOTAL_SECTOR).then_some(row.sector.as_str());
            let placed = u16::try_from(row.year).ok().and_then(|year| {
                let persons = match row.persons {
                    Some(persons) => Some(u64::try_from(persons).ok()?),
                    None => None,
                };
                builder.set(&row.region, sector, year, persons).ok()
            });
            if placed.is_none() {
                rows_left_out += 1;
            }
        }
        if rows_left_out > 0 {
            tracing::warn!(
                rows_left_out,
                "stored employment rows that do not fit the observatory's table were left out"
            );
        }
        let table = builder.build();
        let options = Options {
            reference: ReferenceArea::default_for(&table),
            ..Options::default()
        };
        let statistics = compute(&table, &options);
        ObservatoryData {
            version,
            table,
            statistics,
            rows_left_out,
        }
    }

    /// Whether the table holds any region.
    pub fn is_empty(&self) -> bool {
        self.table.regions().is_empty()
    }

    /// Whether the reference area is the EU27 (else every country loaded).
    pub fn reference_is_eu27(&self) -> bool {
        matches!(
            self.statistics.options.reference,
            ReferenceArea::Countries(_)
        )
    }

    /// The cell of a region, sector and year (positions).
    pub fn cell(&self, region: usize, sector: usize, year: usize) -> Option<&CellStatistics> {
        self.statistics.cell(region, sector, year)
    }

    /// The positions of the regions of a level, in code order.
    pub fn regions_at_level(&self, level: u8) -> impl Iterator<Item = usize> + '_ {
        self.table
            .regions()
            .iter()
            .enumerate()
            .filter(move |(_, region)| region.level == level)
            .map(|(position, _)| position)
    }

    /// The positions of the regions of `level` inside the region at `position` (itself when
    /// the levels are equal).
    pub fn regions_within(&self, position: usize, level: u8) -> Vec<usize> {
        let code = &self.table.regions()[position].code;
        self.regions_at_level(level)
            .filter(|&other| self.table.regions()[other].code.starts_with(code.as_str()))
            .collect()
    }

    /// The year shown when none is asked for: the latest year in which the reference area has
    /// figures and at least three quarters as many regions of `level` have a location quotient
    /// as in the year with the most (the last year of a release is often only partly filled).
    pub fn default_year(&self, level: u8) -> Option<u16> {
        let years = self.table.years();
        let partition: Vec<usize> = self.table.classification().partition().collect();
        let regions: Vec<usize> = self.regions_at_level(level).collect();
        let coverage: Vec<usize> = (0..years.len())
            .map(|year| {
                if self.statistics.reference[year].countries.is_empty() {
                    return 0;
                }
                regions
                    .iter()
                    .filter(|&&region| {
                        partition.iter().any(|&sector| {
                            self.cell(region, sector, year)
                                .is_some_and(|cell| cell.lq.is_some())
                        })
                    })
                    .count()
            })
            .collect();
        let best = coverage.iter().copied().max().unwrap_or(0);
        if best == 0 {
            return years.last().copied();
        }
        coverage
            .iter()
            .rposition(|&count| count * 4 >= best * 3)
            .map(|position| years[position])
    }

    /// The latest year in which a region has a location quotient in some sector, else the latest
    /// year in which it has any employment figure.
    pub fn latest_year_of(&self, region: usize) -> Option<u16> {
        let years = self.table.years();
        let n_sectors = self.table.classification().len();
        let has = |year: usize, want_lq: bool| {
            (0..n_sectors).any(|sector| {
                self.cell(region, sector, year).is_some_and(|cell| {
                    if want_lq {
                        cell.lq.is_some()
                    } else {
                        cell.employment.is_some() || cell.region_employment.is_some()
                    }
                })
            })
        };
        (0..years.len())
            .rev()
            .find(|&year| has(year, true))
            .or_else(|| (0..years.len()).rev().find(|&year| has(year, false)))
            .map(|year| years[year])
    }
}

/// The observatory's statistics shared by every handler; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ObservatoryState {
    snapshot: Arc<RwLock<Option<Arc<ObservatoryData>>>>,
    /// Held while computing, so that concurrent requests wait for one computation.
    computing: Arc<tokio::sync::Mutex<()>>,
}

/// Why the statistics cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum ObservatoryError {
    #[error("reading the employment rows: {0}")]
    Storage(#[from] StorageError),
    #[error("computing the statistics: {0}")]
    Task(String),
}

impl ObservatoryState {
    /// An empty holder; the statistics are computed on first use.
    pub fn new() -> ObservatoryState {
        ObservatoryState::default()
    }

    fn held(&self) -> Option<Arc<ObservatoryData>> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The statistics of the rows as stored now: those held when the rows have not changed since
    /// they were computed, else computed again (and held).
    pub async fn current(
        &self,
        storage: &Storage,
    ) -> Result<Arc<ObservatoryData>, ObservatoryError> {
        let version = storage.employment_version().await?;
        if let Some(held) = self.held().filter(|held| held.version == version) {
            return Ok(held);
        }
        let _computing = self.computing.lock().await;
        // Someone else may have computed them while this request waited.
        let version = storage.employment_version().await?;
        if let Some(held) = self.held().filter(|held| held.version == version) {
            return Ok(held);
        }
        let started = std::time::Instant::now();
        let rows = storage.employment_cells(NACE_A10).await?;
        let row_count = rows.len();
        let data = tokio::task::spawn_blocking(move || ObservatoryData::from_rows(version, &rows))
            .await
            .map_err(|error| ObservatoryError::Task(error.to_string()))?;
        let data = Arc::new(data);
        tracing::info!(
            version,
            rows = row_count,
            regions = data.table.regions().len(),
            cells = data.statistics.cells.len(),
            seconds = started.elapsed().as_secs_f64(),
            "observatory statistics computed"
        );
        *self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&data));
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(region: &str, sector: &str, year: i64, persons: Option<i64>) -> EmploymentCell {
        EmploymentCell {
            region: region.to_owned(),
            sector: sector.to_owned(),
            year,
            persons,
        }
    }

    #[test]
    fn rows_become_a_table_and_misfits_are_counted() {
        let rows = vec![
            row("AT", "TOTAL", 2015, Some(100)),
            row("AT", "C", 2015, Some(20)),
            row("AT1", "C", 2015, None),
            row("AT", "Z", 2015, Some(1)),
            row("lowercase", "C", 2015, Some(1)),
            row("AT", "C", 70_000, Some(1)),
        ];
        let data = ObservatoryData::from_rows(3, &rows);
        assert_eq!(data.rows_left_out, 3);
        assert_eq!(data.version, 3);
        assert_eq!(data.table.regions().len(), 2);
        let c = data.table.classification().position("C").unwrap();
        let at = data.table.region_position("AT").unwrap();
        let cell = data.cell(at, c, 0).unwrap();
        assert_eq!(
            (cell.employment, cell.region_employment),
            (Some(20), Some(100))
        );
        assert!(!data.reference_is_eu27());
    }

    #[test]
    fn stars_and_criteria_by_method() {
        let mut cell = CellStatistics {
            region: 0,
            sector: 0,
            year: 2015,
            employment: Some(1),
            region_employment: Some(2),
            share: Some(0.5),
            lq: Some(2.5),
            employment_rank: None,
            share_rank: None,
            lq_rank: None,
            growth: None,
            eco: clusterhub_observatory::EcoStars {
                size: true,
                specialisation: true,
                focus: false,
            },
            us: clusterhub_observatory::UsStrength::default(),
        };
        assert_eq!(Method::Eco.stars(&cell), 2);
        assert_eq!(Method::Eco.criteria(&cell), ["size", "specialisation"]);
        assert_eq!(Method::Us.stars(&cell), 0);
        assert!(Method::Us.criteria(&cell).is_empty());
        cell.us = clusterhub_observatory::UsStrength {
            lq_at_least_percentile: true,
            employment_above_percentile: true,
            lq_at_least_minimum: true,
            strong: true,
            top_tier: true,
        };
        assert_eq!(Method::Us.stars(&cell), 2);
        assert_eq!(
            Method::Us.criteria(&cell),
            [
                "lq_at_least_percentile",
                "employment_above_percentile",
                "lq_at_least_minimum",
                "top_tier"
            ]
        );
    }
}
