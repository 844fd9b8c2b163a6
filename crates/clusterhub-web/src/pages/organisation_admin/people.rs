//! `/organisations/{id}/people`: who holds which role in an organisation, the invitations not
//! used yet, a form to invite a colleague by e-mail (the link goes out through the outbox in
//! the transaction that stores it) and buttons to remove a role (never the last admin).
//! `/invitations/accept`: the invited person, signed in with the invited address, accepts.

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use clusterhub_accounts::{OrganisationRole, Token, TokenKind, TokenPurpose};
use clusterhub_domain::Email;
use clusterhub_storage::{InvitationAcceptance, NewInvitation, OutgoingEmail, StoredOrganisation};
use maud::html;
use serde::Deserialize;

use super::{
    DoneQuery, RequestLanguage, admin_page, csrf_input, done_notice, may, notice_and_error,
    organisation_or_answer, page_heading, role_name, see_other, server_error,
};
use crate::AppState;
use crate::auth::{Caller, new_token, now_unix};
use crate::pages::account::{TokenField, link_invalid_page};
use crate::pages::message_page;

pub(super) async fn people_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<DoneQuery>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let stored = match organisation_or_answer(&state, &language, &id, uri.path()).await {
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
        &InviteInput::default(),
        notice,
    )
    .await
}

