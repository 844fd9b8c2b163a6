//! People and what they may do: accounts, roles, sessions, one-time tokens, recovery codes and
//! consents, on both engines with the same SQL.
//!
//! Every change that matters writes its audit entry in the same transaction (see `audit.rs`),
//! and every e-mail it causes into the outbox in that transaction too, so a crash never leaves a
//! change without its record or a reset token without its message. Secrets arrive already hashed
//! (the accounts crate makes the digests); nothing here sees a password or a token.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::organisations::reserve_ids;
use crate::outbox::{OutgoingEmail, write_email};
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Lowercased, trimmed.
    pub email: String,
    pub display_name: String,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub language: String,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub email_verified: bool,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub language: String,
    pub created_at: String,
    pub erased: bool,
}

/// A session as stored (found by the digest of its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: i64,
    pub expires_unix: i64,
    pub idle_expires_unix: i64,
    pub authenticated_unix: i64,
    pub second_factor_pending: bool,
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_digest: String,
    pub user_id: i64,
    pub expires_unix: i64,
    pub idle_expires_unix: i64,
    pub authenticated_unix: i64,
    pub second_factor_pending: bool,
    pub address: String,
    pub user_agent: String,
}

/// A one-time token to create (e-mail verification, password reset, invitation).
#[derive(Debug, Clone)]
pub struct NewOneTimeToken {
    pub token_digest: String,
    pub user_id: i64,
    pub purpose: String,
    pub expires_unix: i64,
    /// JSON text the purpose needs (an invitation's organisation and role), `{}` otherwise.
    pub payload: String,
}

/// The roles a person holds, as stored names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredRoles {
    pub platform: Vec<String>,
    /// (organisation id, role name).
    pub organisations: Vec<(i64, String)>,
}

/// A consent given or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub purpose: String,
    pub granted: bool,
    pub text_version: String,
    pub at: String,
}

const USER_COLUMNS: &str = "id, email, display_name, password_hash, email_verified_at, totp_secret, \
     totp_last_step, language, created_at, erased_at";

fn user_from_row(row: &AnyRow) -> Result<UserRecord, StorageError> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        email_verified: row
            .try_get::<Option<String>, _>("email_verified_at")?
            .is_some(),
        totp_secret: row.try_get("totp_secret")?,
        totp_last_step: row.try_get("totp_last_step")?,
        language: row.try_get("language")?,
        created_at: row.try_get("created_at")?,
        erased: row.try_get::<Option<String>, _>("erased_at")?.is_some(),
    })
}

