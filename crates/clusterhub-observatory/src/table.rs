//! The employment table: persons employed by region × sector × year, plus each region's reported
//! total, with missing values kept missing.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::classification::{Classification, SectorRole};

/// A region of the table. Its level and country come from its NUTS code: the level is the
/// code's length minus 2 (0 for a country), the country is its first two letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub level: u8,
    pub country: String,
}

impl Region {
    fn from_code(code: &str) -> Result<Region, TableError> {
        let valid = (2..=5).contains(&code.len())
            && code.bytes().take(2).all(|byte| byte.is_ascii_uppercase())
            && code.bytes().all(|byte| byte.is_ascii_alphanumeric());
        if !valid {
            return Err(TableError::BadRegion(code.to_owned()));
        }
        Ok(Region {
            code: code.to_owned(),
            level: (code.len() - 2) as u8,
            country: code[..2].to_owned(),
        })
    }
}

/// Why a value cannot go into the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("{0} is not a NUTS code (two capital letters and up to three letters or digits)")]
    BadRegion(String),
    #[error("sector {0} is not in the classification")]
    UnknownSector(String),
    #[error("{region}, {sector}, {year}: given twice")]
    Duplicate {
        region: String,
        sector: String,
        year: u16,
    },
}

/// Collects values in any order; [`TableBuilder::build`] lays them out.
#[derive(Debug)]
pub struct TableBuilder {
    classification: Classification,
    /// (region, sector position or `None` for the total, year) → persons.
    values: HashMap<(String, Option<usize>, u16), Option<u64>>,
}

impl TableBuilder {
    pub fn new(classification: Classification) -> TableBuilder {
        TableBuilder {
            classification,
            values: HashMap::new(),
        }
    }

    /// Records persons employed in a region, sector (`None`: the region's total of all
    /// activities) and year. `None` persons record a value the source marks missing.
    pub fn set(
        &mut self,
        region: &str,
        sector: Option<&str>,
        year: u16,
        persons: Option<u64>,
    ) -> Result<(), TableError> {
        Region::from_code(region)?;
        let position = match sector {
            None => None,
            Some(code) => Some(
                self.classification
                    .position(code)
                    .ok_or_else(|| TableError::UnknownSector(code.to_owned()))?,
            ),
        };
        if self
            .values
            .insert((region.to_owned(), position, year), persons)
            .is_some()
        {
            return Err(TableError::Duplicate {
                region: region.to_owned(),
                sector: sector.unwrap_or("total").to_owned(),
                year,
            });
        }
        Ok(())
    }

    /// Lays the values out densely: regions in code order, years ascending (every year from
    /// the first to the last one given).
    pub fn build(self) -> EmploymentTable {
        let codes: BTreeSet<&str> = self
            .values
            .keys()
            .map(|(region, _, _)| region.as_str())
            .collect();
        let regions: Vec<Region> = codes
            .iter()
            .map(|code| Region::from_code(code).expect("checked by set"))
            .collect();
        let region_index: HashMap<&str, usize> = codes
            .iter()
            .enumerate()
            .map(|(position, code)| (*code, position))
            .collect();
        let (first, last) = self
            .values
            .keys()
            .fold((u16::MAX, u16::MIN), |(low, high), (_, _, year)| {
                (low.min(*year), high.max(*year))
            });
        let years: Vec<u16> = if first > last {
            Vec::new()
        } else {
            (first..=last).collect()
        };
        let n_sectors = self.classification.len();
        let mut table = EmploymentTable {
            reported: vec![None; regions.len() * n_sectors * years.len()],
            reported_totals: vec![None; regions.len() * years.len()],
            classification: self.classification,
            regions,
            years,
        };
        for ((region, sector, year), persons) in &self.values {
            let region = region_index[region.as_str()];
            let year = usize::from(year - first);
            match sector {
                Some(sector) => {
                    let cell = table.cell(region, *sector, year);
                    table.reported[cell] = *persons;
                }
                None => table.reported_totals[region * table.years.len() + year] = *persons,
            }
        }
        table
    }
}