/// The roles the caller may give in this organisation.
fn grantable(caller: &Caller, stored: &StoredOrganisation) -> Vec<OrganisationRole> {
    OrganisationRole::ALL
        .into_iter()
        .filter(|role| {
            (*role != OrganisationRole::ClusterManager || stored.profile.kind == "cluster")
                && may(caller, stored.id, *role)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    language: &RequestLanguage,
    caller: &Caller,
    stored: &StoredOrganisation,
    status: StatusCode,
    error: Option<&str>,
    input: &InviteInput,
    notice: Option<&str>,
) -> Response {
    let locale = language.locale;
    let storage = state.storage();
    let people = match storage.organisation_people(stored.id).await {
        Ok(people) => people,
        Err(error) => return server_error(language, &error),
    };
    let invitations = match storage.pending_invitations(stored.id, now_unix()).await {
        Ok(invitations) => invitations,
        Err(error) => return server_error(language, &error),
    };
    let id = stored.id;
    let path = format!("/organisations/{id}/people");
    let title = locale.format("orgadmin.people.title", &[("name", &stored.profile.name)]);
    let roles = grantable(caller, stored);
    let main = html! {
        (page_heading(locale, id, &title))
        (notice_and_error(notice, error))
        p.admin-links {
            a href=(format!("/organisations/{id}/edit")) { (locale.text("orgadmin.link.edit")) }
            @if stored.profile.kind == "cluster" && may(caller, id, OrganisationRole::ClusterManager) {
                " · " a href=(format!("/organisations/{id}/members")) { (locale.text("orgadmin.link.members")) }
            }
        }
        h2 { (locale.text("orgadmin.people.heading")) }
        @if people.is_empty() {
            p { (locale.text("orgadmin.people.none")) }
        } @else {
            div.table-scroll {
                table.data-table {
                    thead { tr {
                        th scope="col" { (locale.text("orgadmin.people.name")) }
                        th scope="col" { (locale.text("auth.email")) }
                        th scope="col" { (locale.text("orgadmin.people.role")) }
                        th scope="col" { span.visually-hidden { (locale.text("orgadmin.people.actions")) } }
                    } }
                    tbody {
                        @for (user_id, name, email, role) in &people {
                            tr {
                                td { (name) }
                                td { (email) }
                                td { (role_name(locale, role)) }
                                td {
                                    @if OrganisationRole::parse(role).is_some_and(|role| may(caller, id, role)) {
                                        form method="post" action=(format!("/organisations/{id}/people/remove")) {
                                            (csrf_input(caller))
                                            input type="hidden" name="user_id" value=(user_id);
                                            input type="hidden" name="role" value=(role);
                                            button.button.button-secondary type="submit" {
                                                (locale.format("orgadmin.people.remove", &[("name", name), ("role", role_name(locale, role))]))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (locale.text("orgadmin.invite.heading")) }
        form.admin-form method="post" action=(format!("/organisations/{id}/invitations")) novalidate {
            (csrf_input(caller))
            div.form-field {
                label for="invite-email" { (locale.text("auth.email")) }
                input #invite-email type="email" name="email" required autocomplete="off" value=(input.email);
            }
            div.form-field {
                label for="invite-role" { (locale.text("orgadmin.people.role")) }
                select #invite-role name="role" {
                    @for role in &roles {
                        option value=(role.as_str()) selected[input.role == role.as_str()] { (role_name(locale, role.as_str())) }
                    }
                }
            }
            p.form-hint { (locale.text("orgadmin.invite.hint")) }
            button.button type="submit" { (locale.text("orgadmin.invite.submit")) }
        }
        @if !invitations.is_empty() {
            h2 { (locale.text("orgadmin.invite.pending")) }
            ul {
                @for invitation in &invitations {
                    li { (invitation.email) " — " (role_name(locale, &invitation.role)) }
                }
            }
        }
    };
    admin_page(language, status, &path, &title, main)
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct InviteInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub(super) async fn invite(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<InviteInput>,
) -> Response {
    let locale = language.locale;
    let stored = match organisation_or_answer(&state, &language, &id, uri.path()).await {
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
            &input,
            None,
        )
    };
    let Ok(email) = Email::parse(input.email.trim()) else {
        return refuse("orgadmin.invite.bad_email").await;
    };
    let Some(role) = OrganisationRole::parse(&input.role)
        .filter(|role| grantable(&caller, &stored).contains(role))
    else {
        return refuse("orgadmin.invite.bad_role").await;
    };
    let Some(inviter) = caller.signed_in.as_ref() else {
        return refuse("orgadmin.invite.bad_role").await;
    };
    let email = email.as_str().to_lowercase();
    let token = new_token(TokenKind::OneTime);
    let url = format!(
        "{}/invitations/accept?token={}",
        state.security().public_url,
        token.expose()
    );
    let mail = OutgoingEmail {
        recipient: email.clone(),
        subject: locale.format(
            "mail.invitation.subject",
            &[("organisation", &stored.profile.name)],
        ),
        body_text: locale.format(
            "mail.invitation.body",
            &[
                ("inviter", &inviter.display_name),
                ("organisation", &stored.profile.name),
                ("role", role_name(locale, role.as_str())),
                ("url", &url),
            ],
        ),
    };
    let invitation = NewInvitation {
        token_digest: token.digest(),
        inviter_user_id: inviter.principal.user_id,
        organisation_id: stored.id,
        email,
        role: role.as_str().to_owned(),
        expires_unix: now_unix() + TokenPurpose::Invitation.lifetime_seconds(),
    };
    match state
        .storage()
        .invite_to_organisation(&invitation, &mail, &caller.audit_context())
        .await
    {
        Ok(()) => see_other(&format!("/organisations/{}/people?done=invited", stored.id)),
        Err(error) => server_error(&language, &error),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct RemoveInput {
    user_id: i64,
    role: String,
}

pub(super) async fn remove_role(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<RemoveInput>,
) -> Response {
    let stored = match organisation_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => stored,
        Err(answer) => return answer,
    };
    let allowed =
        OrganisationRole::parse(&input.role).is_some_and(|role| may(&caller, stored.id, role));
    let removed = if allowed {
        match state
            .storage()
            .remove_organisation_role(
                input.user_id,
                stored.id,
                &input.role,
                &caller.audit_context(),
            )
            .await
        {
            Ok(removed) => removed,
            Err(error) => return server_error(&language, &error),
        }
    } else {
        false
    };
    if removed {
        return see_other(&format!("/organisations/{}/people?done=removed", stored.id));
    }
    render(
        &state,
        &language,
        &caller,
        &stored,
        StatusCode::CONFLICT,
        Some(language.locale.text("orgadmin.people.cannot_remove")),
        &InviteInput::default(),
        None,
    )
    .await
}

fn link_invalid(language: &RequestLanguage) -> Response {
    link_invalid_page(language.locale, StatusCode::NOT_FOUND)
}

pub(super) async fn invitation_page(
    State(state): State<AppState>,
    Query(query): Query<TokenField>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let Ok(token) = Token::parse(TokenKind::OneTime, query.token.trim()) else {
        return link_invalid(&language);
    };
    let invitation = match state
        .storage()
        .invitation(&token.digest(), now_unix())
        .await
    {
        Ok(Some(invitation)) => invitation,
        Ok(None) => return link_invalid(&language),
        Err(error) => return server_error(&language, &error),
    };
    let organisation = match state
        .storage()
        .organisation(invitation.organisation_id)
        .await
    {
        Ok(Some(stored)) => stored,
        Ok(None) => return link_invalid(&language),
        Err(error) => return server_error(&language, &error),
    };
    let title = locale.text("orgadmin.accept.title");
    let text = locale.format(
        "orgadmin.accept.text",
        &[
            ("organisation", &organisation.profile.name),
            ("role", role_name(locale, &invitation.role)),
        ],
    );
    let here = format!("/invitations/accept?token={}", token.expose());
    let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    let main = html! {
        h1 #admin-title { (title) }
        p.lede { (text) }
        @if caller.signed_in.is_some() {
            form.admin-form method="post" action="/invitations/accept" {
                (csrf_input(&caller))
                input type="hidden" name="token" value=(token.expose());
                button.button type="submit" { (locale.text("orgadmin.accept.submit")) }
            }
        } @else {
            p { (locale.text("orgadmin.accept.sign_in_first")) }
            p {
                a.button href=(format!("/login?next={next}")) { (locale.text("auth.login.title")) }
                " "
                a.button.button-secondary href="/signup" { (locale.text("auth.signup.title")) }
            }
        }
    };
    admin_page(
        &language,
        StatusCode::OK,
        "/invitations/accept",
        title,
        main,
    )
}

pub(super) async fn accept_invitation(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<TokenField>,
) -> Response {
    let locale = language.locale;
    let Some(signed_in) = caller.signed_in.as_ref() else {
        return link_invalid(&language);
    };
    let Ok(token) = Token::parse(TokenKind::OneTime, input.token.trim()) else {
        return link_invalid(&language);
    };
    match state
        .storage()
        .accept_invitation(
            &token.digest(),
            signed_in.principal.user_id,
            &signed_in.email,
            now_unix(),
            &caller.audit_context(),
        )
        .await
    {
        Ok(InvitationAcceptance::Accepted {
            organisation_id, ..
        }) => see_other(&format!("/organisations/{organisation_id}")),
        Ok(InvitationAcceptance::OtherAddress) => message_page(
            locale,
            StatusCode::CONFLICT,
            locale.text("orgadmin.accept.other_address_title"),
            locale.text("orgadmin.accept.other_address_text"),
        ),
        Ok(InvitationAcceptance::Unusable) => link_invalid(&language),
        Err(error) => server_error(&language, &error),
    }
}