impl Storage {
    /// Creates an account, its consents, its audit entry and its verification e-mail in one
    /// transaction. An e-mail address already in use is a [`StorageError::Conflict`].
    pub async fn register_user(
        &self,
        user: &NewUser,
        consents: &[(String, bool, String)],
        verification: Option<(NewOneTimeToken, OutgoingEmail)>,
        context: &AuditContext,
    ) -> Result<i64, StorageError> {
        let mut transaction = self.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(&user.email)
            .fetch_optional(&mut *transaction)
            .await?;
        if taken.is_some() {
            return Err(StorageError::Conflict(String::from(
                "an account with this e-mail address exists",
            )));
        }
        let id = reserve_ids(&mut transaction, "users", 1).await?;
        let now = now_text();
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, email_verified_at, \
             totp_secret, totp_last_step, language, created_at, updated_at, erased_at) \
             VALUES ($1, $2, $3, $4, NULL, NULL, NULL, $5, $6, $6, NULL)",
        )
        .bind(id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.language)
        .bind(&now)
        .execute(&mut *transaction)
        .await?;
        for (purpose, granted, version) in consents {
            insert_consent(&mut transaction, id, purpose, *granted, version, &now).await?;
        }
        if let Some((mut token, email)) = verification {
            token.user_id = id;
            insert_one_time_token(&mut transaction, &token, &now).await?;
            write_email(&mut transaction, &email).await?;
        }
        write_audit(
            &mut transaction,
            context,
            // The entry names the account by id only: personal data stays in `users`, where
            // erasure can reach it without touching the append-only log.
            &AuditRecord::new("user.register", "user", id.to_string())
                .after(serde_json::json!({"language": user.language})),
        )
        .await?;
        transaction.commit().await?;
        Ok(id)
    }

    /// The account with this (lowercased) e-mail address.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StorageError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The account with this id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StorageError> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The roles a person holds.
    pub async fn roles_of(&self, user_id: i64) -> Result<StoredRoles, StorageError> {
        let platform: Vec<String> =
            sqlx::query_scalar("SELECT role FROM platform_roles WHERE user_id = $1 ORDER BY role")
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        let rows = sqlx::query(
            "SELECT organisation_id, role FROM organisation_roles WHERE user_id = $1 \
             ORDER BY organisation_id, role",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let organisations = rows
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(StoredRoles {
            platform,
            organisations,
        })
    }

    /// Gives a platform role (idempotent), with its audit entry.
    pub async fn grant_platform_role(
        &self,
        user_id: i64,
        role: &str,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO platform_roles (user_id, role, granted_at, granted_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, role) DO NOTHING",
        )
        .bind(user_id)
        .bind(role)
        .bind(now_text())
        .bind(context.actor_user_id)
        .execute(&mut *transaction)
        .await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("role.grant_platform", "user", user_id.to_string())
                .after(serde_json::json!({"role": role})),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Gives a role in an organisation (idempotent), with its audit entry.
    pub async fn grant_organisation_role(
        &self,
        user_id: i64,
        organisation_id: i64,
        role: &str,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        insert_organisation_role(
            &mut transaction,
            user_id,
            organisation_id,
            role,
            &now_text(),
            context.actor_user_id,
        )
        .await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("role.grant_organisation", "user", user_id.to_string())
                .after(serde_json::json!({"organisation_id": organisation_id, "role": role})),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The people with a role in an organisation: (user id, display name, e-mail, role), by
    /// name.
    pub async fn organisation_people(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<(i64, String, String, String)>, StorageError> {
        let rows = sqlx::query(
            "SELECT u.id, u.display_name, u.email, r.role FROM organisation_roles r \
             JOIN users u ON u.id = r.user_id WHERE r.organisation_id = $1 \
             ORDER BY u.display_name, u.id, r.role",
        )
        .bind(organisation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                ))
            })
            .collect()
    }

    /// Starts a session.
    pub async fn create_session(&self, session: &NewSession) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO sessions (token_digest, user_id, created_at, expires_unix, \
             idle_expires_unix, authenticated_unix, second_factor_pending, address, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&session.token_digest)
        .bind(session.user_id)
        .bind(now_text())
        .bind(session.expires_unix)
        .bind(session.idle_expires_unix)
        .bind(session.authenticated_unix)
        .bind(i64::from(session.second_factor_pending))
        .bind(&session.address)
        .bind(&session.user_agent)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The live session with this token digest at `now_unix`; an expired one is deleted.
    pub async fn session(
        &self,
        token_digest: &str,
        now_unix: i64,
    ) -> Result<Option<SessionRecord>, StorageError> {
        let row = sqlx::query(
            "SELECT user_id, expires_unix, idle_expires_unix, authenticated_unix, \
             second_factor_pending FROM sessions WHERE token_digest = $1",
        )
        .bind(token_digest)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = SessionRecord {
            user_id: row.try_get(0)?,
            expires_unix: row.try_get(1)?,
            idle_expires_unix: row.try_get(2)?,
            authenticated_unix: row.try_get(3)?,
            second_factor_pending: row.try_get::<i64, _>(4)? != 0,
        };
        if session.expires_unix <= now_unix || session.idle_expires_unix <= now_unix {
            self.delete_session(token_digest).await?;
            return Ok(None);
        }
        Ok(Some(session))
    }

    /// Moves a session's idle expiry forward.
    pub async fn touch_session(
        &self,
        token_digest: &str,
        idle_expires_unix: i64,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE sessions SET idle_expires_unix = $1 WHERE token_digest = $2")
            .bind(idle_expires_unix)
            .bind(token_digest)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Marks a session's second factor as given and its password check as recent.
    pub async fn complete_second_factor(
        &self,
        token_digest: &str,
        authenticated_unix: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE sessions SET second_factor_pending = $1, authenticated_unix = $2 \
             WHERE token_digest = $3",
        )
        .bind(0_i64)
        .bind(authenticated_unix)
        .bind(token_digest)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_digest: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM sessions WHERE token_digest = $1")
            .bind(token_digest)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Sets a new password, ends every session of the account and consumes the reset token if
    /// one is given, with the audit entry; all in one transaction.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        write_password(&mut transaction, user_id, password_hash, None).await?;
        commit_with_audit(transaction, context, "user.password", user_id).await
    }

    /// Replaces an outdated password hash after a successful sign-in (no audit: nothing the
    /// person did changed).
    pub async fn rehash_password(
        &self,
        user_id: i64,
        password_hash: &str,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records that the person proved they read mail at their address.
    pub async fn mark_email_verified(
        &self,
        user_id: i64,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET email_verified_at = $1, updated_at = $1 \
             WHERE id = $2 AND email_verified_at IS NULL",
        )
        .bind(now_text())
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        commit_with_audit(transaction, context, "user.verify_email", user_id).await
    }

    /// Stores a one-time token and the e-mail that carries it, in one transaction.
    pub async fn issue_one_time_token(
        &self,
        token: &NewOneTimeToken,
        email: &OutgoingEmail,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        // A new link of the same purpose replaces the older ones.
        sqlx::query(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
        )
        .bind(now_text())
        .bind(token.user_id)
        .bind(&token.purpose)
        .execute(&mut *transaction)
        .await?;
        insert_one_time_token(&mut transaction, token, &now_text()).await?;
        write_email(&mut transaction, email).await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new(
                &format!("token.issue_{}", token.purpose),
                "user",
                token.user_id.to_string(),
            ),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Uses a one-time token: it must exist, have this purpose, be unused and unexpired at
    /// `now_unix`. Returns (user id, payload) once; every later call returns `None`.
    pub async fn consume_one_time_token(
        &self,
        token_digest: &str,
        purpose: &str,
        now_unix: i64,
    ) -> Result<Option<(i64, String)>, StorageError> {
        let row = sqlx::query(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE token_digest = $2 AND purpose = $3 AND used_at IS NULL AND expires_unix > $4 \
             RETURNING user_id, payload",
        )
        .bind(now_text())
        .bind(token_digest)
        .bind(purpose)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .transpose()
    }

    /// Whether a one-time token is usable (for showing the reset form before it is used).
    pub async fn one_time_token_usable(
        &self,
        token_digest: &str,
        purpose: &str,
        now_unix: i64,
    ) -> Result<bool, StorageError> {
        Ok(self
            .one_time_token_user(token_digest, purpose, now_unix)
            .await?
            .is_some())
    }

    /// The person a usable one-time token belongs to, without using it.
    pub async fn one_time_token_user(
        &self,
        token_digest: &str,
        purpose: &str,
        now_unix: i64,
    ) -> Result<Option<i64>, StorageError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM one_time_tokens WHERE token_digest = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_unix > $3",
        )
        .bind(token_digest)
        .bind(purpose)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?;
        Ok(found)
    }

    /// Turns the second factor on with its secret and recovery code digests, replacing any
    /// earlier ones; with the audit entry.
    pub async fn enable_totp(
        &self,
        user_id: i64,
        secret_base32: &str,
        accepted_step: i64,
        recovery_code_digests: &[String],
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(secret_base32)
        .bind(accepted_step)
        .bind(now_text())
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *transaction)
            .await?;
        for digest in recovery_code_digests {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_digest, used_at) VALUES ($1, $2, NULL)",
            )
            .bind(user_id)
            .bind(digest)
            .execute(&mut *transaction)
            .await?;
        }
        commit_with_audit(transaction, context, "user.totp_enable", user_id).await
    }

    /// Records the step of an accepted code, only if it is newer than the stored one (two
    /// concurrent sign-ins with the same code: one wins). Returns whether it was recorded.
    pub async fn record_totp_step(&self, user_id: i64, step: i64) -> Result<bool, StorageError> {
        let result = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
             AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Uses a recovery code once; returns whether it was valid and unused.
    pub async fn consume_recovery_code(
        &self,
        user_id: i64,
        code_digest: &str,
    ) -> Result<bool, StorageError> {
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_digest = $3 AND used_at IS NULL",
        )
        .bind(now_text())
        .bind(user_id)
        .bind(code_digest)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// The consents a person gave or withdrew, oldest first.
    pub async fn consents_of(&self, user_id: i64) -> Result<Vec<ConsentRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT purpose, granted, text_version, at FROM consents WHERE user_id = $1 \
             ORDER BY at, purpose",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ConsentRecord {
                    purpose: row.try_get(0)?,
                    granted: row.try_get::<i64, _>(1)? != 0,
                    text_version: row.try_get(2)?,
                    at: row.try_get(3)?,
                })
            })
            .collect()
    }
}

