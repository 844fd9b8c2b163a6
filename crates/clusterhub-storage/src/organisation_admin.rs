//! What organisation admins, cluster managers and platform admins change: a profile edited by
//! hand, invitations to an organisation (one-time tokens with the e-mail that carries them),
//! roles removed (never the last admin), claims of imported profiles and their decision, and a
//! cluster's member list.
//!
//! Each change is one transaction holding the change itself, its audit entry, the e-mail it
//! causes (outbox) and, when a search document changes, a new change-feed revision. Audit
//! entries name people by id only and never hold an e-mail address.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::accounts::{NewOneTimeToken, insert_one_time_token, insert_organisation_role};
use crate::audit::{AuditContext, AuditRecord, write_audit};
use crate::changes::raise_revisions;
use crate::organisations::{
    OrganisationImport, bind_profile, reserve_ids, select_statement, stored_from_row,
    update_statement,
};
use crate::outbox::{OutgoingEmail, write_email};
use crate::time_text::now_text;
use crate::{Storage, StorageError};

/// The token purpose of invitations (`clusterhub_accounts::TokenPurpose::Invitation`).
const INVITATION: &str = "invitation";

/// Roles that administer an organisation.
const ADMIN_ROLES: &str = "('admin', 'cluster_manager')";

/// An invitation to create: who invites whom to which organisation with which role.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub token_digest: String,
    pub inviter_user_id: i64,
    pub organisation_id: i64,
    /// Lowercased.
    pub email: String,
    pub role: String,
    pub expires_unix: i64,
}

/// An invitation not used yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvitation {
    pub organisation_id: i64,
    pub email: String,
    pub role: String,
    pub inviter_user_id: i64,
    pub expires_unix: i64,
}

/// What became of an attempt to accept an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationAcceptance {
    /// The role is granted.
    Accepted { organisation_id: i64, role: String },
    /// The link was made for another e-mail address; it stays usable.
    OtherAddress,
    /// Used, expired or unknown.
    Unusable,
}

/// A claim as the platform admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub language: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub organisation_kind: String,
    pub message: String,
    pub status: String,
    pub created_at: String,
}

/// What became of a claim request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRequest {
    Created(i64),
    /// This person already has a claim waiting for this organisation.
    AlreadyPending,
    /// The organisation has an admin: it is not open to claims.
    HasAdmin,
    NoSuchOrganisation,
}

/// What became of a change to a cluster's member list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembershipChange {
    /// Done, with the change-feed revision it wrote.
    Done(i64),
    /// Nothing to do (already a member, or not a member).
    Unchanged,
    /// The first organisation is not a cluster organisation.
    NotACluster,
    /// The member does not exist (or is the cluster itself).
    NoSuchMember,
}

/// The fields of a profile that differ between `before` and `after`, as two JSON objects with
/// those fields only; the organisation's e-mail address (often a person's) is reported as
/// changed, never written.
fn profile_difference(
    before: &OrganisationImport,
    after: &OrganisationImport,
) -> (serde_json::Value, serde_json::Value) {
    let to_map = |profile: &OrganisationImport| -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(profile) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    };
    let (old, new) = (to_map(before), to_map(after));
    let mut old_changed = serde_json::Map::new();
    let mut new_changed = serde_json::Map::new();
    for (key, new_value) in &new {
        let old_value = old.get(key).cloned().unwrap_or(serde_json::Value::Null);
        if key == "member_of" || old_value == *new_value {
            continue;
        }
        if key == "email" {
            old_changed.insert(key.clone(), serde_json::json!("(not logged)"));
            new_changed.insert(key.clone(), serde_json::json!("(changed, not logged)"));
        } else {
            old_changed.insert(key.clone(), old_value);
            new_changed.insert(key.clone(), new_value.clone());
        }
    }
    (
        serde_json::Value::Object(old_changed),
        serde_json::Value::Object(new_changed),
    )
}

