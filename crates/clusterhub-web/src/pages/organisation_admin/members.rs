//! `/organisations/{id}/members`: a cluster manager keeps the cluster's member list — adds a
//! directory organisation by its id (or the address of its profile) and removes members. Each
//! change gives both organisations a new change-feed revision, so the search index follows.

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use clusterhub_storage::{MembershipChange, StoredOrganisation};
use maud::html;
use serde::Deserialize;

use super::{
    DoneQuery, RequestLanguage, admin_page, csrf_input, done_notice, notice_and_error,
    organisation_or_answer, page_heading, see_other, server_error,
};
use crate::AppState;
use crate::auth::Caller;
use crate::pages::not_found_page;

#[derive(Debug, Deserialize, Default)]
pub(super) struct MemberInput {
    #[serde(default)]
    member: String,
}

/// The cluster a path names; any other organisation answers 404 like a missing one.
async fn cluster_or_answer(
    state: &AppState,
    language: &RequestLanguage,
    id: &str,
    path: &str,
) -> Result<StoredOrganisation, Response> {
    let stored = organisation_or_answer(state, language, id, path).await?;
    if stored.profile.kind != "cluster" {
        return Err(not_found_page(language, path));
    }
    Ok(stored)
}

pub(super) async fn members_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<DoneQuery>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let stored = match cluster_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => stored,
        Err(answer) => return answer,
    };
    let notice = done_notice(&language, query.done.as_deref());
    render(
        &state,
        &language,
        &caller,
        &stored,
        StatusCode::OK,
        None,
        "",
        notice,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    language: &RequestLanguage,
    caller: &Caller,
    stored: &StoredOrganisation,
    status: StatusCode,
    error: Option<&str>,
    typed: &str,
    notice: Option<&str>,
) -> Response {
    let locale = language.locale;
    let members = match state.storage().cluster_members(stored.id).await {
        Ok(members) => members,
        Err(error) => return server_error(language, &error),
    };
    let id = stored.id;
    let path = format!("/organisations/{id}/members");
    let title = locale.format("orgadmin.members.title", &[("name", &stored.profile.name)]);
    let main = html! {
        (page_heading(locale, id, &title))
        (notice_and_error(notice, error))
        p.admin-links {
            a href=(format!("/organisations/{id}/people")) { (locale.text("orgadmin.link.people")) }
        }
        h2 { (locale.text("orgadmin.members.add_heading")) }
        form.admin-form method="post" action=(path) novalidate {
            (csrf_input(caller))
            div.form-field {
                label for="member-id" { (locale.text("orgadmin.members.member")) }
                input #member-id type="text" name="member" required value=(typed) aria-describedby="member-id-hint";
                p.form-hint #member-id-hint { (locale.text("orgadmin.members.member_hint")) }
            }
            button.button type="submit" { (locale.text("orgadmin.members.add")) }
        }
        h2 { (locale.format("orgadmin.members.count", &[("count", &locale.number(members.len() as i64))])) }
        @if members.is_empty() {
            p { (locale.text("profile.no_members_listed")) }
        } @else {
            ul.member-admin-list {
                @for (member_id, name, _kind) in &members {
                    li {
                        a href=(format!("/organisations/{member_id}")) { (name) }
                        form method="post" action=(format!("/organisations/{id}/members/remove")) {
                            (csrf_input(caller))
                            input type="hidden" name="member" value=(member_id);
                            button.button.button-secondary type="submit" {
                                (locale.format("orgadmin.members.remove", &[("name", name)]))
                            }
                        }
                    }
                }
            }
        }
    };
    admin_page(language, status, &path, &title, main)
}

/// The organisation id in what was typed: a number, or a profile address ending in
/// `/organisations/{id}`.
fn member_id(typed: &str) -> Option<i64> {
    let trimmed = typed.trim().trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    let last = last.split(['?', '#']).next().unwrap_or(last);
    crate::api::organisations::parse_id(last)
}

async fn change(
    state: AppState,
    id: String,
    path: String,
    caller: Caller,
    language: RequestLanguage,
    input: MemberInput,
    add: bool,
) -> Response {
    let locale = language.locale;
    let stored = match cluster_or_answer(&state, &language, &id, &path).await {
        Ok(stored) => stored,
        Err(answer) => return answer,
    };
    let refuse = |key: &'static str| {
        render(
            &state,
            &language,
            &caller,
            &stored,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(locale.text(key)),
            &input.member,
            None,
        )
    };
    let Some(member) = member_id(&input.member) else {
        return refuse("orgadmin.members.bad_member").await;
    };
    let storage = state.storage();
    let context = caller.audit_context();
    let outcome = if add {
        storage
            .add_cluster_member(stored.id, member, &context)
            .await
    } else {
        storage
            .remove_cluster_member(stored.id, member, &context)
            .await
    };
    match outcome {
        Ok(MembershipChange::Done(_)) => see_other(&format!(
            "/organisations/{}/members?done={}",
            stored.id,
            if add {
                "member_added"
            } else {
                "member_removed"
            }
        )),
        Ok(MembershipChange::Unchanged) => {
            refuse(if add {
                "orgadmin.members.already"
            } else {
                "orgadmin.members.not_member"
            })
            .await
        }
        Ok(MembershipChange::NoSuchMember | MembershipChange::NotACluster) => {
            refuse("orgadmin.members.bad_member").await
        }
        Err(error) => server_error(&language, &error),
    }
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<MemberInput>,
) -> Response {
    change(
        state,
        id,
        uri.path().to_owned(),
        caller,
        language,
        input,
        true,
    )
    .await
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<MemberInput>,
) -> Response {
    change(
        state,
        id,
        uri.path().to_owned(),
        caller,
        language,
        input,
        false,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::member_id;

    #[test]
    fn members_are_named_by_id_or_profile_address() {
        assert_eq!(member_id("42"), Some(42));
        assert_eq!(member_id(" https://x.eu/organisations/42/ "), Some(42));
        assert_eq!(member_id("/organisations/7?lang=fr"), Some(7));
        assert_eq!(member_id("robots"), None);
        assert_eq!(member_id("0"), None);
    }
}
