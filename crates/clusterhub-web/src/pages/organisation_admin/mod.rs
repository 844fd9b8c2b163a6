//! The pages organisation admins and cluster managers use: the profile edit form
//! (`edit.rs`), the people of an organisation with invitations and their acceptance
//! (`people.rs`), and a cluster's member list (`members.rs`). Who may open each is in
//! `auth/policy.rs`; a handler only checks what the rule cannot know (a role the caller may
//! grant, whether an organisation is a cluster).

mod edit;
mod members;
mod people;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clusterhub_accounts::{OrganisationRole, PlatformRole};
use clusterhub_storage::StoredOrganisation;
use maud::{Markup, html};

use super::{PageShell, RequestLanguage, error_page, html_response, not_found_page};
use crate::AppState;
use crate::auth::{CSRF_FIELD, Caller};

/// The routes of organisation administration.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/organisations/{id}/edit",
            get(edit::edit_form).post(edit::save),
        )
        .route("/organisations/{id}/people", get(people::people_page))
        .route("/organisations/{id}/invitations", post(people::invite))
        .route(
            "/organisations/{id}/people/remove",
            post(people::remove_role),
        )
        .route(
            "/invitations/accept",
            get(people::invitation_page).post(people::accept_invitation),
        )
        .route(
            "/organisations/{id}/members",
            get(members::members_page).post(members::add_member),
        )
        .route(
            "/organisations/{id}/members/remove",
            post(members::remove_member),
        )
}

/// The hidden CSRF field of a form.
pub(crate) fn csrf_input(caller: &Caller) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(caller.csrf); }
}

/// Whether the caller holds `role` in the organisation (or is a platform admin).
pub(crate) fn may(caller: &Caller, organisation_id: i64, role: OrganisationRole) -> bool {
    caller.principal().is_some_and(|principal| {
        principal.has_organisation_role(organisation_id, role)
            || principal.has_platform_role(PlatformRole::PlatformAdmin)
    })
}

/// The organisation a path names, or the answer to give instead (404 for a malformed id or
/// a missing organisation, a 500 page when the database fails).
pub(crate) async fn organisation_or_answer(
    state: &AppState,
    language: &RequestLanguage,
    id: &str,
    path: &str,
) -> Result<StoredOrganisation, Response> {
    let Some(id) = crate::api::organisations::parse_id(id) else {
        return Err(not_found_page(language, path));
    };
    match state.storage().organisation(id).await {
        Ok(Some(stored)) => Ok(stored),
        Ok(None) => Err(not_found_page(language, path)),
        Err(error) => Err(server_error(language, &error)),
    }
}

/// A 500 page, with the cause logged.
fn server_error(language: &RequestLanguage, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "organisation administration failed");
    error_page(language, StatusCode::INTERNAL_SERVER_ERROR)
}

/// The `done=` of a page's query: which change the page was reached after.
#[derive(Debug, serde::Deserialize, Default)]
pub(crate) struct DoneQuery {
    pub(crate) done: Option<String>,
}

/// The top of a page about one organisation: the link back to its profile and the title.
pub(crate) fn page_heading(locale: crate::i18n::Locale, id: i64, title: &str) -> Markup {
    html! {
        p { a href=(format!("/organisations/{id}")) { (locale.text("orgadmin.back_to_profile")) } }
        h1 #admin-title { (title) }
    }
}

/// The notice after a change and the error of a refused form, each when there is one.
pub(crate) fn notice_and_error(notice: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        @if let Some(error) = error { p.form-error role="alert" #form-error { (error) } }
    }
}

/// A page of the administration area: a wide container titled `title`.
pub(crate) fn admin_page(
    language: &RequestLanguage,
    status: StatusCode,
    path: &str,
    title: &str,
    main: Markup,
) -> Response {
    let shell = PageShell::new(language.locale, path);
    let main = html! {
        section.container.org-admin-page aria-labelledby="admin-title" {
            (main)
        }
    };
    html_response(language, status, shell.render(title, main))
}

/// After a change: back to a page with a notice (`done` names a fixed message).
fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The notice for a `done=` value of a page's query, if it is one of ours.
fn done_notice(language: &RequestLanguage, done: Option<&str>) -> Option<&'static str> {
    let key = match done? {
        "saved" => "orgadmin.done.saved",
        "invited" => "orgadmin.done.invited",
        "removed" => "orgadmin.done.removed",
        "member_added" => "orgadmin.done.member_added",
        "member_removed" => "orgadmin.done.member_removed",
        _ => return None,
    };
    Some(language.locale.text(key))
}

/// The localised name of a role.
pub(crate) fn role_name(locale: crate::i18n::Locale, role: &str) -> &'static str {
    match role {
        "member" => locale.text("orgadmin.role.member"),
        "admin" => locale.text("orgadmin.role.admin"),
        "cluster_manager" => locale.text("orgadmin.role.cluster_manager"),
        _ => locale.text("orgadmin.role.other"),
    }
}

/// The links a profile page shows to the people who may administer it: edit, people and (for
/// a cluster's managers) members; to a signed-in person without a role, a link to claim an
/// organisation nobody administers yet. Nothing for visitors.
pub(crate) async fn profile_actions(
    state: &AppState,
    caller: &Caller,
    locale: crate::i18n::Locale,
    id: i64,
    is_cluster: bool,
) -> Markup {
    let Some(principal) = caller.principal() else {
        return html! {};
    };
    if may(caller, id, OrganisationRole::Admin) {
        let manages = is_cluster && may(caller, id, OrganisationRole::ClusterManager);
        return html! {
            nav.container.profile-admin aria-label=(locale.text("orgadmin.nav_label")) {
                a.button href=(format!("/organisations/{id}/edit")) { (locale.text("orgadmin.link.edit")) }
                " "
                a.button.button-secondary href=(format!("/organisations/{id}/people")) { (locale.text("orgadmin.link.people")) }
                @if manages {
                    " "
                    a.button.button-secondary href=(format!("/organisations/{id}/members")) { (locale.text("orgadmin.link.members")) }
                }
            }
        };
    }
    if principal.organisations.iter().any(|(held, _)| *held == id) {
        return html! {};
    }
    match state.storage().organisation_has_admin(id).await {
        Ok(false) => html! {
            p.container.profile-admin {
                a href=(format!("/organisations/{id}/claim")) { (locale.text("claims.link")) }
            }
        },
        Ok(true) => html! {},
        Err(error) => {
            tracing::warn!(%error, "could not tell whether an organisation has an admin");
            html! {}
        }
    }
}
