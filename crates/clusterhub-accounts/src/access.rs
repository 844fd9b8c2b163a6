//! Who may call what: the roles of DESIGN C8, the signed-in person as a [`Principal`], and the
//! [`Access`] rule every route declares, decided in one function.
//!
//! A refusal is either "sign in first" (nobody is signed in, or the second factor or a recent
//! re-authentication is missing) or "hide": the caller is signed in but may not see or act on
//! the record, and the answer is the same 404 as for a record that does not exist, so nothing
//! hints that it does.

use serde::{Deserialize, Serialize};

/// A person's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationRole {
    /// Belongs to the organisation and sees its internal pages.
    Member,
    /// Edits the organisation's profile and invites colleagues.
    Admin,
    /// Manages a cluster organisation's member list (and is an admin of it).
    ClusterManager,
}

impl OrganisationRole {
    pub const ALL: [OrganisationRole; 3] = [
        OrganisationRole::Member,
        OrganisationRole::Admin,
        OrganisationRole::ClusterManager,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationRole::Member => "member",
            OrganisationRole::Admin => "admin",
            OrganisationRole::ClusterManager => "cluster_manager",
        }
    }

    /// The role with this stored name.
    pub fn parse(text: &str) -> Option<OrganisationRole> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether holding `self` includes what `other` may do.
    pub fn includes(self, other: OrganisationRole) -> bool {
        match self {
            OrganisationRole::ClusterManager => true,
            OrganisationRole::Admin => other != OrganisationRole::ClusterManager,
            OrganisationRole::Member => other == OrganisationRole::Member,
        }
    }
}

/// A role across the platform, not tied to one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformRole {
    /// Scores the applications assigned to them.
    Evaluator,
    /// Runs calls and exchange schemes: eligibility, selection, payments.
    ProgrammeOfficer,
    /// Runs the platform: approves claims, reads the audit log.
    PlatformAdmin,
}

impl PlatformRole {
    pub const ALL: [PlatformRole; 3] = [
        PlatformRole::Evaluator,
        PlatformRole::ProgrammeOfficer,
        PlatformRole::PlatformAdmin,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Evaluator => "evaluator",
            PlatformRole::ProgrammeOfficer => "programme_officer",
            PlatformRole::PlatformAdmin => "platform_admin",
        }
    }

    /// The role with this stored name.
    pub fn parse(text: &str) -> Option<PlatformRole> {
        Self::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// The signed-in person as access decisions see them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    pub user_id: i64,
    pub platform_roles: Vec<PlatformRole>,
    /// (organisation id, role) pairs.
    pub organisations: Vec<(i64, OrganisationRole)>,
    /// Unix seconds of the last password (or second-factor) check in this session.
    pub authenticated_at: i64,
}

impl Principal {
    /// Whether the person holds `role` (or one that includes it) in `organisation`.
    pub fn has_organisation_role(&self, organisation: i64, role: OrganisationRole) -> bool {
        self.organisations
            .iter()
            .any(|(id, held)| *id == organisation && held.includes(role))
    }

    /// Whether the person holds the platform role.
    pub fn has_platform_role(&self, role: PlatformRole) -> bool {
        self.platform_roles.contains(&role)
    }
}

/// Seconds after a sign-in during which sensitive actions need no new password.
pub const RECENT_AUTHENTICATION_SECONDS: i64 = 10 * 60;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person who entered their password in the last ten minutes (changing the
    /// password or e-mail, the second factor, API tokens, erasure).
    RecentlyAuthenticated,
    /// A person with this role (or a stronger one) in the organisation the path names.
    Organisation(OrganisationRole),
    /// A person with one of these platform roles.
    Platform(&'static [PlatformRole]),
}

/// What to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 401 for the API, a redirect to the sign-in page for pages.
    SignIn,
    /// 404, exactly as for a record that does not exist.
    Hide,
}

