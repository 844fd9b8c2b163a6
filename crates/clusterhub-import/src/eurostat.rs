//! Eurostat regional employment by sector: the Data Commons CSV layout
//! (`Date,GeoId,Count_Person_Employed_NACE/A,...`) and the raw Eurostat TSV layout of
//! `nama_10r_3empers` (`freq,unit,wstatus,nace_r2,geo\TIME_PERIOD` then one column per year),
//! parsed into observations of persons employed, and the translation of their regions to NUTS 2021.
//!
//! Numbers are read as decimal text, never through floating point: the TSV's thousands
//! (`3.06` = 3,060 persons) become exact integers, and the CSV's float text
//! (`1035599.9999999999`) is rounded to the whole person it stands for. A missing value (`:` in the
//! TSV, an empty cell in the CSV) stays missing (`None`), never zero.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use clusterhub_reference::{NutsTranslationMethod, NutsVersion, Reference};
use serde::Serialize;

use crate::table::CsvRows;
use crate::{ImportError, RowError};

/// The sector code the parsers give to the total of all activities.
pub const TOTAL_SECTOR: &str = "TOTAL";

/// Which of the two layouts a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EmploymentLayout {
    /// `Date,GeoId,Count_Person_Employed_NACE/A,...`: one row per region and year, persons as
    /// float text, `GeoId` written `dcid:nuts/CODE`.
    DataCommonsCsv,
    /// The raw Eurostat TSV of `nama_10r_3empers`: one row per unit, work status, sector and
    /// region, one column per year, values in thousands with flags.
    EurostatTsv,
}

/// Persons employed in one region, sector and year, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmploymentObservation {
    /// The line of the file the value comes from (1-based; line 1 is the header).
    pub line: u64,
    /// The region code as written in the file, upper case, without the `dcid:nuts/` prefix.
    pub geo: String,
    /// The NACE Rev. 2 A*10 code with a hyphen (`A`, `B-E`, `M-N`) or [`TOTAL_SECTOR`].
    pub sector: String,
    pub year: u16,
    /// Persons employed; `None` when the file marks the value missing.
    pub persons: Option<u64>,
    /// Eurostat's flags for the value (`p` provisional, `b` break in series, `e` estimated,
    /// `u` low reliability, `c` confidential, ...), as written; empty when there are none.
    pub flags: String,
}

/// A parsed employment file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmploymentFile {
    pub layout: EmploymentLayout,
    pub observations: Vec<EmploymentObservation>,
    /// Rows that are valid but not persons employed (the TSV's employees, `wstatus` `SAL`):
    /// how many were left out.
    pub rows_not_employment: u64,
}

/// Why an employment file was refused: one problem with the whole file, or every bad cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmploymentError {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error("{} bad value(s); the first: {}", .0.len(), .0[0])]
    Rows(Vec<RowError>),
}

/// Reads an employment file in either layout; the header decides which.
pub fn parse_employment<R: Read>(reader: R) -> Result<EmploymentFile, EmploymentError> {
    let mut buffered = BufReader::new(reader);
    let prefix = buffered
        .fill_buf()
        .map_err(|error| ImportError::Io(error.to_string()))?;
    let prefix = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    if prefix.starts_with(b"freq,") || prefix.starts_with(b"unit,") {
        parse_eurostat_tsv(buffered)
    } else if prefix.starts_with(b"Date,GeoId") || prefix.starts_with(b"\"Date\"") {
        parse_data_commons_csv(buffered)
    } else {
        Err(ImportError::Format(String::from(
            "not an employment file: expected the Eurostat TSV header `freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD` \
             or the CSV header `Date,GeoId,Count_Person_Employed_NACE/A,...`",
        ))
        .into())
    }
}

/// What one column of the CSV layout holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CsvColumn {
    Date,
    GeoId,
    Sector(String),
}

