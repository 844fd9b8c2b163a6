//! The e-mail outbox: messages are written in the transaction of the change that causes them
//! and sent later by the mailer, so a restart loses none and a rolled-back change sends none.
//! A failed delivery is retried with a growing delay.

use sqlx::{Any, Row, Transaction};

use crate::organisations::reserve_ids;
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEmail {
    pub id: i64,
    pub email: OutgoingEmail,
    pub attempts: i64,
}

pub(crate) async fn write_email(
    transaction: &mut Transaction<'static, Any>,
    email: &OutgoingEmail,
) -> Result<i64, StorageError> {
    let id = reserve_ids(transaction, "outbox", 1).await?;
    sqlx::query(
        "INSERT INTO email_outbox (id, recipient, subject, body_text, created_at, attempts, \
         next_attempt_unix, sent_at, last_error) VALUES ($1, $2, $3, $4, $5, 0, 0, NULL, NULL)",
    )
    .bind(id)
    .bind(&email.recipient)
    .bind(&email.subject)
    .bind(&email.body_text)
    .bind(now_text())
    .execute(&mut **transaction)
    .await?;
    Ok(id)
}

impl Storage {
    /// Queues one message on its own.
    pub async fn enqueue_email(&self, email: &OutgoingEmail) -> Result<i64, StorageError> {
        let mut transaction = self.begin_write().await?;
        let id = write_email(&mut transaction, email).await?;
        transaction.commit().await?;
        Ok(id)
    }

    /// Messages due at `now_unix`, oldest first.
    pub async fn due_emails(
        &self,
        now_unix: i64,
        limit: i64,
    ) -> Result<Vec<QueuedEmail>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, recipient, subject, body_text, attempts FROM email_outbox \
             WHERE sent_at IS NULL AND next_attempt_unix <= $1 ORDER BY id LIMIT $2",
        )
        .bind(now_unix)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(QueuedEmail {
                    id: row.try_get(0)?,
                    email: OutgoingEmail {
                        recipient: row.try_get(1)?,
                        subject: row.try_get(2)?,
                        body_text: row.try_get(3)?,
                    },
                    attempts: row.try_get(4)?,
                })
            })
            .collect()
    }

    /// Records a delivery.
    pub async fn mark_email_sent(&self, id: i64) -> Result<(), StorageError> {
        sqlx::query("UPDATE email_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(now_text())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_unix: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE email_outbox SET attempts = attempts + 1, last_error = $1, \
             next_attempt_unix = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(next_attempt_unix)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Messages not yet sent (for operators and tests).
    pub async fn pending_email_count(&self) -> Result<i64, StorageError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL")
                .fetch_one(self.pool())
                .await?,
        )
    }
}