/// Persons employed by region × sector × year as reported, with the region totals.
#[derive(Debug, Clone, Serialize)]
pub struct EmploymentTable {
    classification: Classification,
    regions: Vec<Region>,
    years: Vec<u16>,
    /// `[region][sector][year]`.
    reported: Vec<Option<u64>>,
    /// `[region][year]`.
    reported_totals: Vec<Option<u64>>,
}

impl EmploymentTable {
    pub fn classification(&self) -> &Classification {
        &self.classification
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn years(&self) -> &[u16] {
        &self.years
    }

    /// The position of a region by code.
    pub fn region_position(&self, code: &str) -> Option<usize> {
        self.regions
            .binary_search_by(|region| region.code.as_str().cmp(code))
            .ok()
    }

    /// The position of a year.
    pub fn year_position(&self, year: u16) -> Option<usize> {
        let first = *self.years.first()?;
        let position = usize::from(year.checked_sub(first)?);
        (position < self.years.len()).then_some(position)
    }

    pub(crate) fn cell(&self, region: usize, sector: usize, year: usize) -> usize {
        (region * self.classification.len() + sector) * self.years.len() + year
    }

    /// The value as the source gave it.
    pub fn reported(&self, region: usize, sector: usize, year: usize) -> Option<u64> {
        self.reported[self.cell(region, sector, year)]
    }

    /// The region's total as the source gave it.
    pub fn reported_total(&self, region: usize, year: usize) -> Option<u64> {
        self.reported_totals[region * self.years.len() + year]
    }

    /// The value the statistics use: a partition member or sub-group as reported; an aggregate
    /// as the sum of its partition members when all of them are known (the source's own
    /// aggregates do not always equal the sum of their parts), else as reported.
    pub fn employment(&self, region: usize, sector: usize, year: usize) -> Option<u64> {
        match self.classification.role(sector) {
            SectorRole::Partition | SectorRole::SubGroup(_) => self.reported(region, sector, year),
            SectorRole::Aggregate(members) => members
                .iter()
                .map(|&member| self.reported(region, member, year))
                .sum::<Option<u64>>()
                .or_else(|| self.reported(region, sector, year)),
        }
    }

    /// The region's employment in all activities: the reported total when there is one; else,
    /// for an exhaustive classification, the sum of the partition when every member is known;
    /// else unknown.
    pub fn total(&self, region: usize, year: usize) -> Option<u64> {
        self.reported_total(region, year).or_else(|| {
            if !self.classification.is_exhaustive() {
                return None;
            }
            self.classification
                .partition()
                .map(|member| self.reported(region, member, year))
                .sum()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_are_the_sum_of_their_parts_when_known() {
        let mut builder = TableBuilder::new(Classification::nace_a10());
        builder.set("AT1", Some("G-I"), 2000, Some(10)).unwrap();
        builder.set("AT1", Some("J"), 2000, Some(5)).unwrap();
        builder.set("AT1", Some("G-J"), 2000, Some(16)).unwrap();
        builder.set("AT1", Some("G-J"), 2001, Some(20)).unwrap();
        builder.set("AT1", Some("J"), 2001, None).unwrap();
        builder.set("AT1", None, 2001, Some(100)).unwrap();
        let error = builder.set("AT1", Some("J"), 2001, Some(1)).unwrap_err();
        assert!(matches!(error, TableError::Duplicate { .. }));
        assert_eq!(
            builder.set("AT1", Some("X"), 2001, Some(1)).unwrap_err(),
            TableError::UnknownSector(String::from("X"))
        );
        let table = builder.build();
        let gj = table.classification().position("G-J").unwrap();
        assert_eq!(table.years(), [2000, 2001]);
        assert_eq!(table.employment(0, gj, 0), Some(15));
        assert_eq!(table.employment(0, gj, 1), Some(20));
        assert_eq!(table.total(0, 1), Some(100));
        // No total and an incomplete partition: unknown.
        assert_eq!(table.total(0, 0), None);
        assert_eq!(table.regions()[0].level, 1);
    }
}
