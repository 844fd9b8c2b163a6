//! What a signed-in person changes about their own account: the password (other sessions end,
//! this one stays), the e-mail address (after the new address proved it reads mail) and their
//! consents (each change a new consent record, never an update). Every change writes its audit
//! entry in the same transaction; the entries name the account by id only.

use crate::accounts::{commit_with_audit, write_password};
use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::outbox::{OutgoingEmail, write_email};
use crate::time_text::now_text;
use crate::{Storage, StorageError};

impl Storage {
    /// Sets a new password chosen by the signed-in person: every other session of the account
    /// ends, the session `keep_session` stays; a notice goes to the account's address. One
    /// transaction, with the audit entry.
    pub async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        notice: Option<&OutgoingEmail>,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        write_password(
            &mut transaction,
            user_id,
            password_hash,
            Some(keep_session.unwrap_or("")),
        )
        .await?;
        if let Some(notice) = notice {
            write_email(&mut transaction, notice).await?;
        }
        commit_with_audit(transaction, context, "user.password_change", user_id).await
    }

    /// Gives the account a new (lowercased) e-mail address, confirmed by a link sent to it; a
    /// notice goes to the old address. An address another account uses is a
    /// [`StorageError::Conflict`] and changes nothing.
    pub async fn change_email(
        &self,
        user_id: i64,
        new_email: &str,
        notice: Option<&OutgoingEmail>,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND id <> $2")
                .bind(new_email)
                .bind(user_id)
                .fetch_optional(&mut *transaction)
                .await?;
        if taken.is_some() {
            return Err(StorageError::Conflict(String::from(
                "another account uses this e-mail address",
            )));
        }
        let now = now_text();
        let changed = sqlx::query(
            "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 \
             WHERE id = $3 AND erased_at IS NULL",
        )
        .bind(new_email)
        .bind(&now)
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(StorageError::Conflict(format!(
                "no account with id {user_id}"
            )));
        }
        if let Some(notice) = notice {
            write_email(&mut transaction, notice).await?;
        }
        commit_with_audit(transaction, context, "user.email_change", user_id).await
    }

    /// Records consents given or withdrawn — (purpose, granted, text version) — as new consent
    /// records at one time, with one audit entry; the earlier records stay as they were.
    pub async fn record_consents(
        &self,
        user_id: i64,
        changes: &[(String, bool, String)],
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut transaction = self.begin_write().await?;
        let now = now_text();
        let mut after = serde_json::Map::new();
        for (purpose, granted, version) in changes {
            crate::accounts::insert_consent(
                &mut transaction,
                user_id,
                purpose,
                *granted,
                version,
                &now,
            )
            .await?;
            after.insert(
                purpose.clone(),
                serde_json::json!({"granted": granted, "text_version": version}),
            );
        }
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("user.consent_change", "user", user_id.to_string())
                .after(serde_json::Value::Object(after)),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }
}
