//! The GDPR rights on the data held about a person: everything as one JSON document (Art. 15
//! and 20), and erasure (Art. 17) that anonymises the account while keeping what others depend
//! on consistent.
//!
//! The export holds the account, roles (with when and by whom granted), consent records, sessions,
//! API tokens (name and dates, never the token), claims of organisations, invitations sent and
//! received, expressions of interest sent, pending one-time links (purpose and dates), mail sent
//! to the address and every audit entry by or about the person.
//!
//! Erasure keeps the account's id (audit entries, granted roles, decided claims and messages
//! point to it) but removes the address, name, password, second factor, sessions, tokens, roles
//! and the person's own one-time links; claims lose their message (a pending one is withdrawn);
//! invitations to the address are deleted; invitations the person sent stay (the organisation's,
//! now from an anonymous account); messages sent for an organisation stay in both organisations'
//! inboxes with an anonymous sender; consent records keep their dates and text versions; sent
//! mail keeps its subject but not the address or text. Audit entries are never changed: they name
//! people by id only, and the erasure adds its own.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditContext, AuditEntry, AuditRecord, write_audit};
use crate::time_text::{now_text, text_of_unix};
use crate::{Storage, StorageError};

/// The name an erased account shows.
pub const ERASED_NAME: &str = "Erased person";

/// The one-time token purpose of invitations (their payload names the invited address).
const INVITATION: &str = "invitation";

/// Audit entries read per query while collecting a person's.
const AUDIT_PAGE: i64 = 5_000;

/// Unix seconds as text, `None` for a time that never comes.
fn expiry(unix: i64) -> Option<String> {
    (unix < i64::MAX / 2).then(|| text_of_unix(unix))
}