fn csv_column(name: &str) -> Option<CsvColumn> {
    match name {
        "Date" => Some(CsvColumn::Date),
        "GeoId" => Some(CsvColumn::GeoId),
        "Count_Person_Employed" => Some(CsvColumn::Sector(String::from(TOTAL_SECTOR))),
        other => other
            .strip_prefix("Count_Person_Employed_NACE/")
            .and_then(|code| normalise_sector(code).ok())
            .map(CsvColumn::Sector),
    }
}

/// Reads the Data Commons CSV layout: `Date,GeoId`, then one `Count_Person_Employed_NACE/X`
/// column per sector and `Count_Person_Employed` for the total, in any order.
pub fn parse_data_commons_csv<R: Read>(reader: R) -> Result<EmploymentFile, EmploymentError> {
    let rows = CsvRows::new(reader)?;
    let header = rows.header().to_vec();
    let mut columns = Vec::with_capacity(header.len());
    for (index, name) in header.iter().enumerate() {
        let column = csv_column(name).ok_or_else(|| {
            ImportError::Header(format!(
                "column {} `{name}` is not `Date`, `GeoId`, `Count_Person_Employed` or \
                 `Count_Person_Employed_NACE/<A*10 code>`",
                index + 1
            ))
        })?;
        if columns.contains(&column) {
            return Err(ImportError::Header(format!("column `{name}` appears twice")).into());
        }
        columns.push(column);
    }
    for needed in [CsvColumn::Date, CsvColumn::GeoId] {
        if !columns.contains(&needed) {
            return Err(ImportError::Header(format!("the column {needed:?} is missing")).into());
        }
    }
    if !columns
        .iter()
        .any(|column| matches!(column, CsvColumn::Sector(_)))
    {
        return Err(ImportError::Header(String::from("there is no employment column")).into());
    }

    let mut observations = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        if row.fields.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if row.fields.len() != columns.len() {
            errors.push(RowError::new(
                row.line,
                "",
                "",
                format!(
                    "{} cells where the header has {}",
                    row.fields.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let mut year = None;
        let mut geo = None;
        for (column, (name, cell)) in columns.iter().zip(header.iter().zip(&row.fields)) {
            match column {
                CsvColumn::Date => match parse_year(cell.trim()) {
                    Ok(value) => year = Some(value),
                    Err(reason) => errors.push(row.error(name, cell, reason)),
                },
                CsvColumn::GeoId => match parse_geo_id(cell.trim()) {
                    Ok(value) => geo = Some(value),
                    Err(reason) => errors.push(row.error(name, cell, reason)),
                },
                CsvColumn::Sector(_) => {}
            }
        }
        let (Some(year), Some(geo)) = (year, geo) else {
            continue;
        };
        for (column, (name, cell)) in columns.iter().zip(header.iter().zip(&row.fields)) {
            let CsvColumn::Sector(sector) = column else {
                continue;
            };
            let cell = cell.trim();
            let persons = if cell.is_empty() {
                None
            } else {
                match parse_whole_persons(cell) {
                    Ok(value) => Some(value),
                    Err(reason) => {
                        errors.push(row.error(name, cell, reason));
                        continue;
                    }
                }
            };
            observations.push(EmploymentObservation {
                line: row.line,
                geo: geo.clone(),
                sector: sector.clone(),
                year,
                persons,
                flags: String::new(),
            });
        }
    }
    if errors.is_empty() {
        Ok(EmploymentFile {
            layout: EmploymentLayout::DataCommonsCsv,
            observations,
            rows_not_employment: 0,
        })
    } else {
        Err(EmploymentError::Rows(errors))
    }
}

/// Reads the raw Eurostat TSV layout of `nama_10r_3empers`: a first cell
/// `freq,unit,wstatus,nace_r2,geo\TIME_PERIOD` (the dimensions, comma separated, in any order
/// with `geo\TIME_PERIOD` last) and one tab-separated column per year. A value is a decimal
/// number or `:`, optionally followed by a space and flags. Units `THS` (thousands) and `NR`
/// (persons) are read; only `wstatus` `EMP` (persons employed) is kept.
pub fn parse_eurostat_tsv<R: Read>(reader: R) -> Result<EmploymentFile, EmploymentError> {
    let mut lines = BufReader::new(reader).lines();
    let header = match lines.next() {
        None => return Err(ImportError::Header(String::from("the file is empty")).into()),
        Some(line) => line.map_err(|error| ImportError::Io(error.to_string()))?,
    };
    let header = header.trim_start_matches('\u{feff}').trim_end_matches('\r');
    let mut header_cells = header.split('\t');
    let dimensions: Vec<&str> = header_cells.next().unwrap_or("").split(',').collect();
    let years = header_cells
        .enumerate()
        .map(|(index, cell)| {
            parse_year(cell.trim()).map_err(|reason| {
                ImportError::Header(format!(
                    "line 1, column {}: '{}' — {reason}",
                    index + 2,
                    cell.trim()
                ))
            })
        })
        .collect::<Result<Vec<u16>, ImportError>>()?;
    let position = |name: &str| dimensions.iter().position(|dimension| *dimension == name);
    let (Some(unit_at), Some(wstatus_at), Some(nace_at)) =
        (position("unit"), position("wstatus"), position("nace_r2"))
    else {
        return Err(ImportError::Header(format!(
            "the first cell must name the dimensions `unit`, `wstatus`, `nace_r2` and \
             `geo\\TIME_PERIOD`; it is `{}`",
            dimensions.join(",")
        ))
        .into());
    };
    if dimensions.last() != Some(&"geo\\TIME_PERIOD") {
        return Err(ImportError::Header(String::from(
            "the last dimension of the first cell must be `geo\\TIME_PERIOD`",
        ))
        .into());
    }
    if years.is_empty() {
        return Err(ImportError::Header(String::from("there are no year columns")).into());
    }
    let geo_at = dimensions.len() - 1;
    let key_column = dimensions.join(",");

    let mut observations = Vec::new();
    let mut errors = Vec::new();
    let mut rows_not_employment = 0;
    for (index, line) in lines.enumerate() {
        let line_number = index as u64 + 2;
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                errors.push(RowError::new(
                    line_number,
                    "",
                    "",
                    format!("unreadable line: {error}"),
                ));
                continue;
            }
        };
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != years.len() + 1 {
            errors.push(RowError::new(
                line_number,
                "",
                "",
                format!(
                    "{} cells where the header has {}",
                    cells.len(),
                    years.len() + 1
                ),
            ));
            continue;
        }
        let key: Vec<&str> = cells[0].split(',').map(str::trim).collect();
        if key.len() != dimensions.len() {
            errors.push(RowError::new(
                line_number,
                &key_column,
                cells[0],
                format!(
                    "{} dimensions where the header names {}",
                    key.len(),
                    dimensions.len()
                ),
            ));
            continue;
        }
        let scale_digits = match key[unit_at] {
            "THS" | "THS_PER" => 3,
            "NR" | "PER" => 0,
            other => {
                errors.push(RowError::new(
                    line_number,
                    "unit",
                    other,
                    "unknown unit: expected THS (thousands) or NR (persons)",
                ));
                continue;
            }
        };
        match key[wstatus_at] {
            "EMP" => {}
            "SAL" | "SELF" => {
                rows_not_employment += 1;
                continue;
            }
            other => {
                errors.push(RowError::new(
                    line_number,
                    "wstatus",
                    other,
                    "unknown work status: expected EMP, SAL or SELF",
                ));
                continue;
            }
        }
        let sector = match normalise_sector(key[nace_at]) {
            Ok(sector) => sector,
            Err(reason) => {
                errors.push(RowError::new(line_number, "nace_r2", key[nace_at], reason));
                continue;
            }
        };
        let geo = match check_geo(key[geo_at]) {
            Ok(geo) => geo,
            Err(reason) => {
                errors.push(RowError::new(line_number, "geo", key[geo_at], reason));
                continue;
            }
        };
        for (year, cell) in years.iter().zip(&cells[1..]) {
            match parse_tsv_value(cell, scale_digits) {
                Ok((persons, flags)) => observations.push(EmploymentObservation {
                    line: line_number,
                    geo: geo.clone(),
                    sector: sector.clone(),
                    year: *year,
                    persons,
                    flags,
                }),
                Err(reason) => errors.push(RowError::new(
                    line_number,
                    &year.to_string(),
                    cell.trim(),
                    reason,
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok(EmploymentFile {
            layout: EmploymentLayout::EurostatTsv,
            observations,
            rows_not_employment,
        })
    } else {
        Err(EmploymentError::Rows(errors))
    }
}

fn parse_year(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(year) if (1900..=2100).contains(&year) && text.len() == 4 => Ok(year),
        _ => Err(String::from("not a year (four digits, 1900–2100)")),
    }
}

/// `dcid:nuts/AT11` → `AT11`.
fn parse_geo_id(text: &str) -> Result<String, String> {
    let code = text
        .strip_prefix("dcid:nuts/")
        .or_else(|| text.strip_prefix("nuts/"))
        .unwrap_or(text);
    check_geo(code)
}

/// A region code as Eurostat writes them: letters and digits, two letters first (`AT11`,
/// `EU27_2020` has an underscore), 2 to 12 characters.
fn check_geo(code: &str) -> Result<String, String> {
    let code = code.trim().to_ascii_uppercase();
    let valid = (2..=12).contains(&code.len())
        && code.bytes().take(2).all(|byte| byte.is_ascii_uppercase())
        && code
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if valid {
        Ok(code)
    } else {
        Err(String::from(
            "not a region code (two letters, then letters or digits, e.g. AT11 or dcid:nuts/AT11)",
        ))
    }
}

/// The A*10 codes and their sub-groups and aggregates, written with a hyphen (Eurostat's TSV
/// writes `M_N`), and `TOTAL`.
fn normalise_sector(code: &str) -> Result<String, String> {
    let code = code.trim().to_ascii_uppercase().replace('_', "-");
    let mut parts = code.split('-');
    let well_formed = match (parts.next(), parts.next(), parts.next()) {
        (Some(single), None, None) => {
            code == TOTAL_SECTOR || (single.len() == 1 && single.as_bytes()[0].is_ascii_uppercase())
        }
        (Some(first), Some(last), None) => {
            first.len() == 1
                && last.len() == 1
                && first.as_bytes()[0].is_ascii_uppercase()
                && last.as_bytes()[0].is_ascii_uppercase()
                && first < last
        }
        _ => false,
    };
    if well_formed {
        Ok(code)
    } else {
        Err(String::from(
            "not a NACE Rev. 2 section or range of sections (e.g. C, B-E, M_N) or TOTAL",
        ))
    }
}

/// Splits decimal text into its integer digits and its fractional digits.
fn decimal_digits(text: &str) -> Result<(&str, &str), String> {
    if text.starts_with('-') {
        return Err(String::from("negative employment"));
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(String::from("not a decimal number"));
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 15 {
        return Err(String::from("too large for a number of persons"));
    }
    Ok((whole, fraction))
}

/// A number of persons written as float text (`1035599.9999999999`, `231800.0`): the whole
/// number it stands for. Values further than 0.001 from a whole number are refused.
fn parse_whole_persons(text: &str) -> Result<u64, String> {
    let (whole, fraction) = decimal_digits(text)?;
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| String::from("not a number"))?
    };
    let first_three: String = fraction.chars().chain("000".chars()).take(3).collect();
    match first_three.as_str() {
        "000" => Ok(whole),
        "999" => Ok(whole + 1),
        _ => Err(String::from(
            "not a whole number of persons (the value must be persons, not thousands)",
        )),
    }
}

/// Decimal text in units of 10^`scale_digits` persons, as exact persons (`3.06` thousands →
/// 3,060). More decimals than the unit allows (a fraction of a person) are refused unless zero.
fn parse_scaled_persons(text: &str, scale_digits: usize) -> Result<u64, String> {
    let (whole, fraction) = decimal_digits(text)?;
    let (kept, rest) = fraction.split_at(fraction.len().min(scale_digits));
    if rest.bytes().any(|byte| byte != b'0') {
        return Err(format!(
            "more than {scale_digits} decimals: a fraction of a person"
        ));
    }
    let mut digits = String::with_capacity(whole.len() + scale_digits);
    digits.push_str(whole);
    digits.push_str(kept);
    for _ in kept.len()..scale_digits {
        digits.push('0');
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    digits
        .parse()
        .map_err(|_| String::from("too large for a number of persons"))
}

/// One TSV cell: `3.06 `, `3.16 p`, `: `, `: c`, `0.14 b`.
fn parse_tsv_value(cell: &str, scale_digits: usize) -> Result<(Option<u64>, String), String> {
    let cell = cell.trim();
    let (number, flags) = match cell.split_once(' ') {
        Some((number, flags)) => (number, flags.trim()),
        None => (cell, ""),
    };
    if !flags.bytes().all(|byte| byte.is_ascii_lowercase()) {
        return Err(String::from(
            "flags must be lower-case letters (p, b, e, u, c, ...) after the value",
        ));
    }
    if number == ":" {
        return Ok((None, flags.to_owned()));
    }
    if number.is_empty() {
        return Err(String::from(
            "empty cell: Eurostat writes a missing value as `:`",
        ));
    }
    Ok((
        Some(parse_scaled_persons(number, scale_digits)?),
        flags.to_owned(),
    ))
}

/// An observation carried over to NUTS 2021.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionalEmployment {
    /// The NUTS 2021 region.
    pub nuts: String,
    /// The code the file used, when it differs (an older NUTS version).
    pub code_in_file: Option<String>,
    pub sector: String,
    pub year: u16,
    pub persons: Option<u64>,
    pub flags: String,
}

/// A region code of the file whose values were left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedRegion {
    pub code: String,
    pub reason: String,
    /// How many values it had.
    pub values: u64,
}

/// The observations of a file on NUTS 2021 regions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmploymentOnNuts2021 {
    pub values: Vec<RegionalEmployment>,
    /// The codes that were relabelled, old → new.
    pub relabelled: Vec<(String, String)>,
    pub dropped: Vec<DroppedRegion>,
}

/// Carries observations over to NUTS 2021 regions with the reference crate's recoding:
/// - a code valid in NUTS 2021 is kept;
/// - a code that was relabelled (or whose 2021 counterpart is at the same level) takes its 2021
///   code;
/// - Extra-Regio codes (`ATZ`, `ATZZ`, `ATZZZ`) are left out: that employment is counted in the
///   country's own total already and has no place on a map;
/// - a code whose 2021 counterpart is coarser (a region split or merged, e.g. `HR04` → `HR0`) is
///   left out: its figure does not describe the containing region, which has its own rows;
/// - aggregates of countries (`EU27_2020`, `EU28`) and unknown codes are left out;
/// - when two codes land on the same 2021 region, sector and year, the one that is a 2021 code
///   wins; two old codes landing on one region (a merger) are both left out, since the file need
///   not hold every part of the merged region.
///
/// Every left-out code is reported with its reason. Nothing is ever added up or invented.
pub fn translate_to_nuts_2021(
    observations: &[EmploymentObservation],
    reference: &Reference,
) -> EmploymentOnNuts2021 {
    let nuts_2021 = reference.nuts(NutsVersion::V2021);
    // Decide once per code.
    let mut decisions: HashMap<&str, Result<(String, bool), String>> = HashMap::new();
    for observation in observations {
        let code = observation.geo.as_str();
        if decisions.contains_key(code) {
            continue;
        }
        let decision = if nuts_2021.contains(code) {
            Ok((code.to_owned(), true))
        } else if let Some(translation) = reference.nuts_translation(code) {
            match (&translation.nuts_2021, translation.method) {
                (_, NutsTranslationMethod::ExtraRegio) => Err(String::from(
                    "Extra-Regio: employment outside any region, already in the country's total",
                )),
                (Some(new), _) if new.len() == code.len() => Ok((new.clone(), false)),
                (Some(new), _) => Err(format!(
                    "split or merged by a later NUTS version; its NUTS 2021 counterpart {new} is \
                     a larger region"
                )),
                (None, _) => Err(String::from("no NUTS 2021 successor")),
            }
        } else if code.starts_with("EU") || code.starts_with("EA") {
            Err(String::from("an aggregate of countries, not a NUTS region"))
        } else {
            Err(String::from("unknown NUTS code"))
        };
        decisions.insert(code, decision);
    }

    // Which source codes land on each (region, sector, year)?
    let mut claims: HashMap<(&str, &str, u16), Vec<usize>> = HashMap::new();
    for (index, observation) in observations.iter().enumerate() {
        if let Some(Ok((new, _))) = decisions.get(observation.geo.as_str()) {
            claims
                .entry((new.as_str(), observation.sector.as_str(), observation.year))
                .or_default()
                .push(index);
        }
    }
    let mut dropped: HashMap<String, (String, u64)> = HashMap::new();
    let mut keep = vec![false; observations.len()];
    for indices in claims.values() {
        if let [only] = indices.as_slice() {
            keep[*only] = true;
            continue;
        }
        let current: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|&index| {
                matches!(
                    decisions.get(observations[index].geo.as_str()),
                    Some(Ok((_, true)))
                )
            })
            .collect();
        if let [winner] = current.as_slice() {
            keep[*winner] = true;
        }
        for &index in indices {
            if keep[index] {
                continue;
            }
            let observation = &observations[index];
            let target = match decisions.get(observation.geo.as_str()) {
                Some(Ok((new, _))) => new.as_str(),
                _ => "",
            };
            let reason = if current.len() == 1 {
                format!("its NUTS 2021 counterpart {target} has its own values in the file")
            } else {
                format!("several codes of the file become {target} in NUTS 2021 (a merger)")
            };
            dropped
                .entry(observation.geo.clone())
                .or_insert_with(|| (reason, 0))
                .1 += 1;
        }
    }

    let mut values = Vec::with_capacity(observations.len());
    let mut relabelled = HashMap::new();
    for (index, observation) in observations.iter().enumerate() {
        match decisions.get(observation.geo.as_str()) {
            Some(Ok((new, is_current))) if keep[index] => {
                if !is_current {
                    relabelled.insert(observation.geo.clone(), new.clone());
                }
                values.push(RegionalEmployment {
                    nuts: new.clone(),
                    code_in_file: (!is_current).then(|| observation.geo.clone()),
                    sector: observation.sector.clone(),
                    year: observation.year,
                    persons: observation.persons,
                    flags: observation.flags.clone(),
                });
            }
            Some(Err(reason)) => {
                dropped
                    .entry(observation.geo.clone())
                    .or_insert_with(|| (reason.clone(), 0))
                    .1 += 1;
            }
            _ => {}
        }
    }
    let mut relabelled: Vec<(String, String)> = relabelled.into_iter().collect();
    relabelled.sort();
    let mut dropped: Vec<DroppedRegion> = dropped
        .into_iter()
        .map(|(code, (reason, values))| DroppedRegion {
            code,
            reason,
            values,
        })
        .collect();
    dropped.sort_by(|a, b| a.code.cmp(&b.code));
    EmploymentOnNuts2021 {
        values,
        relabelled,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> &'static Reference {
        Reference::get()
    }

    const CSV_HEADER: &str = "Date,GeoId,Count_Person_Employed_NACE/A,Count_Person_Employed_NACE/B-E,Count_Person_Employed_NACE/C,Count_Person_Employed\n";

    fn csv(rows: &str) -> Result<EmploymentFile, EmploymentError> {
        parse_employment(format!("{CSV_HEADER}{rows}").as_bytes())
    }

    fn value(file: &EmploymentFile, geo: &str, sector: &str, year: u16) -> Option<u64> {
        file.observations
            .iter()
            .find(|o| o.geo == geo && o.sector == sector && o.year == year)
            .expect("observation present")
            .persons
    }

    #[test]
    fn csv_values_become_whole_persons_and_empty_cells_stay_missing() {
        let file = csv("2000,dcid:nuts/AT,231800.0,1035599.9999999999,,3755000.0\n").unwrap();
        assert_eq!(file.layout, EmploymentLayout::DataCommonsCsv);
        assert_eq!(value(&file, "AT", "A", 2000), Some(231_800));
        assert_eq!(value(&file, "AT", "B-E", 2000), Some(1_035_600));
        assert_eq!(value(&file, "AT", "C", 2000), None);
        assert_eq!(value(&file, "AT", TOTAL_SECTOR, 2000), Some(3_755_000));
        assert_eq!(file.observations[0].line, 2);
    }

    #[test]
    fn csv_errors_name_line_and_column() {
        let error =
            csv("2000,dcid:nuts/AT,1.5,2,3,4\n2001,dcid:nuts/AT,1,-2,3,4\nyear,AT,1,2,3,4\n")
                .unwrap_err();
        let EmploymentError::Rows(errors) = error else {
            panic!("row errors expected")
        };
        let found: Vec<(u64, &str)> = errors
            .iter()
            .map(|error| (error.line, error.column.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, "Count_Person_Employed_NACE/A"),
                (3, "Count_Person_Employed_NACE/B-E"),
                (4, "Date"),
            ]
        );
        assert!(errors[0].reason.contains("whole number"), "{}", errors[0]);
    }

    #[test]
    fn csv_header_must_be_known() {
        let error = parse_data_commons_csv(&b"Date,GeoId,Wages\n2000,AT,1\n"[..]).unwrap_err();
        assert!(error.to_string().contains("Wages"), "{error}");
    }

    const TSV_HEADER: &str = "freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD\t2019\t2020\t2021\t2022\n";

    #[test]
    fn tsv_thousands_become_exact_persons_with_flags() {
        let text = format!(
            "{TSV_HEADER}A,THS,EMP,M_N,DE234\t3.09 \t3.16 p\t0.1 b\t: \n\
             A,THS,SAL,F,DE234\t1 \t2 \t3 \t4 \n\
             A,THS,EMP,TOTAL,ITH43\t56 \t10020 p\t57.2 \t: c\n"
        );
        let file = parse_employment(text.as_bytes()).unwrap();
        assert_eq!(file.layout, EmploymentLayout::EurostatTsv);
        assert_eq!(file.rows_not_employment, 1);
        assert_eq!(value(&file, "DE234", "M-N", 2019), Some(3_090));
        assert_eq!(value(&file, "DE234", "M-N", 2020), Some(3_160));
        assert_eq!(value(&file, "DE234", "M-N", 2021), Some(100));
        assert_eq!(value(&file, "DE234", "M-N", 2022), None);
        assert_eq!(value(&file, "ITH43", TOTAL_SECTOR, 2020), Some(10_020_000));
        // 57.2 thousands is exactly 57,200: no floating-point drift (57.2 * 1000 = 57200.00000000001).
        assert_eq!(value(&file, "ITH43", TOTAL_SECTOR, 2021), Some(57_200));
        let flags: Vec<&str> = file
            .observations
            .iter()
            .filter(|o| o.geo == "DE234")
            .map(|o| o.flags.as_str())
            .collect();
        assert_eq!(flags, vec!["", "p", "b", ""]);
        let confidential = file
            .observations
            .iter()
            .find(|o| o.geo == "ITH43" && o.year == 2022)
            .unwrap();
        assert_eq!(
            (confidential.persons, confidential.flags.as_str()),
            (None, "c")
        );
    }

    #[test]
    fn tsv_errors_name_line_and_year() {
        let text = format!(
            "{TSV_HEADER}A,THS,EMP,A,AT11\t1.2345 \tx \t1 \t1 \n\
             A,EUR,EMP,A,AT11\t1 \t1 \t1 \t1 \n\
             A,THS,EMP,A,AT11\t1 \t1 \n"
        );
        let EmploymentError::Rows(errors) = parse_employment(text.as_bytes()).unwrap_err() else {
            panic!("row errors expected")
        };
        let found: Vec<(u64, &str)> = errors
            .iter()
            .map(|error| (error.line, error.column.as_str()))
            .collect();
        assert_eq!(found, vec![(2, "2019"), (2, "2020"), (3, "unit"), (4, "")]);
        assert!(errors[0].reason.contains("fraction of a person"));
    }

    #[test]
    fn shipped_sample_parses() {
        let text = include_str!("../../../data/eurostat/nama_10r_3empers_sample.tsv");
        let file = parse_employment(text.as_bytes()).unwrap();
        // 100 lines: the header and 99 rows, 28 years each.
        let employment_rows = 99 - file.rows_not_employment;
        assert_eq!(file.observations.len() as u64, employment_rows * 28);
        // A,THS,EMP,TOTAL,ITH43: 2000 is `52.5 `.
        assert_eq!(value(&file, "ITH43", TOTAL_SECTOR, 2000), Some(52_500));
        assert_eq!(value(&file, "ITH43", TOTAL_SECTOR, 1995), None);
    }

    fn observation(geo: &str, year: u16, persons: u64) -> EmploymentObservation {
        EmploymentObservation {
            line: 2,
            geo: geo.to_owned(),
            sector: String::from("A"),
            year,
            persons: Some(persons),
            flags: String::new(),
        }
    }

    #[test]
    fn regions_are_carried_to_nuts_2021() {
        let observations = vec![
            observation("AT11", 2010, 1),
            // Relabelled: NUTS 2013 NO05 Vestlandet is NO0A in 2021.
            observation("NO05", 2010, 2),
            // Extra-Regio.
            observation("ATZZZ", 2010, 3),
            // Split in 2021: its counterpart is the whole country.
            observation("HR04", 2010, 4),
            observation("EU27_2020", 2010, 5),
            observation("XX99", 2010, 6),
        ];
        let result = translate_to_nuts_2021(&observations, reference());
        let kept: Vec<(&str, Option<&str>, Option<u64>)> = result
            .values
            .iter()
            .map(|v| (v.nuts.as_str(), v.code_in_file.as_deref(), v.persons))
            .collect();
        assert_eq!(
            kept,
            vec![("AT11", None, Some(1)), ("NO0A", Some("NO05"), Some(2))]
        );
        assert_eq!(
            result.relabelled,
            vec![(String::from("NO05"), String::from("NO0A"))]
        );
        let dropped: Vec<&str> = result.dropped.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(dropped, vec!["ATZZZ", "EU27_2020", "HR04", "XX99"]);
        assert!(result.dropped[0].reason.contains("Extra-Regio"));
        assert!(result.dropped[2].reason.contains("HR0"));
    }

    #[test]
    fn a_current_code_wins_over_an_old_one_for_the_same_region() {
        let observations = vec![observation("NO05", 2010, 2), observation("NO0A", 2010, 9)];
        let result = translate_to_nuts_2021(&observations, reference());
        assert_eq!(result.values.len(), 1);
        assert_eq!(result.values[0].persons, Some(9));
        assert_eq!(result.dropped[0].code, "NO05");
    }
}
