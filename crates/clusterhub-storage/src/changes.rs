//! The change feed: how views derived from the database (each app node's search index) learn of
//! every write, and the single-profile writes (edit, delete) that feed it.
//!
//! Every write that changes what a view shows of an organisation gives the organisation a new
//! `revision`: imports and edits rewrite the row with theirs; a cluster whose members change and
//! an organisation whose EU participations change get theirs raised at the commit; a deletion
//! leaves a row in `organisation_deletions` with its revision. A view keeps a cursor, the highest
//! revision it has applied, and asks for everything above it.
//!
//! What makes a single cursor enough is the order of commits: a writing transaction reserves its
//! revision from the `id_sequences` row `revision` (an `UPDATE` that holds the row's lock until the
//! transaction ends), so a second writer waits at that row until the first has committed or rolled
//! back. Revisions are therefore committed in increasing order, and once the sequence shows
//! revision `r` as taken (the [`Storage::feed_head`]), every write with revision `r` or less is
//! committed and visible. A reader that asks for the changes in `(cursor, head]` sees all of them,
//! on SQLite (one writer at a time) and PostgreSQL alike, however many app nodes share the
//! database. A write that rolls back gives its revision back, never leaving a gap that holds
//! anything. A row changed again after the head was read shows up with its newer revision in
//! the next round, and applying a change twice is harmless, so a view that lost its last
//! cursor only redoes work.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};

use sqlx::{Any, Row, Transaction};

use crate::organisations::{
    OrganisationImport, StoredOrganisation, bind_profile, parse_json, reserve_ids,
    select_statement, sqlite_json_page_statement, stored_from_json_page, stored_from_row,
    update_statement,
};
use crate::time_text::now_text;
use crate::{Backend, Storage, StorageError};

/// How many ids go into one `IN (...)` list.
const IDS_PER_STATEMENT: usize = 500;

/// Which organisations a read is about: an id range (a rebuild walks the directory in pages) or
/// a list of ids (the changes since a cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationIds<'a> {
    /// Ids above `after`, up to and including `through`.
    Range { after: i64, through: i64 },
    /// These ids.
    List(&'a [i64]),
}

impl Storage {
    /// The revision of the newest committed write: every write with this revision or a lower one
    /// is committed and visible (see the module documentation). A cheap single-row read, for
    /// polling.
    pub async fn feed_head(&self) -> Result<i64, StorageError> {
        let next: i64 =
            sqlx::query_scalar("SELECT next_value FROM id_sequences WHERE name = 'revision'")
                .fetch_one(self.pool())
                .await?;
        Ok(next - 1)
    }

