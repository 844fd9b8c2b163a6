//! The audit log, append-only: who did what to which record, when, from where, with the record
//! before and after. Entries are written inside the transaction of the change they describe;
//! denied accesses and failed sign-ins are written on their own. Nothing updates or deletes an
//! entry (erasure replaces the person, not the entries: see `privacy`).

use sqlx::{Any, Row, Transaction};

use crate::organisations::reserve_ids;
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// Who acts and from where, for the entries a change writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditContext {
    /// The signed-in person, or `None` (anonymous, or the system itself).
    pub actor_user_id: Option<i64>,
    /// The client's address as the server saw it.
    pub address: String,
}

impl AuditContext {
    /// The system acting on its own (imports, start-up).
    pub fn system() -> AuditContext {
        AuditContext {
            actor_user_id: None,
            address: String::from("system"),
        }
    }
}

/// One entry to write.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// What happened, `area.verb` (`user.register`, `session.sign_in_failed`, `access.denied`).
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    /// `ok`, `denied` or `failed`.
    pub outcome: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditRecord {
    /// A successful action on a record.
    pub fn new(action: &str, record_type: &str, record_id: String) -> AuditRecord {
        AuditRecord {
            action: action.to_owned(),
            record_type: record_type.to_owned(),
            record_id,
            outcome: String::from("ok"),
            before: None,
            after: None,
        }
    }

    /// Sets the outcome (`denied`, `failed`).
    pub fn outcome(mut self, outcome: &str) -> AuditRecord {
        self.outcome = outcome.to_owned();
        self
    }

    /// The record before the change.
    pub fn before(mut self, before: serde_json::Value) -> AuditRecord {
        self.before = Some(before);
        self
    }

    /// The record after the change.
    pub fn after(mut self, after: serde_json::Value) -> AuditRecord {
        self.after = Some(after);
        self
    }
}

/// Which entries to read; every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// Entries by this person or about their account.
    pub person: Option<i64>,
    /// Entries by this person.
    pub actor: Option<i64>,
    /// This action (`user.register`), or every action under it (`user` matches `user.*`).
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// `ok`, `denied` or `failed`.
    pub outcome: Option<String>,
    /// Entries at or after this RFC 3339 time (or date: `2026-11-22`).
    pub from: Option<String>,
    /// Entries before this RFC 3339 time (or date).
    pub until: Option<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    pub outcome: String,
    pub address: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub(crate) async fn write_audit(
    transaction: &mut Transaction<'static, Any>,
    context: &AuditContext,
    record: &AuditRecord,
) -> Result<(), StorageError> {
    let id = reserve_ids(transaction, "audit", 1).await?;
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_user_id, action, record_type, record_id, outcome, \
         address, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(now_text())
    .bind(context.actor_user_id)
    .bind(&record.action)
    .bind(&record.record_type)
    .bind(&record.record_id)
    .bind(&record.outcome)
    .bind(&context.address)
    .bind(record.before.as_ref().map(serde_json::Value::to_string))
    .bind(record.after.as_ref().map(serde_json::Value::to_string))
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

impl Storage {
    /// Appends one entry on its own (a failed sign-in, a denied access).
    pub async fn append_audit(
        &self,
        context: &AuditContext,
        record: &AuditRecord,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        write_audit(&mut transaction, context, record).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Entries newest first, optionally only those by or about one person; at most `limit`,
    /// older than `before_id` when given (for paging).
    pub async fn audit_entries(
        &self,
        user_id: Option<i64>,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let filter = AuditFilter {
            person: user_id,
            ..AuditFilter::default()
        };
        self.audit_search(&filter, before_id, limit).await
    }

    /// Entries that match every condition of `filter`, newest first; at most `limit`, older
    /// than `before_id` when given (for paging).
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StorageError> {
        let action_prefix = filter.action.as_ref().map(|action| {
            let escaped = action
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("{escaped}.%")
        });
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, action, record_type, record_id, outcome, address, \
             before_json, after_json FROM audit_log \
             WHERE ($1 IS NULL OR actor_user_id = $1 OR (record_type = 'user' AND record_id = $2)) \
             AND ($3 IS NULL OR actor_user_id = $3) \
             AND ($4 IS NULL OR action = $4 OR action LIKE $5 ESCAPE '\\') \
             AND ($6 IS NULL OR record_type = $6) AND ($7 IS NULL OR record_id = $7) \
             AND ($8 IS NULL OR outcome = $8) AND ($9 IS NULL OR at >= $9) \
             AND ($10 IS NULL OR at < $10) AND ($11 IS NULL OR id < $11) \
             ORDER BY id DESC LIMIT $12",
        )
        .bind(filter.person)
        .bind(filter.person.map(|id| id.to_string()))
        .bind(filter.actor)
        .bind(filter.action.as_deref())
        .bind(action_prefix)
        .bind(filter.record_type.as_deref())
        .bind(filter.record_id.as_deref())
        .bind(filter.outcome.as_deref())
        .bind(filter.from.as_deref())
        .bind(filter.until.as_deref())
        .bind(before_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let json = |column: &str| -> Result<Option<serde_json::Value>, StorageError> {
                    let text: Option<String> = row.try_get(column)?;
                    Ok(text.map(|text| serde_json::from_str(&text)).transpose()?)
                };
                Ok(AuditEntry {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    action: row.try_get("action")?,
                    record_type: row.try_get("record_type")?,
                    record_id: row.try_get("record_id")?,
                    outcome: row.try_get("outcome")?,
                    address: row.try_get("address")?,
                    before: json("before_json")?,
                    after: json("after_json")?,
                })
            })
            .collect()
    }
}