/// Gives `role` in the organisation to the person (nothing if they hold it already).
pub(crate) async fn insert_organisation_role(
    transaction: &mut Transaction<'static, Any>,
    user_id: i64,
    organisation_id: i64,
    role: &str,
    at: &str,
    granted_by: Option<i64>,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO organisation_roles (user_id, organisation_id, role, granted_at, granted_by) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, organisation_id, role) DO NOTHING",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(role)
    .bind(at)
    .bind(granted_by)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Sets the account's password hash and ends its sessions, all but `keep_session` when one is
/// given.
pub(crate) async fn write_password(
    transaction: &mut Transaction<'static, Any>,
    user_id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(now_text())
        .bind(user_id)
        .execute(&mut **transaction)
        .await?;
    match keep_session {
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut **transaction)
                .await?
        }
        Some(keep) => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_digest <> $2")
                .bind(user_id)
                .bind(keep)
                .execute(&mut **transaction)
                .await?
        }
    };
    Ok(())
}

/// Writes the audit entry `action` about the account `user_id` and commits the transaction.
pub(crate) async fn commit_with_audit(
    mut transaction: Transaction<'static, Any>,
    context: &AuditContext,
    action: &str,
    user_id: i64,
) -> Result<(), StorageError> {
    write_audit(
        &mut transaction,
        context,
        &AuditRecord::new(action, "user", user_id.to_string()),
    )
    .await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn insert_consent(
    transaction: &mut Transaction<'static, Any>,
    user_id: i64,
    purpose: &str,
    granted: bool,
    text_version: &str,
    at: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO consents (user_id, purpose, granted, text_version, at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(purpose)
    .bind(i64::from(granted))
    .bind(text_version)
    .bind(at)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

pub(crate) async fn insert_one_time_token(
    transaction: &mut Transaction<'static, Any>,
    token: &NewOneTimeToken,
    now: &str,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO one_time_tokens (token_digest, user_id, purpose, created_at, expires_unix, \
         used_at, payload) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
    )
    .bind(&token.token_digest)
    .bind(token.user_id)
    .bind(&token.purpose)
    .bind(now)
    .bind(token.expires_unix)
    .bind(&token.payload)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}
