//! Organisations and cluster memberships: bulk import (all-or-nothing, idempotent), reads, counts.
//!
//! An import is one transaction. Rows arrive in batches; each batch looks up which external
//! keys exist already, skips the rows whose content hash is unchanged, updates the changed ones
//! and inserts the new ones with ids reserved in blocks from `id_sequences`. Memberships name
//! clusters by external key, so they are resolved after every row is written, still inside the
//! transaction. Nothing is visible to anyone else until the commit, and a kill before the commit
//! leaves the database as it was.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::time_text::now_text;
use crate::{Backend, Storage, StorageError};

/// Every stored column of an organisation profile, as plain values. Lists and localised texts
/// are kept in their structured form here and stored as JSON text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OrganisationImport {
    pub external_key: String,
    pub kind: String,
    pub name: String,
    /// Language code → name; includes the primary name under its language.
    pub names: BTreeMap<String, String>,
    /// Language code → description.
    pub descriptions: BTreeMap<String, String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub pic: Option<String>,
    pub vat: Option<String>,
    pub country: String,
    pub nuts: Option<String>,
    pub city: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub founded: Option<i64>,
    pub staff: Option<i64>,
    pub turnover_cents: Option<i64>,
    pub turnover_currency: Option<String>,
    pub balance_sheet_cents: Option<i64>,
    pub balance_sheet_currency: Option<String>,
    pub sme_status: String,
    pub sectors: Vec<String>,
    pub nace: Vec<String>,
    pub technologies: Vec<String>,
    pub s3_areas: Vec<String>,
    pub emerging: Vec<String>,
    pub target_international: Vec<String>,
    pub target_transnational: Vec<String>,
    pub escp: Option<String>,
    pub label: Option<String>,
    pub label_date: Option<String>,
    pub offers: Vec<String>,
    pub requests: Vec<String>,
    pub members_sme: Option<i64>,
    pub members_large: Option<i64>,
    pub members_research: Option<i64>,
    pub members_other: Option<i64>,
    /// External keys of the clusters this organisation is a member of.
    pub member_of: Vec<String>,
}

/// An organisation as stored, with its database id and bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredOrganisation {
    pub id: i64,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(flatten)]
    pub profile: OrganisationImport,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportSummary {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub memberships_added: u64,
}

/// A label and how many rows carry it, for summaries such as counts by country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountRow {
    pub key: String,
    pub count: i64,
}

/// Columns written for an organisation, in bind order. `id`, `revision` and the timestamps are
/// bound around these.
const PROFILE_COLUMNS: &[&str] = &[
    "external_key",
    "kind",
    "name",
    "names",
    "descriptions",
    "website",
    "email",
    "pic",
    "vat",
    "country",
    "nuts",
    "city",
    "lat",
    "lon",
    "founded",
    "staff",
    "turnover_cents",
    "turnover_currency",
    "balance_sheet_cents",
    "balance_sheet_currency",
    "sme_status",
    "sectors",
    "nace",
    "technologies",
    "s3_areas",
    "emerging",
    "target_international",
    "target_transnational",
    "escp",
    "label",
    "label_date",
    "offers",
    "requests",
    "members_sme",
    "members_large",
    "members_research",
    "members_other",
    "content_hash",
];

/// How many rows go into one multi-row statement: 500 rows × 42 columns stays well below
/// SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// A profile with its JSON columns serialised and its content hash computed: the work a writer
/// would otherwise do while holding the database, done beforehand (an import does it on the
/// thread that parses the file).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedOrganisation {
    pub profile: OrganisationImport,
    /// names, descriptions, sectors, nace, technologies, s3_areas, emerging,
    /// target_international, target_transnational, offers, requests — as JSON text.
    json: [String; 11],
    content_hash: String,
}

impl OrganisationImport {
    /// Serialises the JSON columns and computes the content hash.
    pub fn prepare(self) -> PreparedOrganisation {
        let json = [
            json_map(&self.names),
            json_map(&self.descriptions),
            json_list(&self.sectors),
            json_list(&self.nace),
            json_list(&self.technologies),
            json_list(&self.s3_areas),
            json_list(&self.emerging),
            json_list(&self.target_international),
            json_list(&self.target_transnational),
            json_list(&self.offers),
            json_list(&self.requests),
        ];
        let content_hash = content_hash(&self, &json);
        PreparedOrganisation {
            profile: self,
            json,
            content_hash,
        }
    }
}

impl PreparedOrganisation {
    /// The hash stored with the row; equal hashes mean an import has nothing to change.
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }
}

/// FNV-1a, 64 bits: stable across runs and machines, unlike `std`'s randomly seeded hasher.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// A value followed by a separator that cannot occur in UTF-8 text, so that moving text from
    /// one column to the next changes the hash; `None` hashes differently from `Some("")`.
    fn text(&mut self, value: Option<&str>) {
        match value {
            Some(text) => {
                self.bytes(text.as_bytes());
                self.bytes(&[0xFF]);
            }
            None => self.bytes(&[0xFE]),
        }
    }

    fn number<T: std::fmt::Display>(&mut self, value: Option<T>) {
        self.text(value.map(|value| value.to_string()).as_deref());
    }
}

