//! Parsers for outside data: organisations in Clusterhub's CSV/XLSX layout
//! (`docs/import-format.md`), CORDIS project records (XML and CSV) and Eurostat regional
//! employment by sector (`nama_10r_3empers`, raw TSV or the Data Commons CSV).
//!
//! Every parser turns text into validated domain values or into errors that say where (line and
//! column), what (the value) and why (the reason), so a person can fix the file. Nothing here
//! touches a database or the file system: callers hand in readers and bytes.

mod cordis;
mod eurostat;
mod organisations;
mod table;

pub use cordis::{CordisParticipant, CordisProject, parse_cordis_csv, parse_cordis_xml};
pub use eurostat::{
    DroppedRegion, EmploymentError, EmploymentFile, EmploymentLayout, EmploymentObservation,
    EmploymentOnNuts2021, RegionalEmployment, TOTAL_SECTOR, parse_data_commons_csv,
    parse_employment, parse_eurostat_tsv, translate_to_nuts_2021,
};
pub use organisations::{OrganisationColumns, ParsedOrganisation};
pub use table::{CsvRows, FileFormat, RawRow, read_xlsx, sniff_format};

use serde::Serialize;

/// One refused cell (or row, when `column` is empty), for import reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl RowError {
    pub fn new(line: u64, column: &str, value: &str, reason: impl std::fmt::Display) -> Self {
        const LIMIT: usize = 80;
        let value = match value.char_indices().nth(LIMIT) {
            None => value.to_owned(),
            Some((cut, _)) => format!("{}…", &value[..cut]),
        };
        RowError {
            line,
            column: column.to_owned(),
            value,
            reason: reason.to_string(),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(formatter, "line {}: {}", self.line, self.reason)
        } else {
            write!(
                formatter,
                "line {}, column {}: '{}' — {}",
                self.line, self.column, self.value, self.reason
            )
        }
    }
}

/// A problem with a whole file rather than one of its rows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Format(String),
    #[error("header: {0}")]
    Header(String),
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("{file}: malformed XML at byte {position}: {message}")]
    Xml {
        file: String,
        position: u64,
        message: String,
    },
}
