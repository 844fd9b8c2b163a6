//! The GDPR rights on the data held about a person: everything as one JSON document (Art. 15
//! and 20), and erasure (Art. 17) that anonymises the account while keeping what others depend
//! on consistent: audit entries keep their (now anonymous) actor id, consent records keep their
//! dates and text versions, sent messages keep their subject but not the address.

use sqlx::Row;

use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// The name an erased account shows.
pub const ERASED_NAME: &str = "Erased person";

impl Storage {
    /// Everything held about a person, as a JSON document; `None` for an unknown id.
    pub async fn personal_data(
        &self,
        user_id: i64,
    ) -> Result<Option<serde_json::Value>, StorageError> {
        let Some(user) = self.user_by_id(user_id).await? else {
            return Ok(None);
        };
        let roles = self.roles_of(user_id).await?;
        let consents = self.consents_of(user_id).await?;
        let sessions = sqlx::query(
            "SELECT created_at, address, user_agent FROM sessions WHERE user_id = $1 \
             ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let mails = sqlx::query(
            "SELECT created_at, subject, sent_at FROM email_outbox WHERE recipient = $1 ORDER BY id",
        )
        .bind(&user.email)
        .fetch_all(self.pool())
        .await?;
        let audit = self.audit_entries(Some(user_id), None, 10_000).await?;
        let column = |row: &sqlx::any::AnyRow,
                      index: usize|
         -> Result<Option<String>, StorageError> { Ok(row.try_get(index)?) };
        let mut session_list = Vec::new();
        for row in &sessions {
            session_list.push(serde_json::json!({
                "created_at": column(row, 0)?, "address": column(row, 1)?, "user_agent": column(row, 2)?,
            }));
        }
        let mut mail_list = Vec::new();
        for row in &mails {
            mail_list.push(serde_json::json!({
                "created_at": column(row, 0)?, "subject": column(row, 1)?, "sent_at": column(row, 2)?,
            }));
        }
        Ok(Some(serde_json::json!({
            "format": "clusterhub-personal-data/1",
            "exported_at": now_text(),
            "account": {
                "id": user.id,
                "email": user.email,
                "display_name": user.display_name,
                "email_verified": user.email_verified,
                "language": user.language,
                "created_at": user.created_at,
                "has_password": user.password_hash.is_some(),
                "second_factor": user.totp_secret.is_some(),
            },
            "roles": {"platform": roles.platform, "organisations": roles.organisations.iter().map(|(id, role)| serde_json::json!({"organisation_id": id, "role": role})).collect::<Vec<_>>()},
            "consents": consents.iter().map(|c| serde_json::json!({"purpose": c.purpose, "granted": c.granted, "text_version": c.text_version, "at": c.at})).collect::<Vec<_>>(),
            "sessions": session_list,
            "emails": mail_list,
            "audit_log": audit,
        })))
    }

    /// Erases a person: the account keeps its id (audit entries and other records point to
    /// it) but loses its address, name, password, second factor, sessions, tokens and roles;
    /// unsent mail to the address is dropped and sent mail forgets the address. One
    /// transaction, with its audit entry.
    pub async fn erase_user(
        &self,
        user_id: i64,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.pool().begin().await?;
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *transaction)
            .await?;
        let Some(email) = email else {
            return Err(StorageError::Conflict(format!(
                "no account with id {user_id}"
            )));
        };
        for table in [
            "sessions",
            "api_tokens",
            "one_time_tokens",
            "recovery_codes",
            "organisation_roles",
            "platform_roles",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query("DELETE FROM email_outbox WHERE recipient = $1 AND sent_at IS NULL")
            .bind(&email)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("UPDATE email_outbox SET recipient = $1, body_text = '' WHERE recipient = $2")
            .bind(format!("erased-{user_id}@invalid"))
            .bind(&email)
            .execute(&mut *transaction)
            .await?;
        let now = now_text();
        sqlx::query(
            "UPDATE users SET email = $1, display_name = $2, password_hash = NULL, \
             totp_secret = NULL, totp_last_step = NULL, updated_at = $3, erased_at = $3 \
             WHERE id = $4",
        )
        .bind(format!("erased-{user_id}@invalid"))
        .bind(ERASED_NAME)
        .bind(&now)
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("user.erase", "user", user_id.to_string()),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }
}