/// A stable hash of every column an import writes for one organisation, including the clusters it
/// belongs to, so that importing the same data again can tell that nothing changed.
fn content_hash(profile: &OrganisationImport, json: &[String; 11]) -> String {
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    for text in [
        &profile.external_key,
        &profile.kind,
        &profile.name,
        &profile.country,
        &profile.sme_status,
    ] {
        hash.text(Some(text));
    }
    for text in [
        &profile.website,
        &profile.email,
        &profile.pic,
        &profile.vat,
        &profile.nuts,
        &profile.city,
        &profile.turnover_currency,
        &profile.balance_sheet_currency,
        &profile.escp,
        &profile.label,
        &profile.label_date,
    ] {
        hash.text(text.as_deref());
    }
    hash.number(profile.lat);
    hash.number(profile.lon);
    for number in [
        profile.founded,
        profile.staff,
        profile.turnover_cents,
        profile.balance_sheet_cents,
        profile.members_sme,
        profile.members_large,
        profile.members_research,
        profile.members_other,
    ] {
        hash.number(number);
    }
    for text in json {
        hash.text(Some(text));
    }
    for cluster in &profile.member_of {
        hash.text(Some(cluster));
    }
    format!("{:016x}", hash.0)
}

fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| String::from("[]"))
}

fn json_map(values: &BTreeMap<String, String>) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| String::from("{}"))
}

/// Binds one prepared profile's columns in [`PROFILE_COLUMNS`] order.
pub(crate) fn bind_profile<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    prepared: &'q PreparedOrganisation,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let profile = &prepared.profile;
    let json = &prepared.json;
    query
        .bind(profile.external_key.as_str())
        .bind(profile.kind.as_str())
        .bind(profile.name.as_str())
        .bind(json[0].as_str())
        .bind(json[1].as_str())
        .bind(profile.website.as_deref())
        .bind(profile.email.as_deref())
        .bind(profile.pic.as_deref())
        .bind(profile.vat.as_deref())
        .bind(profile.country.as_str())
        .bind(profile.nuts.as_deref())
        .bind(profile.city.as_deref())
        .bind(profile.lat)
        .bind(profile.lon)
        .bind(profile.founded)
        .bind(profile.staff)
        .bind(profile.turnover_cents)
        .bind(profile.turnover_currency.as_deref())
        .bind(profile.balance_sheet_cents)
        .bind(profile.balance_sheet_currency.as_deref())
        .bind(profile.sme_status.as_str())
        .bind(json[2].as_str())
        .bind(json[3].as_str())
        .bind(json[4].as_str())
        .bind(json[5].as_str())
        .bind(json[6].as_str())
        .bind(json[7].as_str())
        .bind(json[8].as_str())
        .bind(profile.escp.as_deref())
        .bind(profile.label.as_deref())
        .bind(profile.label_date.as_deref())
        .bind(json[9].as_str())
        .bind(json[10].as_str())
        .bind(profile.members_sme)
        .bind(profile.members_large)
        .bind(profile.members_research)
        .bind(profile.members_other)
        .bind(prepared.content_hash.as_str())
}

/// `INSERT INTO organisations (...) VALUES (...), (...)` for `rows` rows.
fn insert_statement(backend: Backend, rows: usize) -> String {
    let columns_per_row = PROFILE_COLUMNS.len() + 4;
    let mut sql = String::with_capacity(64 + rows * columns_per_row * 6);
    sql.push_str("INSERT INTO organisations (id, revision, created_at, updated_at, ");
    sql.push_str(&PROFILE_COLUMNS.join(", "));
    sql.push_str(") VALUES ");
    let mut parameter = 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&backend.placeholders(parameter, columns_per_row));
        parameter += columns_per_row;
        sql.push(')');
    }
    sql
}

pub(crate) fn update_statement() -> String {
    let assignments: Vec<String> = PROFILE_COLUMNS
        .iter()
        .enumerate()
        .map(|(index, column)| format!("{column} = ${}", index + 3))
        .collect();
    format!(
        "UPDATE organisations SET revision = $1, updated_at = $2, {} WHERE id = ${}",
        assignments.join(", "),
        PROFILE_COLUMNS.len() + 3
    )
}

/// Reserves `count` consecutive values of a named sequence and returns the first.
pub(crate) async fn reserve_ids(
    transaction: &mut Transaction<'static, Any>,
    sequence: &str,
    count: i64,
) -> Result<i64, StorageError> {
    let row = sqlx::query(
        "UPDATE id_sequences SET next_value = next_value + $1 WHERE name = $2 RETURNING next_value",
    )
    .bind(count)
    .bind(sequence)
    .fetch_one(&mut **transaction)
    .await?;
    let next: i64 = row.try_get(0)?;
    Ok(next - count)
}

/// An import in progress: one open transaction that batches are written into.
pub struct ImportTransaction {
    transaction: Transaction<'static, Any>,
    backend: Backend,
    /// When the table was empty as the import began (a first bulk load), the keys this import
    /// wrote: then a key not in this set cannot exist, and the lookup of existing keys, the
    /// costliest step of a large first import, is skipped.
    keys_written: Option<HashSet<String>>,
    revision: i64,
    now: String,
    summary: ImportSummary,
    /// Organisation id, its external key, and the external keys of the clusters it should
    /// belong to.
    pending_memberships: Vec<(i64, String, Vec<String>)>,
    /// Organisations whose search document changes although their row is not rewritten (a
    /// cluster that gains or loses members, a participant in a new project): their revision is
    /// raised at the commit so that the change feed carries them (see `changes.rs`).
    touched: BTreeSet<i64>,
    /// The secondary indexes of `organisations` dropped for a first bulk load into an empty
    /// table (SQLite only), as (name, `CREATE INDEX` statement): they are built again, each by
    /// one sort, just before the commit, which is several times faster than keeping them up to
    /// date row by row. Being DDL inside the import's transaction, the drop is undone by a
    /// rollback or a kill like every other write of the import.
    deferred_indexes: Vec<(String, String)>,
}

