//! The access rule of every route, in one table: who may call each (method, path) the router
//! knows. A route missing here is refused (404) and logged, and the route × role test fails,
//! so a new route cannot ship without a rule.
//!
//! Paths are the router's patterns (`/organisations/{id}`). A few read-only families of public
//! data (reference data, observatory figures, static files) are declared by prefix.

use axum::http::Method;
use clusterhub_accounts::{Access, OrganisationRole, PlatformRole};

/// Platform admins only.
pub(crate) const PLATFORM_ADMIN: Access = Access::Platform(&[PlatformRole::PlatformAdmin]);

/// Admins of the organisation the path names (and platform admins).
const ORGANISATION_ADMIN: Access = Access::Organisation(OrganisationRole::Admin);

/// Cluster managers of the cluster organisation the path names (and platform admins).
const CLUSTER_MANAGER: Access = Access::Organisation(OrganisationRole::ClusterManager);

/// (method, path pattern, rule).
pub(crate) const RULES: &[(&str, &str, Access)] = &[
    // Pages anyone may see.
    ("GET", "/", Access::Public),
    ("GET", "/organisations", Access::Public),
    ("GET", "/organisations/{id}", Access::Public),
    ("GET", "/selected", Access::Public),
    ("GET", "/observatory", Access::Public),
    // Matchmaking for signed-in people: value-chain consortia.
    ("GET", "/value-chains", Access::SignedIn),
    ("POST", "/api/v1/value-chains/consortia", Access::SignedIn),
    // Expressions of interest, sent from an organisation the person belongs to (the handlers
    // check that and answer 404 otherwise), and the inbox of the person's organisations.
    ("GET", "/inbox", Access::SignedIn),
    ("POST", "/inbox/{id}/read", Access::SignedIn),
    ("POST", "/organisations/{id}/interests", Access::SignedIn),
    (
        "POST",
        "/api/v1/organisations/{id}/interests",
        Access::SignedIn,
    ),
    ("GET", "/api/v1/inbox", Access::SignedIn),
    // Accounts: signing up, in and out, confirming an address, resetting a password.
    ("GET", "/signup", Access::Public),
    ("POST", "/signup", Access::Public),
    ("GET", "/login", Access::Public),
    ("POST", "/login", Access::Public),
    ("GET", "/login/second-factor", Access::Public),
    ("POST", "/login/second-factor", Access::Public),
    ("POST", "/logout", Access::Public),
    ("GET", "/verify-email", Access::Public),
    ("POST", "/verify-email", Access::Public),
    ("GET", "/password/forgot", Access::Public),
    ("POST", "/password/forgot", Access::Public),
    ("GET", "/password/reset", Access::Public),
    ("POST", "/password/reset", Access::Public),
    // One's own account.
    ("GET", "/account", Access::SignedIn),
    (
        "GET",
        "/account/second-factor",
        Access::RecentlyAuthenticated,
    ),
    (
        "POST",
        "/account/second-factor",
        Access::RecentlyAuthenticated,
    ),
    ("POST", "/account/erase", Access::RecentlyAuthenticated),
    // Confirming the password again before a sensitive action.
    ("GET", "/account/confirm", Access::SignedIn),
    ("POST", "/account/confirm", Access::SignedIn),
    // Personal API tokens: creating one needs a recent password check, revoking does not.
    ("GET", "/account/tokens/new", Access::RecentlyAuthenticated),
    ("POST", "/account/tokens", Access::RecentlyAuthenticated),
    ("POST", "/account/tokens/{id}/revoke", Access::SignedIn),
    // Password, e-mail address and consents.
    ("GET", "/account/password", Access::RecentlyAuthenticated),
    ("POST", "/account/password", Access::RecentlyAuthenticated),
    ("GET", "/account/email", Access::RecentlyAuthenticated),
    ("POST", "/account/email", Access::RecentlyAuthenticated),
    // The link sent to a new address: it proves the mailbox, whoever opens it.
    ("GET", "/account/email/confirm", Access::Public),
    ("POST", "/account/email/confirm", Access::Public),
    ("POST", "/account/consents", Access::SignedIn),
    // Platform administration.
    ("GET", "/api/v1/admin/audit", PLATFORM_ADMIN),
    ("GET", "/admin/audit", PLATFORM_ADMIN),
    ("GET", "/admin/audit/export.csv", PLATFORM_ADMIN),
    ("GET", "/admin/audit/export.json", PLATFORM_ADMIN),
    // The JSON API.
    ("GET", "/api/v1", Access::Public),
    ("GET", "/api/v1/health", Access::Public),
    ("GET", "/api/v1/openapi.json", Access::Public),
    ("GET", "/api/v1/problems", Access::Public),
    ("GET", "/api/v1/problems/{code}", Access::Public),
    ("GET", "/api/v1/organisations", Access::Public),
    ("GET", "/api/v1/organisations/{id}", Access::Public),
    ("GET", "/api/v1/organisations/{id}/partners", Access::Public),
    ("GET", "/api/v1/partners", Access::Public),
    ("GET", "/api/v1/organisations/map", Access::Public),
    ("GET", "/api/v1/organisations/export.csv", Access::Public),
    ("GET", "/api/v1/organisations/export.xlsx", Access::Public),
    ("POST", "/api/v1/auth/login", Access::Public),
    ("POST", "/api/v1/auth/logout", Access::Public),
    ("GET", "/api/v1/me", Access::SignedIn),
    ("GET", "/api/v1/me/export", Access::SignedIn),
    ("GET", "/api/v1/me/tokens", Access::SignedIn),
    ("POST", "/api/v1/me/tokens", Access::RecentlyAuthenticated),
    ("DELETE", "/api/v1/me/tokens/{id}", Access::SignedIn),
    (
        "GET",
        "/api/v1/organisations/{id}/people",
        Access::Organisation(OrganisationRole::Admin),
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}",
        Access::Organisation(OrganisationRole::Admin),
    ),
    // Organisation administration: the profile, its people and invitations, a cluster's
    // member list (pages/organisation_admin).
    ("GET", "/organisations/{id}/edit", ORGANISATION_ADMIN),
    ("POST", "/organisations/{id}/edit", ORGANISATION_ADMIN),
    ("GET", "/organisations/{id}/people", ORGANISATION_ADMIN),
    (
        "POST",
        "/organisations/{id}/people/remove",
        ORGANISATION_ADMIN,
    ),
    (
        "POST",
        "/organisations/{id}/invitations",
        ORGANISATION_ADMIN,
    ),
    // The invited person opens the link before signing in; accepting needs the account.
    ("GET", "/invitations/accept", Access::Public),
    ("POST", "/invitations/accept", Access::SignedIn),
    ("GET", "/organisations/{id}/members", CLUSTER_MANAGER),
    ("POST", "/organisations/{id}/members", CLUSTER_MANAGER),
    (
        "POST",
        "/organisations/{id}/members/remove",
        CLUSTER_MANAGER,
    ),
    // Claiming an imported profile, and the platform admins' decision (pages/claims.rs).
    ("GET", "/organisations/{id}/claim", Access::SignedIn),
    ("POST", "/organisations/{id}/claim", Access::SignedIn),
    ("GET", "/admin/claims", PLATFORM_ADMIN),
    ("POST", "/admin/claims/{id}", PLATFORM_ADMIN),
];

