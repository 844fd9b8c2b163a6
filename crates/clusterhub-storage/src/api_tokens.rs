//! Personal API tokens: a person creates, lists and revokes them; a request that presents one
//! (`Authorization: Bearer cht_…`) acts as that person. Only the SHA-256 of a token is stored.
//! Creating and revoking write their audit entries in the same transaction; the last use is
//! recorded at most once a minute per token, so reading through the API does not turn every
//! request into a write.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::organisations::reserve_ids;
use crate::time_text::{now_text, text_of_unix};
use crate::{Storage, StorageError};

/// The `expires_unix` of a token without an expiry date.
pub const NEVER_EXPIRES: i64 = i64::MAX;

/// The most live (unrevoked, unexpired) tokens one person may hold.
pub const MAX_LIVE_API_TOKENS: i64 = 25;

/// A token to create.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: i64,
    pub name: String,
    pub token_digest: String,
    /// Unix seconds, or [`NEVER_EXPIRES`].
    pub expires_unix: i64,
}

/// A token as its owner sees it (never its text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    /// Unix seconds, or [`NEVER_EXPIRES`].
    pub expires_unix: i64,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl ApiTokenRecord {
    /// Whether the token still signs requests in at `now_unix`.
    pub fn is_live(&self, now_unix: i64) -> bool {
        self.revoked_at.is_none() && self.expires_unix > now_unix
    }
}

fn token_from_row(row: &AnyRow) -> Result<ApiTokenRecord, StorageError> {
    Ok(ApiTokenRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        expires_unix: row.try_get("expires_unix")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Storage {
    /// Stores a new token with its audit entry. A person who already holds
    /// [`MAX_LIVE_API_TOKENS`] live tokens gets a [`StorageError::Conflict`].
    pub async fn create_api_token(
        &self,
        token: &NewApiToken,
        now_unix: i64,
        context: &AuditContext,
    ) -> Result<ApiTokenRecord, StorageError> {
        let mut transaction = self.begin_write().await?;
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL \
             AND expires_unix > $2",
        )
        .bind(token.user_id)
        .bind(now_unix)
        .fetch_one(&mut *transaction)
        .await?;
        if live >= MAX_LIVE_API_TOKENS {
            return Err(StorageError::Conflict(format!(
                "you hold {live} live API tokens; revoke one before creating another"
            )));
        }
        let id = reserve_ids(&mut transaction, "api_tokens", 1).await?;
        let now = now_text();
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_digest, created_at, expires_unix, \
             last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
        )
        .bind(id)
        .bind(token.user_id)
        .bind(&token.name)
        .bind(&token.token_digest)
        .bind(&now)
        .bind(token.expires_unix)
        .execute(&mut *transaction)
        .await?;
        let expires =
            (token.expires_unix != NEVER_EXPIRES).then(|| text_of_unix(token.expires_unix));
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("api_token.create", "api_token", id.to_string()).after(
                serde_json::json!({"user_id": token.user_id, "name": token.name, "expires_at": expires}),
            ),
        )
        .await?;
        transaction.commit().await?;
        Ok(ApiTokenRecord {
            id,
            name: token.name.clone(),
            created_at: now,
            expires_unix: token.expires_unix,
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// A person's tokens, newest first, revoked and expired ones included.
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiTokenRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_unix, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY id DESC",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes one of a person's tokens, with its audit entry. Returns `false` (and writes
    /// nothing) when the person has no unrevoked token with this id.
    pub async fn revoke_api_token(
        &self,
        user_id: i64,
        token_id: i64,
        context: &AuditContext,
    ) -> Result<bool, StorageError> {
        let mut transaction = self.begin_write().await?;
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(now_text())
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        if result.rows_affected() != 1 {
            return Ok(false);
        }
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("api_token.revoke", "api_token", token_id.to_string())
                .after(serde_json::json!({"user_id": user_id})),
        )
        .await?;
        transaction.commit().await?;
        Ok(true)
    }

    /// The (token id, user id) of a live token with this digest at `now_unix`, recording its
    /// use (at most once a minute); `None` for an unknown, revoked or expired token.
    pub async fn use_api_token(
        &self,
        token_digest: &str,
        now_unix: i64,
    ) -> Result<Option<(i64, i64)>, StorageError> {
        let row = sqlx::query(
            "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_digest = $1 \
             AND revoked_at IS NULL AND expires_unix > $2",
        )
        .bind(token_digest)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get(0)?;
        let user_id: i64 = row.try_get(1)?;
        let last_used: Option<String> = row.try_get(2)?;
        let a_minute_ago = text_of_unix(now_unix - 60);
        if last_used.is_none_or(|last| last < a_minute_ago) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now_text())
                .bind(id)
                .execute(self.pool())
                .await?;
        }
        Ok(Some((id, user_id)))
    }
}