impl std::fmt::Debug for ImportTransaction {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ImportTransaction")
            .field("revision", &self.revision)
            .field("summary", &self.summary)
            .finish()
    }
}

/// A membership that names a cluster the database does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCluster {
    pub member_external_key: String,
    pub cluster_external_key: String,
}

impl Storage {
    /// Starts an all-or-nothing organisation import.
    ///
    /// On SQLite the import's connection gets a larger page cache while the import runs, and a
    /// first load into an empty table drops the table's secondary indexes and builds them again
    /// before the commit (see [`ImportTransaction`]). On PostgreSQL the indexes stay: dropping
    /// one there would lock every reader out of the table until the commit.
    pub async fn begin_organisation_import(&self) -> Result<ImportTransaction, StorageError> {
        let mut transaction = self.begin_write().await?;
        let revision = reserve_ids(&mut transaction, "revision", 1).await?;
        let any_row: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations LIMIT 1")
            .fetch_optional(&mut *transaction)
            .await?;
        let mut deferred_indexes = Vec::new();
        if self.backend() == Backend::Sqlite {
            sqlx::raw_sql(crate::SQLITE_IMPORT_PRAGMAS)
                .execute(&mut *transaction)
                .await?;
            if any_row.is_none() {
                deferred_indexes = secondary_indexes(&mut transaction, self.backend()).await?;
                for (name, _) in &deferred_indexes {
                    sqlx::raw_sql(&format!("DROP INDEX \"{name}\""))
                        .execute(&mut *transaction)
                        .await?;
                }
            }
        }
        Ok(ImportTransaction {
            transaction,
            backend: self.backend(),
            keys_written: any_row.is_none().then(HashSet::new),
            revision,
            now: now_text(),
            summary: ImportSummary::default(),
            pending_memberships: Vec::new(),
            touched: BTreeSet::new(),
            deferred_indexes,
        })
    }

    /// The secondary indexes of the `organisations` table (not those behind its primary key or
    /// a unique constraint), as (name, `CREATE INDEX` statement), by name.
    pub async fn organisation_indexes(&self) -> Result<Vec<(String, String)>, StorageError> {
        let mut connection = self.pool().acquire().await?;
        secondary_indexes(&mut connection, self.backend()).await
    }

    /// Imports organisations in one transaction; see [`ImportTransaction`].
    pub async fn import_organisations(
        &self,
        profiles: &[OrganisationImport],
    ) -> Result<ImportSummary, StorageError> {
        let mut import = self.begin_organisation_import().await?;
        import.write_batch(profiles).await?;
        let unknown = import.resolve_memberships().await?;
        if let Some(first) = unknown.first() {
            import.rollback().await?;
            return Err(StorageError::Conflict(format!(
                "organisation {} names cluster {} as member_of, and no such organisation exists",
                first.member_external_key, first.cluster_external_key
            )));
        }
        import.commit().await
    }

    /// Reads one organisation by id.
    pub async fn organisation(&self, id: i64) -> Result<Option<StoredOrganisation>, StorageError> {
        let row = sqlx::query(&select_statement("WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => {
                let mut stored = stored_from_row(&row)?;
                stored.profile.member_of = self.cluster_keys_of(id).await?;
                Ok(Some(stored))
            }
            None => Ok(None),
        }
    }