/// Read-only families of public data, by path prefix (GET and HEAD only).
pub(crate) const PUBLIC_READ_PREFIXES: &[&str] = &[
    "/static/",
    "/api/v1/taxonomies",
    "/api/v1/observatory",
    "/observatory/",
];

/// The rule for a route, if it has one.
pub(crate) fn rule(method: &Method, path: &str) -> Option<Access> {
    let method_name = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    if let Some((_, _, access)) = RULES
        .iter()
        .find(|(rule_method, rule_path, _)| *rule_method == method_name && *rule_path == path)
    {
        return Some(*access);
    }
    if method_name == "GET"
        && PUBLIC_READ_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
    {
        return Some(Access::Public);
    }
    None
}

/// The organisation id a request's path names, for rules scoped to an organisation: the
/// segment where the pattern has `{id}` under `/organisations/` or `/api/v1/organisations/`.
pub(crate) fn organisation_in_path(pattern: &str, path: &str) -> Option<i64> {
    let position = pattern.split('/').position(|segment| segment == "{id}")?;
    if !pattern.contains("/organisations/{id}") {
        return None;
    }
    path.split('/').nth(position)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_found_by_method_and_pattern() {
        assert_eq!(rule(&Method::GET, "/"), Some(Access::Public));
        assert_eq!(rule(&Method::HEAD, "/account"), Some(Access::SignedIn));
        assert_eq!(rule(&Method::DELETE, "/account"), None);
        assert_eq!(
            rule(&Method::GET, "/api/v1/taxonomies/nuts/{code}"),
            Some(Access::Public)
        );
        assert_eq!(rule(&Method::POST, "/api/v1/taxonomies/nuts"), None);
        assert_eq!(rule(&Method::GET, "/nowhere"), None);
    }

    #[test]
    fn the_organisation_comes_from_the_id_segment() {
        assert_eq!(
            organisation_in_path("/organisations/{id}/profile", "/organisations/42/profile"),
            Some(42)
        );
        assert_eq!(
            organisation_in_path("/organisations/{id}/profile", "/organisations/x/profile"),
            None
        );
        assert_eq!(
            organisation_in_path("/api/v1/problems/{code}", "/api/v1/problems/a"),
            None
        );
    }

    #[test]
    fn no_rule_is_listed_twice() {
        for (index, (method, path, _)) in RULES.iter().enumerate() {
            assert!(
                !RULES[index + 1..]
                    .iter()
                    .any(|(other_method, other_path, _)| other_method == method
                        && other_path == path),
                "{method} {path} has two rules"
            );
        }
    }
}