/// The invitation payload's fields (`organisation_id`, `role`, `email`).
fn invitation_payload(payload: &str) -> serde_json::Value {
    serde_json::from_str(payload).unwrap_or(serde_json::Value::Null)
}

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
        let rows = |sql: &'static str| sqlx::query(sql).bind(user_id).fetch_all(self.pool());
        let text = |row: &AnyRow, index: usize| -> Result<Option<String>, StorageError> {
            Ok(row.try_get(index)?)
        };
        let number = |row: &AnyRow, index: usize| -> Result<Option<i64>, StorageError> {
            Ok(row.try_get(index)?)
        };

        let mut platform_roles = Vec::new();
        for row in rows(
            "SELECT role, granted_at, granted_by FROM platform_roles WHERE user_id = $1 \
             ORDER BY role",
        )
        .await?
        {
            platform_roles.push(serde_json::json!({
                "role": text(&row, 0)?, "granted_at": text(&row, 1)?, "granted_by": number(&row, 2)?,
            }));
        }
        let mut organisation_roles = Vec::new();
        for row in rows(
            "SELECT organisation_id, role, granted_at, granted_by FROM organisation_roles \
             WHERE user_id = $1 ORDER BY organisation_id, role",
        )
        .await?
        {
            organisation_roles.push(serde_json::json!({
                "organisation_id": number(&row, 0)?, "role": text(&row, 1)?,
                "granted_at": text(&row, 2)?, "granted_by": number(&row, 3)?,
            }));
        }
        let mut sessions = Vec::new();
        for row in rows(
            "SELECT created_at, address, user_agent FROM sessions WHERE user_id = $1 \
             ORDER BY created_at",
        )
        .await?
        {
            sessions.push(serde_json::json!({
                "created_at": text(&row, 0)?, "address": text(&row, 1)?, "user_agent": text(&row, 2)?,
            }));
        }
        let mut api_tokens = Vec::new();
        for token in self.api_tokens_of(user_id).await? {
            api_tokens.push(serde_json::json!({
                "id": token.id, "name": token.name, "created_at": token.created_at,
                "expires_at": expiry(token.expires_unix), "last_used_at": token.last_used_at,
                "revoked_at": token.revoked_at,
            }));
        }
        let mut claims = Vec::new();
        for row in rows(
            "SELECT id, organisation_id, message, status, created_at, decided_at \
             FROM organisation_claims WHERE user_id = $1 ORDER BY id",
        )
        .await?
        {
            claims.push(serde_json::json!({
                "id": number(&row, 0)?, "organisation_id": number(&row, 1)?,
                "message": text(&row, 2)?, "status": text(&row, 3)?,
                "created_at": text(&row, 4)?, "decided_at": text(&row, 5)?,
            }));
        }
        let mut links = Vec::new();
        let mut invitations_sent = Vec::new();
        for row in rows(
            "SELECT purpose, created_at, expires_unix, used_at, payload FROM one_time_tokens \
             WHERE user_id = $1 ORDER BY created_at",
        )
        .await?
        {
            let purpose = text(&row, 0)?.unwrap_or_default();
            let expires_at = number(&row, 2)?.and_then(expiry);
            if purpose == INVITATION {
                let payload = invitation_payload(&text(&row, 4)?.unwrap_or_default());
                invitations_sent.push(serde_json::json!({
                    "organisation_id": payload["organisation_id"], "role": payload["role"],
                    "email": payload["email"], "created_at": text(&row, 1)?,
                    "expires_at": expires_at, "used_at": text(&row, 3)?,
                }));
            } else {
                // The payload of the person's own links is theirs (a new address to confirm).
                let payload: serde_json::Value =
                    serde_json::from_str(&text(&row, 4)?.unwrap_or_default())
                        .unwrap_or(serde_json::Value::Null);
                links.push(serde_json::json!({
                    "purpose": purpose, "created_at": text(&row, 1)?, "expires_at": expires_at,
                    "used_at": text(&row, 3)?, "details": payload,
                }));
            }
        }
        let mut invitations_received = Vec::new();
        for (row, payload) in self.invitations_to(&user.email).await? {
            invitations_received.push(serde_json::json!({
                "organisation_id": payload["organisation_id"], "role": payload["role"],
                "invited_by": number(&row, 0)?, "created_at": text(&row, 1)?,
                "expires_at": number(&row, 2)?.and_then(expiry), "used_at": text(&row, 3)?,
            }));
        }
        let mut messages = Vec::new();
        for row in rows(
            "SELECT id, from_organisation_id, to_organisation_id, topic, context, message, \
             created_at, read_at FROM interests WHERE sender_user_id = $1 ORDER BY id",
        )
        .await?
        {
            messages.push(serde_json::json!({
                "id": number(&row, 0)?, "from_organisation_id": number(&row, 1)?,
                "to_organisation_id": number(&row, 2)?, "topic": text(&row, 3)?,
                "context": text(&row, 4)?, "message": text(&row, 5)?,
                "created_at": text(&row, 6)?, "read_at": text(&row, 7)?,
            }));
        }
        let mails = sqlx::query(
            "SELECT created_at, subject, sent_at FROM email_outbox WHERE recipient = $1 ORDER BY id",
        )
        .bind(&user.email)
        .fetch_all(self.pool())
        .await?;
        let mut mail_list = Vec::new();
        for row in &mails {
            mail_list.push(serde_json::json!({
                "created_at": text(row, 0)?, "subject": text(row, 1)?, "sent_at": text(row, 2)?,
            }));
        }
        let audit = self.all_audit_entries_of(user_id).await?;
        Ok(Some(serde_json::json!({
            "format": "clusterhub-personal-data/2",
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
            "roles": {
                "platform": roles.platform,
                "organisations": roles.organisations.iter().map(|(id, role)| serde_json::json!({"organisation_id": id, "role": role})).collect::<Vec<_>>(),
                "platform_grants": platform_roles,
                "organisation_grants": organisation_roles,
            },
            "consents": consents.iter().map(|c| serde_json::json!({"purpose": c.purpose, "granted": c.granted, "text_version": c.text_version, "at": c.at})).collect::<Vec<_>>(),
            "sessions": sessions,
            "api_tokens": api_tokens,
            "organisation_claims": claims,
            "invitations_sent": invitations_sent,
            "invitations_received": invitations_received,
            "messages_sent": messages,
            "pending_links": links,
            "emails": mail_list,
            "audit_log": audit,
        })))
    }

    /// Every audit entry by or about a person, newest first.
    async fn all_audit_entries_of(&self, user_id: i64) -> Result<Vec<AuditEntry>, StorageError> {
        let mut entries = Vec::new();
        let mut before = None;
        loop {
            let page = self
                .audit_entries(Some(user_id), before, AUDIT_PAGE)
                .await?;
            let full = page.len() as i64 == AUDIT_PAGE;
            before = page.last().map(|entry| entry.id);
            entries.extend(page);
            if !full {
                return Ok(entries);
            }
        }
    }

    /// The invitations (used or not) made for an address: each row (`user_id` of the inviter,
    /// `created_at`, `expires_unix`, `used_at`, `token_digest`) with its payload. Payloads are
    /// JSON text, compared here rather than with each engine's JSON functions.
    async fn invitations_to(
        &self,
        email: &str,
    ) -> Result<Vec<(AnyRow, serde_json::Value)>, StorageError> {
        let rows = sqlx::query(
            "SELECT user_id, created_at, expires_unix, used_at, token_digest, payload \
             FROM one_time_tokens WHERE purpose = $1 ORDER BY created_at",
        )
        .bind(INVITATION)
        .fetch_all(self.pool())
        .await?;
        let mut found = Vec::new();
        for row in rows {
            let payload = invitation_payload(&row.try_get::<String, _>(5)?);
            if payload["email"]
                .as_str()
                .is_some_and(|invited| invited.eq_ignore_ascii_case(email))
            {
                found.push((row, payload));
            }
        }
        Ok(found)
    }

    /// Erases a person (see the module's documentation for what stays), in one transaction with
    /// its audit entry.
    pub async fn erase_user(
        &self,
        user_id: i64,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(email) = email else {
            return Err(StorageError::Conflict(format!(
                "no account with id {user_id}"
            )));
        };
        let invitations = self.invitations_to(&email).await?;
        let mut transaction = self.begin_write().await?;
        for (row, _) in &invitations {
            sqlx::query("DELETE FROM one_time_tokens WHERE token_digest = $1")
                .bind(row.try_get::<String, _>(4)?)
                .execute(&mut *transaction)
                .await?;
        }
        sqlx::query("DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose <> $2")
            .bind(user_id)
            .bind(INVITATION)
            .execute(&mut *transaction)
            .await?;
        for table in [
            "sessions",
            "api_tokens",
            "recovery_codes",
            "organisation_roles",
            "platform_roles",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *transaction)
                .await?;
        }
        let now = now_text();
        let withdrawn = sqlx::query(
            "UPDATE organisation_claims SET status = 'withdrawn', decided_at = $1 \
             WHERE user_id = $2 AND status = 'pending'",
        )
        .bind(&now)
        .bind(user_id)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        sqlx::query("UPDATE organisation_claims SET message = '' WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM email_outbox WHERE recipient = $1 AND sent_at IS NULL")
            .bind(&email)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("UPDATE email_outbox SET recipient = $1, body_text = '' WHERE recipient = $2")
            .bind(format!("erased-{user_id}@invalid"))
            .bind(&email)
            .execute(&mut *transaction)
            .await?;
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
            &AuditRecord::new("user.erase", "user", user_id.to_string()).after(serde_json::json!({
                "claims_withdrawn": withdrawn,
                "invitations_removed": invitations.len(),
            })),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }
}