impl Access {
    /// Decides for `principal` (None: nobody signed in) at `now` (Unix seconds); `organisation`
    /// is the organisation id the path names, for [`Access::Organisation`].
    pub fn decide(
        self,
        principal: Option<&Principal>,
        organisation: Option<i64>,
        now: i64,
    ) -> Decision {
        if self == Access::Public {
            return Decision::Allow;
        }
        let Some(principal) = principal else {
            return Decision::SignIn;
        };
        match self {
            Access::Public | Access::SignedIn => Decision::Allow,
            Access::RecentlyAuthenticated => {
                if now - principal.authenticated_at <= RECENT_AUTHENTICATION_SECONDS {
                    Decision::Allow
                } else {
                    Decision::SignIn
                }
            }
            Access::Organisation(role) => match organisation {
                Some(id)
                    if principal.has_organisation_role(id, role)
                        || principal.has_platform_role(PlatformRole::PlatformAdmin) =>
                {
                    Decision::Allow
                }
                _ => Decision::Hide,
            },
            Access::Platform(roles) => {
                if roles.iter().any(|role| principal.has_platform_role(*role)) {
                    Decision::Allow
                } else {
                    Decision::Hide
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Principal {
        Principal {
            user_id: 7,
            platform_roles: vec![PlatformRole::Evaluator],
            organisations: vec![
                (10, OrganisationRole::Admin),
                (11, OrganisationRole::Member),
            ],
            authenticated_at: 1_000,
        }
    }

    #[test]
    fn nobody_signed_in_may_only_call_public_routes() {
        assert_eq!(Access::Public.decide(None, None, 0), Decision::Allow);
        for access in [
            Access::SignedIn,
            Access::RecentlyAuthenticated,
            Access::Organisation(OrganisationRole::Member),
            Access::Platform(&[PlatformRole::PlatformAdmin]),
        ] {
            assert_eq!(access.decide(None, Some(10), 0), Decision::SignIn);
        }
    }

    #[test]
    fn organisation_roles_apply_to_their_organisation_only() {
        let p = person();
        let admin = Access::Organisation(OrganisationRole::Admin);
        assert_eq!(admin.decide(Some(&p), Some(10), 1_000), Decision::Allow);
        assert_eq!(admin.decide(Some(&p), Some(11), 1_000), Decision::Hide);
        assert_eq!(admin.decide(Some(&p), Some(12), 1_000), Decision::Hide);
        assert_eq!(admin.decide(Some(&p), None, 1_000), Decision::Hide);
        let member = Access::Organisation(OrganisationRole::Member);
        assert_eq!(member.decide(Some(&p), Some(10), 1_000), Decision::Allow);
        let manager = Access::Organisation(OrganisationRole::ClusterManager);
        assert_eq!(manager.decide(Some(&p), Some(10), 1_000), Decision::Hide);
        // A platform admin may act on any organisation.
        let mut admin_person = person();
        admin_person.platform_roles = vec![PlatformRole::PlatformAdmin];
        assert_eq!(
            manager.decide(Some(&admin_person), Some(99), 1_000),
            Decision::Allow
        );
    }

    #[test]
    fn platform_roles_and_recent_sign_in() {
        let p = person();
        let evaluators = Access::Platform(&[PlatformRole::Evaluator]);
        assert_eq!(evaluators.decide(Some(&p), None, 0), Decision::Allow);
        let admins = Access::Platform(&[PlatformRole::PlatformAdmin]);
        assert_eq!(admins.decide(Some(&p), None, 0), Decision::Hide);
        let recent = Access::RecentlyAuthenticated;
        assert_eq!(recent.decide(Some(&p), None, 1_600), Decision::Allow);
        assert_eq!(recent.decide(Some(&p), None, 1_601), Decision::SignIn);
    }

    #[test]
    fn role_names_round_trip() {
        for role in OrganisationRole::ALL {
            assert_eq!(OrganisationRole::parse(role.as_str()), Some(role));
        }
        for role in PlatformRole::ALL {
            assert_eq!(PlatformRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(PlatformRole::parse("root"), None);
    }
}