    /// This database's identity, made on first use: a view built from another database (another
    /// file, another PostgreSQL database, one restored from elsewhere) can tell that its cursor
    /// means nothing here.
    pub async fn database_id(&self) -> Result<String, StorageError> {
        let candidate = random_id();
        sqlx::query(
            "INSERT INTO database_facts (name, value) VALUES ('database_id', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(candidate.as_str())
        .execute(self.pool())
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM database_facts WHERE name = 'database_id'")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// The ids of the organisations changed (written, edited, or touched by a membership or a
    /// participation) with a revision above `after` and at most `through`, in id order.
    pub async fn changed_organisation_ids(
        &self,
        after: i64,
        through: i64,
    ) -> Result<Vec<i64>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM organisations WHERE revision > $1 AND revision <= $2 ORDER BY id",
        )
        .bind(after)
        .bind(through)
        .fetch_all(self.pool())
        .await?)
    }

    /// The ids of the organisations deleted with a revision above `after` and at most `through`.
    pub async fn deleted_organisation_ids(
        &self,
        after: i64,
        through: i64,
    ) -> Result<Vec<i64>, StorageError> {
        Ok(sqlx::query_scalar(
            "SELECT organisation_id FROM organisation_deletions \
             WHERE revision > $1 AND revision <= $2 ORDER BY organisation_id",
        )
        .bind(after)
        .bind(through)
        .fetch_all(self.pool())
        .await?)
    }

    /// The stored organisations among `ids`, in id order (ids that are not stored are left out).
    /// `member_of` is left empty, as in [`Storage::organisations_page`].
    pub async fn organisations_by_ids(
        &self,
        ids: &[i64],
    ) -> Result<Vec<StoredOrganisation>, StorageError> {
        let mut organisations = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let condition = format!("o.id IN ({})", self.backend().placeholders(1, chunk.len()));
            organisations.extend(self.organisations_where(&condition, chunk).await?);
        }
        organisations.sort_by_key(|organisation| organisation.id);
        Ok(organisations)
    }

    /// The id that ends a page of `size` organisations after id `after` (the `size`-th id above
    /// it), or `None` when fewer are left: a rebuild finds its page boundaries first, with one
    /// index seek each, and then reads the pages side by side.
    pub async fn organisation_page_end(
        &self,
        after: i64,
        size: i64,
    ) -> Result<Option<i64>, StorageError> {
        let end: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM organisations WHERE id > $1 ORDER BY id LIMIT 1 OFFSET $2",
        )
        .bind(after)
        .bind(size.max(1) - 1)
        .fetch_optional(self.pool())
        .await?;
        Ok(end)
    }

    /// The stored organisations with ids above `after`, up to and including `through`, in id
    /// order (`member_of` left empty, as in [`Storage::organisations_page`]).
    pub async fn organisations_in_range(
        &self,
        after: i64,
        through: i64,
    ) -> Result<Vec<StoredOrganisation>, StorageError> {
        self.organisations_where("o.id > $1 AND o.id <= $2", &[after, through])
            .await
    }

    /// The stored organisations matching `condition` (on `o`, with `values` bound to its
    /// parameters in order), in id order: on SQLite as one JSON value the database builds, on
    /// PostgreSQL row by row (see `organisations::sqlite_json_page_statement` for why).
    async fn organisations_where(
        &self,
        condition: &str,
        values: &[i64],
    ) -> Result<Vec<StoredOrganisation>, StorageError> {
        match self.backend() {
            Backend::Sqlite => {
                let sql = sqlite_json_page_statement(condition);
                let mut query = sqlx::query_scalar::<_, Option<String>>(&sql);
                for value in values {
                    query = query.bind(*value);
                }
                match query.fetch_one(self.pool()).await? {
                    Some(page) => stored_from_json_page(&page),
                    None => Ok(Vec::new()),
                }
            }
            Backend::Postgres => {
                let sql = select_statement(&format!("WHERE {condition} ORDER BY o.id"));
                let mut query = sqlx::query(&sql);
                for value in values {
                    query = query.bind(*value);
                }
                let rows = query.fetch_all(self.pool()).await?;
                rows.iter().map(stored_from_row).collect()
            }
        }
    }

    /// The descriptions (language code → text) of the stored organisations among `ids`, in id
    /// order: what a page of search hits shows beside each, without reading whole profiles.
    pub async fn descriptions_by_ids(
        &self,
        ids: &[i64],
    ) -> Result<Vec<(i64, BTreeMap<String, String>)>, StorageError> {
        let mut descriptions = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let sql = format!(
                "SELECT id, descriptions FROM organisations WHERE id IN ({}) ORDER BY id",
                self.backend().placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(self.pool()).await? {
                descriptions.push((row.try_get("id")?, parse_json(&row, "descriptions")?));
            }
        }
        descriptions.sort_by_key(|(id, _)| *id);
        Ok(descriptions)
    }

    /// The EU programmes (`H2020`, `HORIZON`, ...) of the projects the chosen organisations took
    /// part in, as (organisation id, programme) pairs without repeats, in that order.
    pub async fn programmes_of(
        &self,
        ids: OrganisationIds<'_>,
    ) -> Result<Vec<(i64, String)>, StorageError> {
        self.pairs(
            "SELECT DISTINCT r.organisation_id, p.programme FROM participations r \
             JOIN projects p ON p.id = r.project_id",
            "r.organisation_id",
            "ORDER BY r.organisation_id, p.programme",
            ids,
        )
        .await
    }

    /// How many members each of the chosen organisations has in the directory (clusters with
    /// none are left out), as (cluster id, count) in id order.
    pub async fn directory_member_counts(
        &self,
        ids: OrganisationIds<'_>,
    ) -> Result<Vec<(i64, i64)>, StorageError> {
        self.pairs(
            "SELECT cluster_id, COUNT(*) FROM memberships",
            "cluster_id",
            "GROUP BY cluster_id ORDER BY cluster_id",
            ids,
        )
        .await
    }

    /// Runs `{select} WHERE <condition on id_column> {tail}` for a range, or for each chunk of a
    /// list.
    async fn pairs<T>(
        &self,
        select: &str,
        id_column: &str,
        tail: &str,
        ids: OrganisationIds<'_>,
    ) -> Result<Vec<(i64, T)>, StorageError>
    where
        T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + Send + Unpin,
    {
        let mut pairs = Vec::new();
        match ids {
            OrganisationIds::Range { after, through } => {
                let sql = format!("{select} WHERE {id_column} > $1 AND {id_column} <= $2 {tail}");
                let rows = sqlx::query(&sql)
                    .bind(after)
                    .bind(through)
                    .fetch_all(self.pool())
                    .await?;
                for row in rows {
                    pairs.push((row.try_get(0)?, row.try_get(1)?));
                }
            }
            OrganisationIds::List(list) => {
                for chunk in list.chunks(IDS_PER_STATEMENT) {
                    let sql = format!(
                        "{select} WHERE {id_column} IN ({}) {tail}",
                        self.backend().placeholders(1, chunk.len())
                    );
                    let mut query = sqlx::query(&sql);
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    for row in query.fetch_all(self.pool()).await? {
                        pairs.push((row.try_get(0)?, row.try_get(1)?));
                    }
                }
                pairs.sort_by_key(|(id, _)| *id);
            }
        }
        Ok(pairs)
    }

    /// Replaces the profile of organisation `id` with `profile` (every column, and its
    /// memberships from `member_of`) in one transaction with a new revision, which it returns;
    /// `None` if there is no such organisation. Clusters that gain or lose it as a member get the
    /// new revision too. Nothing changes if `member_of` names an unknown cluster or the external
    /// key belongs to another organisation.
    pub async fn update_organisation(
        &self,
        id: i64,
        profile: &OrganisationImport,
    ) -> Result<Option<i64>, StorageError> {
        let prepared = profile.clone().prepare();
        let mut transaction = self.begin_write().await?;
        let revision = reserve_ids(&mut transaction, "revision", 1).await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE external_key = $1 AND id <> $2")
                .bind(profile.external_key.as_str())
                .bind(id)
                .fetch_optional(&mut *transaction)
                .await?;
        if let Some(other) = taken {
            transaction.rollback().await?;
            return Err(StorageError::Conflict(format!(
                "external key {} belongs to organisation {other}",
                profile.external_key
            )));
        }
        let now = now_text();
        let sql = update_statement();
        let query = sqlx::query(&sql).bind(revision).bind(now.as_str());
        let result = bind_profile(query, &prepared)
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        if result.rows_affected() == 0 {
            transaction.rollback().await?;
            return Ok(None);
        }
        let mut touched: BTreeSet<i64> =
            sqlx::query_scalar("DELETE FROM memberships WHERE member_id = $1 RETURNING cluster_id")
                .bind(id)
                .fetch_all(&mut *transaction)
                .await?
                .into_iter()
                .collect();
        let clusters: BTreeSet<&str> = profile.member_of.iter().map(String::as_str).collect();
        for cluster_key in clusters {
            let cluster: Option<i64> =
                sqlx::query_scalar("SELECT id FROM organisations WHERE external_key = $1")
                    .bind(cluster_key)
                    .fetch_optional(&mut *transaction)
                    .await?;
            let Some(cluster_id) = cluster else {
                transaction.rollback().await?;
                return Err(StorageError::Conflict(format!(
                    "organisation {} names cluster {cluster_key} as member_of, and no such \
                     organisation exists",
                    profile.external_key
                )));
            };
            sqlx::query(
                "INSERT INTO memberships (cluster_id, member_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(cluster_id)
            .bind(id)
            .bind(now.as_str())
            .execute(&mut *transaction)
            .await?;
            touched.insert(cluster_id);
        }
        raise_revisions(&mut transaction, self.backend(), revision, &touched).await?;
        transaction.commit().await?;
        Ok(Some(revision))
    }

    /// Deletes organisation `id` with its memberships (as member and as cluster) and its
    /// participations, and records the deletion in the change feed; `false` if there was no such
    /// organisation. Clusters it was a member of get the deletion's revision (their member count
    /// changes).
    pub async fn delete_organisation(&self, id: i64) -> Result<bool, StorageError> {
        let mut transaction = self.begin_write().await?;
        let revision = reserve_ids(&mut transaction, "revision", 1).await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *transaction)
            .await?;
        if exists.is_none() {
            transaction.rollback().await?;
            return Ok(false);
        }
        let mut touched: BTreeSet<i64> =
            sqlx::query_scalar("DELETE FROM memberships WHERE member_id = $1 RETURNING cluster_id")
                .bind(id)
                .fetch_all(&mut *transaction)
                .await?
                .into_iter()
                .collect();
        touched.remove(&id);
        for statement in [
            "DELETE FROM memberships WHERE cluster_id = $1",
            "DELETE FROM participations WHERE organisation_id = $1",
            "DELETE FROM organisations WHERE id = $1",
        ] {
            sqlx::query(statement)
                .bind(id)
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query(
            "INSERT INTO organisation_deletions (organisation_id, revision, deleted_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(revision)
        .bind(now_text())
        .execute(&mut *transaction)
        .await?;
        raise_revisions(&mut transaction, self.backend(), revision, &touched).await?;
        transaction.commit().await?;
        Ok(true)
    }
}

/// Gives `ids` the revision `revision`, inside the writing transaction that reserved it: the
/// organisations whose search documents a write changes without rewriting their rows.
pub(crate) async fn raise_revisions(
    transaction: &mut Transaction<'static, Any>,
    backend: Backend,
    revision: i64,
    ids: &BTreeSet<i64>,
) -> Result<(), StorageError> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let sql = format!(
            "UPDATE organisations SET revision = {} WHERE id IN ({})",
            backend.placeholders(1, 1),
            backend.placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(revision);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// 128 random bits as hex, from the standard library's randomly seeded hasher (no extra crate
/// for a value made once per database).
fn random_id() -> String {
    let mut text = String::with_capacity(32);
    for salt in 0..2_u64 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_nanos()),
        );
        hasher.write_u32(std::process::id());
        text.push_str(&format!("{:016x}", hasher.finish()));
    }
    text
}