    /// Reads one organisation by its external key.
    pub async fn organisation_by_key(
        &self,
        external_key: &str,
    ) -> Result<Option<StoredOrganisation>, StorageError> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE external_key = $1")
                .bind(external_key)
                .fetch_optional(self.pool())
                .await?;
        match id {
            Some(id) => self.organisation(id).await,
            None => Ok(None),
        }
    }

    /// Organisations in id order after `after_id`, at most `limit`: the way to walk the whole
    /// directory (for example to rebuild the search index) without holding it in memory.
    /// `member_of` is left empty here; [`Storage::memberships_page`] gives the relations.
    pub async fn organisations_page(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<StoredOrganisation>, StorageError> {
        let rows = sqlx::query(&select_statement("WHERE o.id > $1 ORDER BY o.id LIMIT $2"))
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(stored_from_row).collect()
    }

    /// The members of a cluster, by name.
    pub async fn cluster_members(
        &self,
        cluster_id: i64,
    ) -> Result<Vec<(i64, String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.kind FROM memberships m JOIN organisations o ON o.id = m.member_id \
             WHERE m.cluster_id = $1 ORDER BY o.name, o.id",
        )
        .bind(cluster_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }

    /// The first `limit` members of a cluster by name, as (id, name, kind); with
    /// [`Storage::cluster_member_count`] a profile can show a long member list in part.
    pub async fn cluster_members_first(
        &self,
        cluster_id: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.kind FROM memberships m JOIN organisations o ON o.id = m.member_id \
             WHERE m.cluster_id = $1 ORDER BY o.name, o.id LIMIT $2",
        )
        .bind(cluster_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }

    /// How many member organisations a cluster has in the directory.
    pub async fn cluster_member_count(&self, cluster_id: i64) -> Result<i64, StorageError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE cluster_id = $1")
                .bind(cluster_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The clusters an organisation is a member of, as (id, name), by name.
    pub async fn clusters_of(&self, member_id: i64) -> Result<Vec<(i64, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT o.id, o.name FROM memberships m JOIN organisations o ON o.id = m.cluster_id \
             WHERE m.member_id = $1 ORDER BY o.name, o.id",
        )
        .bind(member_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    async fn cluster_keys_of(&self, member_id: i64) -> Result<Vec<String>, StorageError> {
        let keys = sqlx::query_scalar(
            "SELECT o.external_key FROM memberships m JOIN organisations o ON o.id = m.cluster_id \
             WHERE m.member_id = $1 ORDER BY o.external_key",
        )
        .bind(member_id)
        .fetch_all(self.pool())
        .await?;
        Ok(keys)
    }

    /// Which of `keys` are external keys of stored organisations.
    pub async fn existing_external_keys(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashSet<String>, StorageError> {
        let mut found = std::collections::HashSet::new();
        for chunk in keys.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT external_key FROM organisations WHERE external_key IN ({})",
                self.backend().placeholders(1, chunk.len())
            );
            let mut query = sqlx::query_scalar::<_, String>(&sql);
            for key in chunk {
                query = query.bind(key.as_str());
            }
            found.extend(query.fetch_all(self.pool()).await?);
        }
        Ok(found)
    }

    /// How many organisations the directory holds.
    pub async fn organisation_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(self.pool())
            .await?)
    }

    /// How many membership relations exist.
    pub async fn membership_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM memberships")
            .fetch_one(self.pool())
            .await?)
    }

    /// Organisation counts grouped by one of a fixed set of columns, largest first.
    pub async fn organisation_counts_by(
        &self,
        grouping: CountGrouping,
    ) -> Result<Vec<CountRow>, StorageError> {
        let column = grouping.column();
        let rows = sqlx::query(&format!(
            "SELECT {column}, COUNT(*) FROM organisations WHERE {column} IS NOT NULL \
             GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CountRow {
                    key: row.try_get(0)?,
                    count: row.try_get(1)?,
                })
            })
            .collect()
    }

    /// The highest revision written so far: a cheap way to tell whether anything changed.
    pub async fn latest_revision(&self) -> Result<i64, StorageError> {
        let value: Option<i64> = sqlx::query_scalar("SELECT MAX(revision) FROM organisations")
            .fetch_one(self.pool())
            .await?;
        Ok(value.unwrap_or(0))
    }
}

/// The columns organisation counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountGrouping {
    Country,
    Kind,
    SmeStatus,
    Nuts,
}

impl CountGrouping {
    fn column(self) -> &'static str {
        match self {
            CountGrouping::Country => "country",
            CountGrouping::Kind => "kind",
            CountGrouping::SmeStatus => "sme_status",
            CountGrouping::Nuts => "nuts",
        }
    }
}

impl ImportTransaction {
    /// Writes a batch of profiles. A key that appears twice within one batch is refused by the
    /// unique constraint (the import pipeline refuses such rows, with their lines, before they
    /// get here); a key written by an earlier batch of the same import is updated.
    pub async fn write_batch(
        &mut self,
        profiles: &[OrganisationImport],
    ) -> Result<(), StorageError> {
        let prepared: Vec<PreparedOrganisation> = profiles
            .iter()
            .cloned()
            .map(OrganisationImport::prepare)
            .collect();
        self.write_prepared(&prepared).await
    }

