//! Retention: what has no use any more is deleted. Expired sessions and one-time links
//! (verification, reset, invitation, e-mail change: used or not) go, and so do API tokens a
//! month after they expired or were revoked. `serve` runs [`Storage::purge_expired`] every
//! few minutes; reads also ignore (and a session read deletes) anything expired, so nothing
//! depends on the task's timing.

use crate::time_text::text_of_unix;
use crate::{Storage, StorageError};

/// How long an expired or revoked API token stays listed for its owner, in seconds.
pub const API_TOKEN_KEEP_SECONDS: i64 = 30 * 24 * 3600;

/// What one purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PurgeSummary {
    pub sessions: u64,
    pub one_time_tokens: u64,
    pub api_tokens: u64,
}

impl Storage {
    /// Deletes the sessions and one-time tokens expired at `now_unix`, and the API tokens
    /// expired or revoked more than [`API_TOKEN_KEEP_SECONDS`] before it.
    pub async fn purge_expired(&self, now_unix: i64) -> Result<PurgeSummary, StorageError> {
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE expires_unix <= $1 OR idle_expires_unix <= $1")
                .bind(now_unix)
                .execute(self.pool())
                .await?
                .rows_affected();
        let one_time_tokens = sqlx::query("DELETE FROM one_time_tokens WHERE expires_unix <= $1")
            .bind(now_unix)
            .execute(self.pool())
            .await?
            .rows_affected();
        let cutoff = now_unix - API_TOKEN_KEEP_SECONDS;
        let api_tokens = sqlx::query(
            "DELETE FROM api_tokens WHERE expires_unix <= $1 \
             OR (revoked_at IS NOT NULL AND revoked_at < $2)",
        )
        .bind(cutoff)
        .bind(text_of_unix(cutoff))
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(PurgeSummary {
            sessions,
            one_time_tokens,
            api_tokens,
        })
    }
}
