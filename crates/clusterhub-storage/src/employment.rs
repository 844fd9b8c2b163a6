//! Regional employment by sector and year, the observatory's input: an all-or-nothing,
//! idempotent import and reads by classification.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::{Storage, StorageError};

/// One value: persons employed in a region, sector and year of a classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentRow {
    /// The sector classification, e.g. `nace_a10`.
    pub classification: String,
    /// A NUTS 2021 code.
    pub region: String,
    /// A sector code of the classification, or `TOTAL`.
    pub sector: String,
    pub year: i64,
    /// `None`: the source marks the value missing.
    pub persons: Option<i64>,
    /// The source's flags (Eurostat's `p`, `b`, ...), empty when none.
    pub flags: String,
    /// The older NUTS code the source used, when the region was relabelled.
    pub code_in_file: Option<String>,
    /// Where the value comes from (a file or data set name).
    pub source: String,
}

/// One stored value as the observatory's table takes it (see [`Storage::employment_cells`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentCell {
    /// A NUTS 2021 code.
    pub region: String,
    /// A sector code of the classification, or `TOTAL`.
    pub sector: String,
    pub year: i64,
    /// `None`: the source marks the value missing.
    pub persons: Option<i64>,
}

/// What an employment import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct EmploymentImportSummary {
    /// Rows added or changed.
    pub written: u64,
    /// Rows already stored as they are.
    pub unchanged: u64,
}

/// The `id_sequences` row counting the imports that changed employment rows.
const EMPLOYMENT_VERSION: &str = "employment_version";

/// Rows per multi-row statement: 8 parameters each, well below both engines' limits.
const ROWS_PER_STATEMENT: usize = 1_000;

impl Storage {
    /// Writes employment rows in one transaction: a row for a (classification, region, sector,
    /// year) already stored is replaced when it differs and left alone when it does not, so the
    /// same file imported twice writes nothing the second time. A failure writes nothing.
    pub async fn import_employment(
        &self,
        rows: &[EmploymentRow],
    ) -> Result<EmploymentImportSummary, StorageError> {
        let mut transaction = self.begin_write().await?;
        let mut written = 0;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO employment (classification, region, sector, year, persons, flags, \
                 code_in_file, source) VALUES ",
            );
            for (index, _) in chunk.iter().enumerate() {
                if index > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(&self.backend().placeholders(index * 8 + 1, 8));
                sql.push(')');
            }
            sql.push_str(
                " ON CONFLICT (classification, region, sector, year) DO UPDATE SET \
                 persons = excluded.persons, flags = excluded.flags, \
                 code_in_file = excluded.code_in_file, source = excluded.source \
                 WHERE employment.persons IS DISTINCT FROM excluded.persons \
                 OR employment.flags <> excluded.flags \
                 OR employment.code_in_file IS DISTINCT FROM excluded.code_in_file \
                 OR employment.source <> excluded.source",
            );
            let mut query = sqlx::query(&sql);
            for row in chunk {
                query = query
                    .bind(row.classification.clone())
                    .bind(row.region.clone())
                    .bind(row.sector.clone())
                    .bind(row.year)
                    .bind(row.persons)
                    .bind(row.flags.clone())
                    .bind(row.code_in_file.clone())
                    .bind(row.source.clone());
            }
            written += query.execute(&mut *transaction).await?.rows_affected();
        }
        if written > 0 {
            // Readers that keep statistics computed from these rows (the web server's
            // observatory) compare this version to know when to compute them again.
            sqlx::query(
                "INSERT INTO id_sequences (name, next_value) VALUES ($1, 1) \
                 ON CONFLICT (name) DO UPDATE SET next_value = id_sequences.next_value + 1",
            )
            .bind(EMPLOYMENT_VERSION)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(EmploymentImportSummary {
            written,
            unchanged: rows.len() as u64 - written,
        })
    }

    /// Every stored row of a classification, by region, sector and year.
    pub async fn employment_rows(
        &self,
        classification: &str,
    ) -> Result<Vec<EmploymentRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT classification, region, sector, year, persons, flags, code_in_file, source \
             FROM employment WHERE classification = $1 ORDER BY region, sector, year",
        )
        .bind(classification.to_owned())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(EmploymentRow {
                    classification: row.try_get(0)?,
                    region: row.try_get(1)?,
                    sector: row.try_get(2)?,
                    year: row.try_get(3)?,
                    persons: row.try_get(4)?,
                    flags: row.try_get(5)?,
                    code_in_file: row.try_get(6)?,
                    source: row.try_get(7)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// Every stored value of a classification as (region, sector, year, persons), in the order
    /// of [`Storage::employment_rows`]: what the observatory computes from, read without the
    /// columns it does not use (the shipped table is 435 k rows, read at every start).
    pub async fn employment_cells(
        &self,
        classification: &str,
    ) -> Result<Vec<EmploymentCell>, StorageError> {
        let rows = sqlx::query(
            "SELECT region, sector, year, persons \
             FROM employment WHERE classification = $1 ORDER BY region, sector, year",
        )
        .bind(classification.to_owned())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(EmploymentCell {
                    region: row.try_get(0)?,
                    sector: row.try_get(1)?,
                    year: row.try_get(2)?,
                    persons: row.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// The version of the employment rows: 0 before any import wrote a row, then one more with
    /// every import that wrote something (committed with the rows). One single-row read.
    pub async fn employment_version(&self) -> Result<i64, StorageError> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT next_value FROM id_sequences WHERE name = $1")
                .bind(EMPLOYMENT_VERSION)
                .fetch_optional(self.pool())
                .await?;
        Ok(version.unwrap_or(0))
    }

    /// How many rows a classification has.
    pub async fn employment_count(&self, classification: &str) -> Result<i64, StorageError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM employment WHERE classification = $1")
                .bind(classification.to_owned())
                .fetch_one(self.pool())
                .await?;
        Ok(count)
    }
}