    /// Writes a batch of prepared profiles (see [`OrganisationImport::prepare`]).
    pub async fn write_prepared(
        &mut self,
        profiles: &[PreparedOrganisation],
    ) -> Result<(), StorageError> {
        for chunk in profiles.chunks(ROWS_PER_STATEMENT) {
            self.write_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn write_chunk(&mut self, profiles: &[PreparedOrganisation]) -> Result<(), StorageError> {
        let all_new = self.keys_written.as_ref().is_some_and(|written| {
            profiles
                .iter()
                .all(|prepared| !written.contains(&prepared.profile.external_key))
        });
        let existing = if all_new {
            HashMap::new()
        } else {
            self.existing_keys(profiles).await?
        };
        let mut new_rows: Vec<&PreparedOrganisation> = Vec::new();
        for prepared in profiles {
            match existing.get(prepared.profile.external_key.as_str()) {
                None => new_rows.push(prepared),
                Some((id, stored_hash)) => {
                    if *stored_hash == prepared.content_hash {
                        self.summary.unchanged += 1;
                    } else {
                        let sql = update_statement();
                        let query = sqlx::query(&sql)
                            .bind(self.revision)
                            .bind(self.now.as_str());
                        bind_profile(query, prepared)
                            .bind(*id)
                            .execute(&mut *self.transaction)
                            .await?;
                        self.summary.updated += 1;
                        self.replace_memberships(*id, &prepared.profile).await?;
                    }
                }
            }
        }
        self.insert_new(&new_rows).await?;
        Ok(())
    }

    /// Inserts `new_rows` with fresh ids, returning the external key → id of each.
    async fn insert_new(
        &mut self,
        new_rows: &[&PreparedOrganisation],
    ) -> Result<Vec<(String, i64)>, StorageError> {
        if new_rows.is_empty() {
            return Ok(Vec::new());
        }
        let first_id = reserve_ids(
            &mut self.transaction,
            "organisations",
            new_rows.len() as i64,
        )
        .await?;
        let sql = insert_statement(self.backend, new_rows.len());
        let mut query = sqlx::query(&sql);
        let mut written = Vec::with_capacity(new_rows.len());
        for (offset, prepared) in new_rows.iter().enumerate() {
            let profile = &prepared.profile;
            let id = first_id + offset as i64;
            query = query
                .bind(id)
                .bind(self.revision)
                .bind(self.now.as_str())
                .bind(self.now.as_str());
            query = bind_profile(query, prepared);
            if !profile.member_of.is_empty() {
                self.pending_memberships.push((
                    id,
                    profile.external_key.clone(),
                    profile.member_of.clone(),
                ));
            }
            written.push((profile.external_key.clone(), id));
            if let Some(keys_written) = self.keys_written.as_mut() {
                keys_written.insert(profile.external_key.clone());
            }
        }
        query.execute(&mut *self.transaction).await?;
        self.summary.inserted += new_rows.len() as u64;
        Ok(written)
    }

    /// Inserts the profiles whose external key is not stored yet and leaves the others as they
    /// are. Returns every profile's id and how many were added.
    pub(crate) async fn insert_missing_organisations(
        &mut self,
        profiles: &[OrganisationImport],
    ) -> Result<(Vec<(String, i64)>, u64), StorageError> {
        let prepared: Vec<PreparedOrganisation> = profiles
            .iter()
            .cloned()
            .map(OrganisationImport::prepare)
            .collect();
        let existing = self.existing_keys(&prepared).await?;
        let mut ids: Vec<(String, i64)> = existing
            .iter()
            .map(|(key, (id, _))| (key.clone(), *id))
            .collect();
        let new_rows: Vec<&PreparedOrganisation> = prepared
            .iter()
            .filter(|row| !existing.contains_key(&row.profile.external_key))
            .collect();
        let written = self.insert_new(&new_rows).await?;
        let added = written.len() as u64;
        ids.extend(written);
        Ok((ids, added))
    }

    pub(crate) fn connection(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.transaction
    }

    pub(crate) fn transaction_mut(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.transaction
    }

    /// Marks an organisation whose search document this import changes without rewriting its
    /// row; its revision is raised at the commit.
    pub(crate) fn touch(&mut self, organisation_id: i64) {
        self.touched.insert(organisation_id);
    }

    async fn existing_keys(
        &mut self,
        profiles: &[PreparedOrganisation],
    ) -> Result<HashMap<String, (i64, String)>, StorageError> {
        let sql = format!(
            "SELECT external_key, id, content_hash FROM organisations WHERE external_key IN ({})",
            self.backend.placeholders(1, profiles.len())
        );
        let mut query = sqlx::query(&sql);
        for prepared in profiles {
            query = query.bind(prepared.profile.external_key.as_str());
        }
        let rows = query.fetch_all(&mut *self.transaction).await?;
        let mut existing = HashMap::with_capacity(rows.len());
        for row in rows {
            existing.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
        }
        Ok(existing)
    }

    async fn replace_memberships(
        &mut self,
        member_id: i64,
        profile: &OrganisationImport,
    ) -> Result<(), StorageError> {
        let clusters: Vec<i64> =
            sqlx::query_scalar("DELETE FROM memberships WHERE member_id = $1 RETURNING cluster_id")
                .bind(member_id)
                .fetch_all(&mut *self.transaction)
                .await?;
        self.touched.extend(clusters);
        if !profile.member_of.is_empty() {
            self.pending_memberships.push((
                member_id,
                profile.external_key.clone(),
                profile.member_of.clone(),
            ));
        }
        Ok(())
    }

    /// Writes the memberships collected so far, resolving cluster keys to ids. Returns the
    /// memberships whose cluster does not exist (the caller decides whether that aborts).
    pub async fn resolve_memberships(&mut self) -> Result<Vec<UnknownCluster>, StorageError> {
        let pending = std::mem::take(&mut self.pending_memberships);
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let mut wanted: Vec<&str> = pending
            .iter()
            .flat_map(|(_, _, keys)| keys.iter().map(String::as_str))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut cluster_ids: HashMap<String, i64> = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT external_key, id FROM organisations WHERE external_key IN ({})",
                self.backend.placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for key in chunk {
                query = query.bind(*key);
            }
            for row in query.fetch_all(&mut *self.transaction).await? {
                cluster_ids.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        let mut unknown = Vec::new();
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        for (member_id, member_key, keys) in &pending {
            for key in keys {
                match cluster_ids.get(key) {
                    Some(cluster_id) => pairs.push((*cluster_id, *member_id)),
                    None => unknown.push(UnknownCluster {
                        member_external_key: member_key.clone(),
                        cluster_external_key: key.clone(),
                    }),
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        for chunk in pairs.chunks(ROWS_PER_STATEMENT * 4) {
            let mut sql =
                String::from("INSERT INTO memberships (cluster_id, member_id, created_at) VALUES ");
            for (index, _) in chunk.iter().enumerate() {
                if index > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                sql.push_str(&self.backend.placeholders(index * 3 + 1, 3));
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (cluster_id, member_id) DO NOTHING");
            let mut query = sqlx::query(&sql);
            for (cluster_id, member_id) in chunk {
                self.touched.insert(*cluster_id);
                query = query
                    .bind(*cluster_id)
                    .bind(*member_id)
                    .bind(self.now.as_str());
            }
            let result = query.execute(&mut *self.transaction).await?;
            self.summary.memberships_added += result.rows_affected();
        }
        Ok(unknown)
    }

    /// Makes the whole import visible at once.
    pub async fn commit(mut self) -> Result<ImportSummary, StorageError> {
        crate::changes::raise_revisions(
            &mut self.transaction,
            self.backend,
            self.revision,
            &self.touched,
        )
        .await?;
        for (_, create) in std::mem::take(&mut self.deferred_indexes) {
            sqlx::raw_sql(&create)
                .execute(&mut *self.transaction)
                .await?;
        }
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql(crate::SQLITE_CONNECTION_CACHE)
                .execute(&mut *self.transaction)
                .await?;
        }
        self.transaction.commit().await?;
        Ok(self.summary)
    }

    /// Abandons the import; the database is as it was before it began.
    pub async fn rollback(mut self) -> Result<(), StorageError> {
        if self.backend == Backend::Sqlite {
            sqlx::raw_sql(crate::SQLITE_CONNECTION_CACHE)
                .execute(&mut *self.transaction)
                .await?;
        }
        self.transaction.rollback().await?;
        Ok(())
    }

    /// What has been written so far (not yet committed).
    pub fn summary(&self) -> ImportSummary {
        self.summary
    }
}

/// The secondary indexes of `organisations` as (name, `CREATE INDEX` statement), by name: on
/// SQLite those with SQL text in `sqlite_master` (the ones behind `PRIMARY KEY` and `UNIQUE` have
/// none), on PostgreSQL those no constraint owns.
async fn secondary_indexes(
    connection: &mut sqlx::AnyConnection,
    backend: Backend,
) -> Result<Vec<(String, String)>, StorageError> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name = 'organisations' AND sql IS NOT NULL ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT index_class.relname::TEXT, pg_get_indexdef(index_class.oid) \
             FROM pg_index x \
             JOIN pg_class index_class ON index_class.oid = x.indexrelid \
             WHERE x.indrelid = 'organisations'::regclass \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
             ORDER BY 1"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&mut *connection).await?;
    Ok(rows)
}

/// Profile columns stored as JSON text (lists and localised texts).
const JSON_COLUMNS: &[&str] = &[
    "names",
    "descriptions",
    "sectors",
    "nace",
    "technologies",
    "s3_areas",
    "emerging",
    "target_international",
    "target_transnational",
    "offers",
    "requests",
];

/// An SQLite statement answering, in one value, the organisations matching `condition` (on
/// `o`, with its own parameters) in id order: a JSON array with one `[id, revision, created_at,
/// updated_at, [profile columns…, []]]` array per organisation, the profile in
/// [`OrganisationImport`]'s field order (its `member_of` left empty). sqlx hands SQLite rows
/// from its worker thread to the reading task one at a time, through `AnyRow` with forty
/// columns each; one value per page avoids that, and SQLite builds the JSON faster than the
/// handover took (a rebuild of 1 M: 31 s row by row, 17–20 s by pages). PostgreSQL builds JSON
/// slower than it sends rows (300 k: 5.5 s by rows, 7.5 s by pages), so it reads rows. JSON
/// columns are embedded as JSON; SQLite writes a REAL into JSON with 15 digits, so the
/// coordinates are printed with 17 instead and read back exactly.
pub(crate) fn sqlite_json_page_statement(condition: &str) -> String {
    let profile: Vec<String> = PROFILE_COLUMNS
        .iter()
        .filter(|&&column| column != "content_hash")
        .map(|&column| match column {
            _ if JSON_COLUMNS.contains(&column) => format!("json(o.{column})"),
            "lat" | "lon" => format!(
                "CASE WHEN o.{column} IS NULL THEN NULL ELSE json(printf('%!.17g', o.{column})) END"
            ),
            _ => format!("o.{column}"),
        })
        .collect();
    format!(
        "SELECT json_group_array(json_array(o.id, o.revision, o.created_at, o.updated_at, \
         json_array({}, json_array())) ORDER BY o.id) FROM organisations o WHERE {condition}",
        profile.join(", ")
    )
}

/// The organisations of a [`sqlite_json_page_statement`]'s answer.
pub(crate) fn stored_from_json_page(text: &str) -> Result<Vec<StoredOrganisation>, StorageError> {
    let rows: Vec<(i64, i64, String, String, OrganisationImport)> = serde_json::from_str(text)
        .map_err(|error| {
            StorageError::Corrupt(format!("organisations (a page read as JSON): {error}"))
        })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, revision, created_at, updated_at, profile)| StoredOrganisation {
                id,
                revision,
                created_at,
                updated_at,
                profile,
            },
        )
        .collect())
}

pub(crate) fn select_statement(tail: &str) -> String {
    format!(
        "SELECT o.id, o.revision, o.created_at, o.updated_at, {} FROM organisations o {tail}",
        PROFILE_COLUMNS
            .iter()
            .map(|column| format!("o.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<T, StorageError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text)
        .map_err(|error| StorageError::Corrupt(format!("organisations.{column}: {error}")))
}

pub(crate) fn stored_from_row(row: &AnyRow) -> Result<StoredOrganisation, StorageError> {
    let profile = OrganisationImport {
        external_key: row.try_get("external_key")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        names: parse_json(row, "names")?,
        descriptions: parse_json(row, "descriptions")?,
        website: row.try_get("website")?,
        email: row.try_get("email")?,
        pic: row.try_get("pic")?,
        vat: row.try_get("vat")?,
        country: row.try_get("country")?,
        nuts: row.try_get("nuts")?,
        city: row.try_get("city")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        founded: row.try_get::<Option<i32>, _>("founded")?.map(i64::from),
        staff: row.try_get("staff")?,
        turnover_cents: row.try_get("turnover_cents")?,
        turnover_currency: row.try_get("turnover_currency")?,
        balance_sheet_cents: row.try_get("balance_sheet_cents")?,
        balance_sheet_currency: row.try_get("balance_sheet_currency")?,
        sme_status: row.try_get("sme_status")?,
        sectors: parse_json(row, "sectors")?,
        nace: parse_json(row, "nace")?,
        technologies: parse_json(row, "technologies")?,
        s3_areas: parse_json(row, "s3_areas")?,
        emerging: parse_json(row, "emerging")?,
        target_international: parse_json(row, "target_international")?,
        target_transnational: parse_json(row, "target_transnational")?,
        escp: row.try_get("escp")?,
        label: row.try_get("label")?,
        label_date: row.try_get("label_date")?,
        offers: parse_json(row, "offers")?,
        requests: parse_json(row, "requests")?,
        members_sme: row.try_get("members_sme")?,
        members_large: row.try_get("members_large")?,
        members_research: row.try_get("members_research")?,
        members_other: row.try_get("members_other")?,
        member_of: Vec::new(),
    };
    Ok(StoredOrganisation {
        id: row.try_get("id")?,
        revision: row.try_get("revision")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        profile,
    })
}

/// A reference path for benchmarks only: plain multi-row INSERTs of prepared rows in one
/// transaction, without the lookups, hashes and membership handling of a real import. The product
/// never uses it; `clusterhub bench import` measures the real import beside it.
pub struct PlainInsert {
    transaction: Transaction<'static, Any>,
    backend: Backend,
}

impl std::fmt::Debug for PlainInsert {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PlainInsert")
    }
}

impl Storage {
    /// Starts the benchmark reference path; see [`PlainInsert`].
    pub async fn begin_plain_insert(&self) -> Result<PlainInsert, StorageError> {
        Ok(PlainInsert {
            transaction: self.begin_write().await?,
            backend: self.backend(),
        })
    }
}

impl Storage {
    /// The benchmark's ceiling for SQLite: copies every organisation of another SQLite database
    /// with the same schema into this (empty) one by one `INSERT … SELECT` in one transaction,
    /// with the same connection settings and index handling as a first import. No row crosses
    /// the boundary between Rust and SQLite, nothing is bound, parsed or checked: this is what
    /// the engine alone needs to store the rows. The product never uses it.
    pub async fn copy_organisations_reference(
        &self,
        source: &std::path::Path,
    ) -> Result<(), StorageError> {
        if self.backend() != Backend::Sqlite {
            return Err(StorageError::Conflict(String::from(
                "the copy reference is for SQLite only",
            )));
        }
        let mut connection = self.pool().acquire().await?;
        let source = source.display().to_string().replace('\'', "''");
        sqlx::raw_sql(&format!("ATTACH DATABASE '{source}' AS copy_source"))
            .execute(&mut *connection)
            .await?;
        let indexes = secondary_indexes(&mut connection, Backend::Sqlite).await?;
        let mut sql = String::from(crate::SQLITE_IMPORT_PRAGMAS);
        sql.push_str(" BEGIN;");
        for (name, _) in &indexes {
            sql.push_str(&format!(" DROP INDEX \"{name}\";"));
        }
        sql.push_str(
            " INSERT INTO main.organisations SELECT * FROM copy_source.organisations ORDER BY id;",
        );
        for (_, create) in &indexes {
            sql.push_str(&format!(" {create};"));
        }
        sql.push_str(" COMMIT; ");
        sql.push_str(crate::SQLITE_CONNECTION_CACHE);
        let result = sqlx::raw_sql(&sql).execute(&mut *connection).await;
        if result.is_err() {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *connection).await;
        }
        sqlx::raw_sql("DETACH DATABASE copy_source")
            .execute(&mut *connection)
            .await?;
        result?;
        Ok(())
    }
}

/// What [`Storage::compact_copy_reference`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompactCopy {
    /// Rows copied.
    pub rows: i64,
    /// Mean bytes of one row's document (every profile column as text).
    pub document_bytes: f64,
    /// The copy and its commit, without preparing the source.
    pub elapsed: std::time::Duration,
}

impl Storage {
    /// The benchmark's floor for SQLite: the same bytes as the organisations of another SQLite
    /// database, stored in the smallest layout an organisation table could have — an integer key,
    /// the unique external key and one text holding every other column — copied by one `INSERT …
    /// SELECT` in one transaction, with the same connection settings as an import. Preparing the
    /// source (joining each row's columns into its document, in a temporary table) is not timed.
    /// It tells how fast any row layout can store this much data on this machine. The product
    /// never uses it.
    pub async fn compact_copy_reference(
        &self,
        source: &std::path::Path,
    ) -> Result<CompactCopy, StorageError> {
        if self.backend() != Backend::Sqlite {
            return Err(StorageError::Conflict(String::from(
                "the compact copy reference is for SQLite only",
            )));
        }
        let mut connection = self.pool().acquire().await?;
        let source = source.display().to_string().replace('\'', "''");
        let document = PROFILE_COLUMNS
            .iter()
            .filter(|column| **column != "external_key")
            .map(|column| format!("coalesce({column}, '')"))
            .collect::<Vec<_>>()
            .join(" || char(31) || ");
        let prepare = format!(
            "ATTACH DATABASE '{source}' AS copy_source; \
             CREATE TEMP TABLE compact_source AS SELECT id, external_key, {document} AS document \
             FROM copy_source.organisations ORDER BY id; \
             DETACH DATABASE copy_source;"
        );
        sqlx::raw_sql(&prepare).execute(&mut *connection).await?;
        let (rows, document_bytes): (i64, f64) = sqlx::query_as(
            "SELECT count(*), coalesce(avg(length(CAST(document AS BLOB))), 0.0) FROM compact_source",
        )
        .fetch_one(&mut *connection)
        .await?;
        let mut sql = String::from(crate::SQLITE_IMPORT_PRAGMAS);
        sql.push_str(
            " BEGIN; \
             CREATE TABLE compact_organisations (id INTEGER PRIMARY KEY, \
             external_key TEXT NOT NULL UNIQUE, document TEXT NOT NULL); \
             INSERT INTO compact_organisations SELECT * FROM compact_source ORDER BY id; \
             COMMIT; ",
        );
        sql.push_str(crate::SQLITE_CONNECTION_CACHE);
        let started = std::time::Instant::now();
        let result = sqlx::raw_sql(&sql).execute(&mut *connection).await;
        let elapsed = started.elapsed();
        if result.is_err() {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *connection).await;
        }
        sqlx::raw_sql("DROP TABLE temp.compact_source")
            .execute(&mut *connection)
            .await?;
        result?;
        Ok(CompactCopy {
            rows,
            document_bytes,
            elapsed,
        })
    }
}

impl PlainInsert {
    /// Inserts `profiles` with ids from `first_id` on.
    pub async fn insert(
        &mut self,
        profiles: &[PreparedOrganisation],
        first_id: i64,
    ) -> Result<(), StorageError> {
        let now = "2026-01-01T00:00:00Z";
        for (chunk_index, chunk) in profiles.chunks(ROWS_PER_STATEMENT).enumerate() {
            let sql = insert_statement(self.backend, chunk.len());
            let mut query = sqlx::query(&sql);
            for (offset, profile) in chunk.iter().enumerate() {
                let id = first_id + (chunk_index * ROWS_PER_STATEMENT + offset) as i64;
                query = query.bind(id).bind(1_i64).bind(now).bind(now);
                query = bind_profile(query, profile);
            }
            query.execute(&mut *self.transaction).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StorageError> {
        self.transaction.commit().await?;
        Ok(())
    }
}

impl OrganisationImport {
    /// The profile columns in the order [`OrganisationImport::write_copy_text`] writes them.
    pub fn column_names() -> &'static [&'static str] {
        PROFILE_COLUMNS
    }

    /// One line of PostgreSQL's COPY text format: `id, revision, created_at, updated_at`, then
    /// [`OrganisationImport::column_names`] (the content hash left empty). For the benchmark's
    /// COPY reference.
    pub fn write_copy_text(&self, id: i64, now: &str, out: &mut String) {
        fn text(out: &mut String, value: Option<&str>) {
            out.push('\t');
            match value {
                None => out.push_str("\\N"),
                Some(value) => {
                    for character in value.chars() {
                        match character {
                            '\\' => out.push_str("\\\\"),
                            '\t' => out.push_str("\\t"),
                            '\n' => out.push_str("\\n"),
                            '\r' => out.push_str("\\r"),
                            other => out.push(other),
                        }
                    }
                }
            }
        }
        fn number<T: std::fmt::Display>(out: &mut String, value: Option<T>) {
            out.push('\t');
            match value {
                None => out.push_str("\\N"),
                Some(value) => out.push_str(&value.to_string()),
            }
        }
        out.push_str(&id.to_string());
        out.push_str("\t1");
        text(out, Some(now));
        text(out, Some(now));
        text(out, Some(&self.external_key));
        text(out, Some(&self.kind));
        text(out, Some(&self.name));
        text(out, Some(&json_map(&self.names)));
        text(out, Some(&json_map(&self.descriptions)));
        text(out, self.website.as_deref());
        text(out, self.email.as_deref());
        text(out, self.pic.as_deref());
        text(out, self.vat.as_deref());
        text(out, Some(&self.country));
        text(out, self.nuts.as_deref());
        text(out, self.city.as_deref());
        number(out, self.lat);
        number(out, self.lon);
        number(out, self.founded);
        number(out, self.staff);
        number(out, self.turnover_cents);
        text(out, self.turnover_currency.as_deref());
        number(out, self.balance_sheet_cents);
        text(out, self.balance_sheet_currency.as_deref());
        text(out, Some(&self.sme_status));
        for list in [
            &self.sectors,
            &self.nace,
            &self.technologies,
            &self.s3_areas,
            &self.emerging,
            &self.target_international,
            &self.target_transnational,
        ] {
            text(out, Some(&json_list(list)));
        }
        text(out, self.escp.as_deref());
        text(out, self.label.as_deref());
        text(out, self.label_date.as_deref());
        text(out, Some(&json_list(&self.offers)));
        text(out, Some(&json_list(&self.requests)));
        number(out, self.members_sme);
        number(out, self.members_large);
        number(out, self.members_research);
        number(out, self.members_other);
        text(out, Some(""));
        out.push('\n');
    }
}
