//! Expressions of interest between organisations and the inbox that shows them: one is written
//! with its notification e-mails (to the receiving organisation's members, in the outbox) and its
//! audit entry in one transaction; both organisations' members read them; the receiving
//! organisation's members mark them read.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::organisations::reserve_ids;
use crate::outbox::{OutgoingEmail, write_email};
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// An expression of interest to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInterest {
    pub from_organisation_id: i64,
    pub to_organisation_id: i64,
    pub sender_user_id: i64,
    /// What it is about: `suggestion` or `consortium`.
    pub topic: String,
    /// The suggestion's or consortium's description, as the sender saw it.
    pub context: String,
    pub message: String,
}

/// An expression of interest as an inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestRecord {
    pub id: i64,
    pub from_organisation_id: i64,
    /// `None` once the organisation is deleted.
    pub from_name: Option<String>,
    pub to_organisation_id: i64,
    pub to_name: Option<String>,
    pub sender_user_id: i64,
    pub sender_name: String,
    pub topic: String,
    pub context: String,
    pub message: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

const COLUMNS: &str = "i.id, i.from_organisation_id, f.name, i.to_organisation_id, t.name, \
     i.sender_user_id, u.display_name, i.topic, i.context, i.message, i.created_at, i.read_at";

const FROM: &str = "FROM interests i LEFT JOIN organisations f ON f.id = i.from_organisation_id \
     LEFT JOIN organisations t ON t.id = i.to_organisation_id JOIN users u ON u.id = i.sender_user_id";

fn record(row: &AnyRow) -> Result<InterestRecord, sqlx::Error> {
    Ok(InterestRecord {
        id: row.try_get(0)?,
        from_organisation_id: row.try_get(1)?,
        from_name: row.try_get(2)?,
        to_organisation_id: row.try_get(3)?,
        to_name: row.try_get(4)?,
        sender_user_id: row.try_get(5)?,
        sender_name: row.try_get(6)?,
        topic: row.try_get(7)?,
        context: row.try_get(8)?,
        message: row.try_get(9)?,
        created_at: row.try_get(10)?,
        read_at: row.try_get(11)?,
    })
}

/// `$first, $first+1, ...` for `count` values.
fn numbered(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|index| format!("${index}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Storage {
    /// Writes an expression of interest, the e-mails that tell the receiving organisation's
    /// members, and its audit entry, in one transaction; gives its id.
    pub async fn send_interest(
        &self,
        interest: &NewInterest,
        emails: &[OutgoingEmail],
        context: &AuditContext,
    ) -> Result<i64, StorageError> {
        let mut transaction = self.begin_write().await?;
        let id = reserve_ids(&mut transaction, "interests", 1).await?;
        sqlx::query(
            "INSERT INTO interests (id, from_organisation_id, to_organisation_id, sender_user_id, \
             topic, context, message, created_at, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
        )
        .bind(id)
        .bind(interest.from_organisation_id)
        .bind(interest.to_organisation_id)
        .bind(interest.sender_user_id)
        .bind(&interest.topic)
        .bind(&interest.context)
        .bind(&interest.message)
        .bind(now_text())
        .execute(&mut *transaction)
        .await?;
        for email in emails {
            write_email(&mut transaction, email).await?;
        }
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("interest.send", "interest", id.to_string()).after(
                serde_json::json!({
                    "from_organisation_id": interest.from_organisation_id,
                    "to_organisation_id": interest.to_organisation_id,
                    "topic": interest.topic,
                    "notified": emails.len(),
                }),
            ),
        )
        .await?;
        transaction.commit().await?;
        Ok(id)
    }

    /// Who to tell about an organisation's new message: its people with a confirmed address
    /// (each once), as (e-mail, language).
    pub async fn organisation_recipients(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<(String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT DISTINCT u.email, u.language FROM organisation_roles r \
             JOIN users u ON u.id = r.user_id WHERE r.organisation_id = $1 \
             AND u.erased_at IS NULL AND u.email_verified_at IS NOT NULL ORDER BY u.email",
        )
        .bind(organisation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// The messages sent or received by any of these organisations, newest first, at most
    /// `limit`.
    pub async fn inbox(
        &self,
        organisation_ids: &[i64],
        limit: i64,
    ) -> Result<Vec<InterestRecord>, StorageError> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let count = organisation_ids.len();
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE i.to_organisation_id IN ({}) \
             OR i.from_organisation_id IN ({}) ORDER BY i.id DESC LIMIT ${}",
            numbered(1, count),
            numbered(count + 1, count),
            2 * count + 1
        );
        let mut query = sqlx::query(&sql);
        for id in organisation_ids.iter().chain(organisation_ids) {
            query = query.bind(*id);
        }
        let rows = query.bind(limit).fetch_all(self.pool()).await?;
        rows.iter()
            .map(record)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StorageError::from)
    }

    /// How many received messages of these organisations are unread.
    pub async fn unread_interests(&self, organisation_ids: &[i64]) -> Result<i64, StorageError> {
        if organisation_ids.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM interests WHERE read_at IS NULL AND to_organisation_id IN ({})",
            numbered(1, organisation_ids.len())
        );
        let mut query = sqlx::query_scalar(&sql);
        for id in organisation_ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_one(self.pool()).await?)
    }

    /// Marks a message read if one of `organisation_ids` received it; `false` if none did (or
    /// there is no such message). Marking twice keeps the first time.
    pub async fn mark_interest_read(
        &self,
        id: i64,
        organisation_ids: &[i64],
    ) -> Result<bool, StorageError> {
        if organisation_ids.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "SELECT read_at FROM interests WHERE id = $1 AND to_organisation_id IN ({})",
            numbered(2, organisation_ids.len())
        );
        let mut query = sqlx::query_scalar::<_, Option<String>>(&sql).bind(id);
        for organisation in organisation_ids {
            query = query.bind(*organisation);
        }
        let Some(read_at) = query.fetch_optional(self.pool()).await? else {
            return Ok(false);
        };
        if read_at.is_none() {
            sqlx::query("UPDATE interests SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
                .bind(now_text())
                .bind(id)
                .execute(self.pool())
                .await?;
        }
        Ok(true)
    }
}