impl Storage {
    /// Replaces the profile of organisation `id` as edited by hand: every column except its
    /// external key and its cluster memberships (kept as stored), with a new change-feed
    /// revision (also given to the clusters it belongs to, whose member counts by type may
    /// change) and an audit entry with the changed fields before and after, in one transaction.
    /// Returns the revision, or `None` if there is no such organisation.
    pub async fn edit_organisation(
        &self,
        id: i64,
        profile: &OrganisationImport,
        context: &AuditContext,
    ) -> Result<Option<i64>, StorageError> {
        let mut transaction = self.begin_write().await?;
        let row = sqlx::query(&select_statement("WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(&mut *transaction)
            .await?;
        let Some(row) = row else {
            transaction.rollback().await?;
            return Ok(None);
        };
        let before = stored_from_row(&row)?.profile;
        let mut edited = profile.clone();
        edited.external_key = before.external_key.clone();
        edited.member_of = Vec::new();
        let revision = reserve_ids(&mut transaction, "revision", 1).await?;
        let prepared = edited.clone().prepare();
        let sql = update_statement();
        let now = now_text();
        let query = sqlx::query(&sql).bind(revision).bind(now.as_str());
        bind_profile(query, &prepared)
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        let clusters: BTreeSet<i64> =
            sqlx::query_scalar("SELECT cluster_id FROM memberships WHERE member_id = $1")
                .bind(id)
                .fetch_all(&mut *transaction)
                .await?
                .into_iter()
                .collect();
        raise_revisions(&mut transaction, self.backend(), revision, &clusters).await?;
        let (old, new) = profile_difference(&before, &edited);
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("organisation.edit", "organisation", id.to_string())
                .before(old)
                .after(new),
        )
        .await?;
        transaction.commit().await?;
        Ok(Some(revision))
    }

    /// Whether anyone holds an admin role (admin or cluster manager) in the organisation.
    pub async fn organisation_has_admin(&self, organisation_id: i64) -> Result<bool, StorageError> {
        Ok(admin_count(self.pool(), organisation_id).await? > 0)
    }

    /// Removes one role of a person in an organisation, with its audit entry. Refused (returns
    /// `Ok(false)`, nothing changed) when the person does not hold it or when it is the last
    /// admin role of the organisation.
    pub async fn remove_organisation_role(
        &self,
        user_id: i64,
        organisation_id: i64,
        role: &str,
        context: &AuditContext,
    ) -> Result<bool, StorageError> {
        let mut transaction = self.begin_write().await?;
        let removed = sqlx::query(
            "DELETE FROM organisation_roles WHERE user_id = $1 AND organisation_id = $2 \
             AND role = $3",
        )
        .bind(user_id)
        .bind(organisation_id)
        .bind(role)
        .execute(&mut *transaction)
        .await?;
        if removed.rows_affected() == 0 {
            transaction.rollback().await?;
            return Ok(false);
        }
        let admins_left = admin_count(&mut *transaction, organisation_id).await?;
        if admins_left == 0 && (role == "admin" || role == "cluster_manager") {
            transaction.rollback().await?;
            return Ok(false);
        }
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("role.remove_organisation", "user", user_id.to_string())
                .before(serde_json::json!({"organisation_id": organisation_id, "role": role})),
        )
        .await?;
        transaction.commit().await?;
        Ok(true)
    }

    /// Stores an invitation (a one-time token of the inviter whose payload names the
    /// organisation, the role and the invited address) with the e-mail that carries its link and
    /// the audit entry, in one transaction.
    pub async fn invite_to_organisation(
        &self,
        invitation: &NewInvitation,
        email: &OutgoingEmail,
        context: &AuditContext,
    ) -> Result<(), StorageError> {
        let mut transaction = self.begin_write().await?;
        let payload = serde_json::json!({
            "organisation_id": invitation.organisation_id,
            "role": invitation.role,
            "email": invitation.email,
        });
        let token = NewOneTimeToken {
            token_digest: invitation.token_digest.clone(),
            user_id: invitation.inviter_user_id,
            purpose: String::from(INVITATION),
            expires_unix: invitation.expires_unix,
            payload: payload.to_string(),
        };
        insert_one_time_token(&mut transaction, &token, &now_text()).await?;
        write_email(&mut transaction, email).await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new(
                "invitation.create",
                "organisation",
                invitation.organisation_id.to_string(),
            )
            .after(serde_json::json!({"role": invitation.role})),
        )
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The invitation a usable token stands for, without using it.
    pub async fn invitation(
        &self,
        token_digest: &str,
        now_unix: i64,
    ) -> Result<Option<PendingInvitation>, StorageError> {
        let row = sqlx::query(
            "SELECT user_id, payload, expires_unix FROM one_time_tokens WHERE token_digest = $1 \
             AND purpose = $2 AND used_at IS NULL AND expires_unix > $3",
        )
        .bind(token_digest)
        .bind(INVITATION)
        .bind(now_unix)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            invitation_from(
                row.try_get(0)?,
                &row.try_get::<String, _>(1)?,
                row.try_get(2)?,
            )
        })
        .transpose()
    }

    /// The usable invitations of an organisation, oldest first.
    pub async fn pending_invitations(
        &self,
        organisation_id: i64,
        now_unix: i64,
    ) -> Result<Vec<PendingInvitation>, StorageError> {
        let rows = sqlx::query(
            "SELECT user_id, payload, expires_unix FROM one_time_tokens WHERE purpose = $1 \
             AND used_at IS NULL AND expires_unix > $2 ORDER BY created_at, token_digest",
        )
        .bind(INVITATION)
        .bind(now_unix)
        .fetch_all(self.pool())
        .await?;
        let mut invitations = Vec::new();
        for row in rows {
            let invitation = invitation_from(
                row.try_get(0)?,
                &row.try_get::<String, _>(1)?,
                row.try_get(2)?,
            )?;
            if invitation.organisation_id == organisation_id {
                invitations.push(invitation);
            }
        }
        Ok(invitations)
    }

    /// Accepts an invitation for the signed-in person `user_id` whose address is `user_email`:
    /// the token is used and the role granted, with the audit entry, in one transaction. A link
    /// made for another address changes nothing.
    pub async fn accept_invitation(
        &self,
        token_digest: &str,
        user_id: i64,
        user_email: &str,
        now_unix: i64,
        context: &AuditContext,
    ) -> Result<InvitationAcceptance, StorageError> {
        let mut transaction = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE one_time_tokens SET used_at = $1 WHERE token_digest = $2 AND purpose = $3 \
             AND used_at IS NULL AND expires_unix > $4 RETURNING user_id, payload, expires_unix",
        )
        .bind(now_text())
        .bind(token_digest)
        .bind(INVITATION)
        .bind(now_unix)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            transaction.rollback().await?;
            return Ok(InvitationAcceptance::Unusable);
        };
        let invitation = invitation_from(
            row.try_get(0)?,
            &row.try_get::<String, _>(1)?,
            row.try_get(2)?,
        )?;
        if !invitation.email.eq_ignore_ascii_case(user_email) {
            transaction.rollback().await?;
            return Ok(InvitationAcceptance::OtherAddress);
        }
        insert_organisation_role(
            &mut transaction,
            user_id,
            invitation.organisation_id,
            &invitation.role,
            &now_text(),
            Some(invitation.inviter_user_id),
        )
        .await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("invitation.accept", "user", user_id.to_string()).after(
                serde_json::json!({
                    "organisation_id": invitation.organisation_id,
                    "role": invitation.role,
                    "invited_by": invitation.inviter_user_id,
                }),
            ),
        )
        .await?;
        transaction.commit().await?;
        Ok(InvitationAcceptance::Accepted {
            organisation_id: invitation.organisation_id,
            role: invitation.role,
        })
    }

    /// Records a person's request to administer an organisation nobody administers yet, with
    /// its audit entry.
    pub async fn request_claim(
        &self,
        user_id: i64,
        organisation_id: i64,
        message: &str,
        context: &AuditContext,
    ) -> Result<ClaimRequest, StorageError> {
        let mut transaction = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(&mut *transaction)
            .await?;
        if exists.is_none() {
            transaction.rollback().await?;
            return Ok(ClaimRequest::NoSuchOrganisation);
        }
        let admins = admin_count(&mut *transaction, organisation_id).await?;
        if admins > 0 {
            transaction.rollback().await?;
            return Ok(ClaimRequest::HasAdmin);
        }
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organisation_claims WHERE user_id = $1 \
             AND organisation_id = $2 AND status = 'pending'",
        )
        .bind(user_id)
        .bind(organisation_id)
        .fetch_one(&mut *transaction)
        .await?;
        if pending > 0 {
            transaction.rollback().await?;
            return Ok(ClaimRequest::AlreadyPending);
        }
        let id = reserve_ids(&mut transaction, "claims", 1).await?;
        sqlx::query(
            "INSERT INTO organisation_claims (id, user_id, organisation_id, message, status, \
             created_at, decided_by, decided_at) VALUES ($1, $2, $3, $4, 'pending', $5, NULL, NULL)",
        )
        .bind(id)
        .bind(user_id)
        .bind(organisation_id)
        .bind(message)
        .bind(now_text())
        .execute(&mut *transaction)
        .await?;
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new("claim.request", "organisation", organisation_id.to_string())
                .after(serde_json::json!({"claim_id": id, "user_id": user_id})),
        )
        .await?;
        transaction.commit().await?;
        Ok(ClaimRequest::Created(id))
    }

    /// The claims waiting for a decision, oldest first.
    pub async fn pending_claims(&self) -> Result<Vec<ClaimRecord>, StorageError> {
        let rows = sqlx::query(&format!(
            "{CLAIM_SELECT} WHERE c.status = 'pending' ORDER BY c.id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(claim_from_row).collect()
    }

    /// The claims a person made, newest first.
    pub async fn claims_of(&self, user_id: i64) -> Result<Vec<ClaimRecord>, StorageError> {
        let rows = sqlx::query(&format!(
            "{CLAIM_SELECT} WHERE c.user_id = $1 ORDER BY c.id DESC"
        ))
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(claim_from_row).collect()
    }

    /// Approves or rejects a pending claim, in one transaction: the claim's status, on approval
    /// the role (`cluster_manager` for a cluster organisation, `admin` otherwise), the audit
    /// entry and the e-mail `notify` writes to the claimant (given the claim and the role
    /// granted). `None` if the claim does not exist or was decided already.
    pub async fn decide_claim(
        &self,
        claim_id: i64,
        approve: bool,
        notify: impl FnOnce(&ClaimRecord, Option<&str>) -> OutgoingEmail,
        context: &AuditContext,
    ) -> Result<Option<ClaimRecord>, StorageError> {
        let mut transaction = self.begin_write().await?;
        let status = if approve { "approved" } else { "rejected" };
        let now = now_text();
        let updated = sqlx::query(
            "UPDATE organisation_claims SET status = $1, decided_by = $2, decided_at = $3 \
             WHERE id = $4 AND status = 'pending'",
        )
        .bind(status)
        .bind(context.actor_user_id)
        .bind(&now)
        .bind(claim_id)
        .execute(&mut *transaction)
        .await?;
        if updated.rows_affected() == 0 {
            transaction.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query(&format!("{CLAIM_SELECT} WHERE c.id = $1"))
            .bind(claim_id)
            .fetch_one(&mut *transaction)
            .await?;
        let claim = claim_from_row(&row)?;
        let role = if claim.organisation_kind == "cluster" {
            "cluster_manager"
        } else {
            "admin"
        };
        if approve {
            insert_organisation_role(
                &mut transaction,
                claim.user_id,
                claim.organisation_id,
                role,
                &now,
                context.actor_user_id,
            )
            .await?;
        }
        let action = if approve {
            "claim.approve"
        } else {
            "claim.reject"
        };
        let mut after = serde_json::json!({
            "claim_id": claim.id,
            "user_id": claim.user_id,
            "status": status,
        });
        if approve {
            after["role"] = serde_json::json!(role);
        }
        write_audit(
            &mut transaction,
            context,
            &AuditRecord::new(action, "organisation", claim.organisation_id.to_string())
                .before(serde_json::json!({"claim_id": claim.id, "status": "pending"}))
                .after(after),
        )
        .await?;
        let email = notify(&claim, approve.then_some(role));
        write_email(&mut transaction, &email).await?;
        transaction.commit().await?;
        Ok(Some(claim))
    }

    /// Adds `member_id` to the member list of cluster organisation `cluster_id`: both get a new
    /// change-feed revision, with the audit entry, in one transaction.
    pub async fn add_cluster_member(
        &self,
        cluster_id: i64,
        member_id: i64,
        context: &AuditContext,
    ) -> Result<MembershipChange, StorageError> {
        let mut transaction = self.begin_write().await?;
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1")
                .bind(cluster_id)
                .fetch_optional(&mut *transaction)
                .await?;
        if kind.as_deref() != Some("cluster") {
            transaction.rollback().await?;
            return Ok(MembershipChange::NotACluster);
        }
        let member: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(member_id)
            .fetch_optional(&mut *transaction)
            .await?;
        if member.is_none() || member_id == cluster_id {
            transaction.rollback().await?;
            return Ok(MembershipChange::NoSuchMember);
        }
        let inserted = sqlx::query(
            "INSERT INTO memberships (cluster_id, member_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (cluster_id, member_id) DO NOTHING",
        )
        .bind(cluster_id)
        .bind(member_id)
        .bind(now_text())
        .execute(&mut *transaction)
        .await?;
        finish_membership_change(
            self,
            transaction,
            inserted.rows_affected(),
            "cluster.member_add",
            cluster_id,
            member_id,
            context,
        )
        .await
    }

    /// Removes `member_id` from the member list of cluster `cluster_id`, like
    /// [`Storage::add_cluster_member`].
    pub async fn remove_cluster_member(
        &self,
        cluster_id: i64,
        member_id: i64,
        context: &AuditContext,
    ) -> Result<MembershipChange, StorageError> {
        let mut transaction = self.begin_write().await?;
        let removed =
            sqlx::query("DELETE FROM memberships WHERE cluster_id = $1 AND member_id = $2")
                .bind(cluster_id)
                .bind(member_id)
                .execute(&mut *transaction)
                .await?;
        finish_membership_change(
            self,
            transaction,
            removed.rows_affected(),
            "cluster.member_remove",
            cluster_id,
            member_id,
            context,
        )
        .await
    }
}

/// How many admin roles (admin or cluster manager) the organisation has.
async fn admin_count<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    organisation_id: i64,
) -> Result<i64, StorageError> {
    let count: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM organisation_roles WHERE organisation_id = $1 \
         AND role IN {ADMIN_ROLES}"
    ))
    .bind(organisation_id)
    .fetch_one(executor)
    .await?;
    Ok(count)
}

/// Ends a membership change that wrote `rows` rows: with none, rolls back (`Unchanged`);
/// otherwise gives both organisations a new revision, writes the audit entry and commits.
async fn finish_membership_change(
    storage: &Storage,
    mut transaction: sqlx::Transaction<'static, sqlx::Any>,
    rows: u64,
    action: &str,
    cluster_id: i64,
    member_id: i64,
    context: &AuditContext,
) -> Result<MembershipChange, StorageError> {
    if rows == 0 {
        transaction.rollback().await?;
        return Ok(MembershipChange::Unchanged);
    }
    let revision = reserve_ids(&mut transaction, "revision", 1).await?;
    let touched: BTreeSet<i64> = [cluster_id, member_id].into_iter().collect();
    raise_revisions(&mut transaction, storage.backend(), revision, &touched).await?;
    let record = AuditRecord::new(action, "organisation", cluster_id.to_string());
    let record = if action.ends_with("add") {
        record.after(serde_json::json!({"member_id": member_id}))
    } else {
        record.before(serde_json::json!({"member_id": member_id}))
    };
    write_audit(&mut transaction, context, &record).await?;
    transaction.commit().await?;
    Ok(MembershipChange::Done(revision))
}

const CLAIM_SELECT: &str = "SELECT c.id, c.user_id, u.display_name, u.email, u.language, \
     c.organisation_id, o.name, o.kind, c.message, c.status, c.created_at \
     FROM organisation_claims c JOIN users u ON u.id = c.user_id \
     JOIN organisations o ON o.id = c.organisation_id";

fn claim_from_row(row: &sqlx::any::AnyRow) -> Result<ClaimRecord, StorageError> {
    Ok(ClaimRecord {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        display_name: row.try_get(2)?,
        email: row.try_get(3)?,
        language: row.try_get(4)?,
        organisation_id: row.try_get(5)?,
        organisation_name: row.try_get(6)?,
        organisation_kind: row.try_get(7)?,
        message: row.try_get(8)?,
        status: row.try_get(9)?,
        created_at: row.try_get(10)?,
    })
}

fn invitation_from(
    inviter_user_id: i64,
    payload: &str,
    expires_unix: i64,
) -> Result<PendingInvitation, StorageError> {
    let value: serde_json::Value = serde_json::from_str(payload)?;
    let text = |name: &str| -> Result<String, StorageError> {
        value[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| StorageError::Corrupt(format!("invitation payload without {name}")))
    };
    Ok(PendingInvitation {
        organisation_id: value["organisation_id"]
            .as_i64()
            .ok_or_else(|| StorageError::Corrupt(String::from("invitation payload without id")))?,
        email: text("email")?,
        role: text("role")?,
        inviter_user_id,
        expires_unix,
    })
}
