//! What a signed-in person changes on their account page: confirming the password again before a
//! sensitive action (`/account/confirm`, then back to the page that asked), personal API tokens
//! (created after a recent password check and shown once, listed, revoked), the password, the
//! e-mail address (the new address confirms by a mailed link) and the consents (each change a
//! new record with the time and the text version). Every form carries the CSRF token.

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use clusterhub_accounts::{PasswordHash, TokenKind, TokenPurpose};
use clusterhub_domain::Email;
use clusterhub_storage::{
    ApiTokenRecord, AuditRecord, ConsentRecord, NEVER_EXPIRES, NewOneTimeToken, StorageError,
    UserRecord, text_of_unix,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::RequestLanguage;
use super::account::{
    CONSENT_TEXT_VERSION, NextQuery, TokenField, check_second_factor, consume_link, csrf_input,
    field, form_page, link_form, link_invalid, mail_in, message_page, no_referrer,
    password_refusal, safe_next, second_factor_field, shown_once_page, unavailable,
};
use crate::AppState;
use crate::auth::{
    Caller, audit_refusal, check_limit, new_token, now_unix, random_bytes, too_many_requests,
};
use crate::i18n::Locale;

/// The consent purposes, in the order shown, with the key of their text.
pub(crate) const CONSENT_PURPOSES: [(&str, &str); 2] = [
    ("listing", "auth.consent_listing"),
    ("email", "auth.consent_email"),
];

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/confirm", get(confirm_form).post(confirm))
        .route("/account/tokens/new", get(token_form))
        .route("/account/tokens", post(token_create))
        .route("/account/tokens/{id}/revoke", post(token_revoke))
        .route(
            "/account/password",
            get(password_form).post(password_change),
        )
        .route("/account/email", get(email_form).post(email_request))
        .route(
            "/account/email/confirm",
            get(email_confirm_form).post(email_confirm),
        )
        .route("/account/consents", post(consents_update))
}

/// A paragraph with the link back to `href` that leaves a form without sending it.
fn cancel_link(locale: Locale, href: &str) -> Markup {
    html! { p { a href=(href) { (locale.text("account.cancel")) } } }
}

/// `2026-11-22T10:15:00.123Z` as `2026-11-22 10:15 UTC`.
pub(crate) fn short_time(text: &str) -> String {
    match (text.get(..10), text.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => text.to_owned(),
    }
}

/// The signed-in person's account record, or the answer to give instead.
async fn own_account(state: &AppState, caller: &Caller) -> Result<UserRecord, Response> {
    let Some(signed_in) = &caller.signed_in else {
        return Err(Redirect::to("/login").into_response());
    };
    match state
        .storage()
        .user_by_id(signed_in.principal.user_id)
        .await
    {
        Ok(Some(user)) if !user.erased => Ok(user),
        Ok(_) => Err(Redirect::to("/login").into_response()),
        Err(error) => Err(unavailable(error)),
    }
}

/// Whether `password` is the account's password (argon2id on a blocking thread).
async fn password_matches(user: &UserRecord, password: &str) -> bool {
    let stored = user.password_hash.clone();
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        stored
            .as_deref()
            .and_then(PasswordHash::from_stored)
            .is_some_and(|hash| hash.verify(&password))
    })
    .await
    .unwrap_or(false)
}

// ---- the account page's sections ---------------------------------------------------------------

/// The latest consent per purpose: (granted, text version, time).
fn current_consents(records: &[ConsentRecord]) -> Vec<(&'static str, Option<&ConsentRecord>)> {
    CONSENT_PURPOSES
        .iter()
        .map(|(purpose, _)| {
            (
                *purpose,
                records
                    .iter()
                    .rev()
                    .find(|record| record.purpose == *purpose),
            )
        })
        .collect()
}

/// The security, token and consent sections of `/account`.
pub(crate) async fn account_sections(
    state: &AppState,
    caller: &Caller,
    user: &UserRecord,
    locale: Locale,
) -> Result<Markup, StorageError> {
    let storage = state.storage();
    let tokens = storage.api_tokens_of(user.id).await?;
    let consents = storage.consents_of(user.id).await?;
    let now = now_unix();
    Ok(html! {
        section.account-security aria-labelledby="security-title" {
            h2 #security-title { (locale.text("account.security.title")) }
            p.account-actions {
                a.button.button-secondary href="/account/password" { (locale.text("account.password.title")) }
                " "
                a.button.button-secondary href="/account/email" { (locale.text("account.email.title")) }
            }
        }
        section.account-tokens #tokens aria-labelledby="tokens-title" {
            h2 #tokens-title { (locale.text("account.tokens.title")) }
            p { (locale.text("account.tokens.intro")) }
            @if tokens.is_empty() {
                p { (locale.text("account.tokens.none")) }
            } @else {
                table.data-table {
                    caption.visually-hidden { (locale.text("account.tokens.title")) }
                    thead { tr {
                        th scope="col" { (locale.text("account.tokens.name")) }
                        th scope="col" { (locale.text("account.tokens.created")) }
                        th scope="col" { (locale.text("account.tokens.expires")) }
                        th scope="col" { (locale.text("account.tokens.last_used")) }
                        th scope="col" { (locale.text("account.tokens.state")) }
                    } }
                    tbody {
                        @for token in &tokens { (token_row(caller, token, now, locale)) }
                    }
                }
            }
            p { a.button href="/account/tokens/new" { (locale.text("account.tokens.new")) } }
        }
        section.account-consents #consents aria-labelledby="consents-title" {
            h2 #consents-title { (locale.text("auth.consents")) }
            form method="post" action="/account/consents" {
                (csrf_input(caller))
                @for ((purpose, current), (_, text_key)) in current_consents(&consents).into_iter().zip(CONSENT_PURPOSES) {
                    div.form-check {
                        input id=(format!("consent-{purpose}")) type="checkbox" name=(purpose) value="yes"
                            checked[current.is_some_and(|record| record.granted)];
                        label for=(format!("consent-{purpose}")) { (locale.text(text_key)) }
                    }
                }
                input type="hidden" name="shown" value="yes";
                button.button.button-secondary type="submit" { (locale.text("account.consents.save")) }
            }
            @if !consents.is_empty() {
                details.consent-history {
                    summary { (locale.text("account.consents.history")) }
                    ul {
                        @for record in consents.iter().rev() {
                            li {
                                (short_time(&record.at)) ": "
                                (locale.text(CONSENT_PURPOSES.iter().find(|(purpose, _)| *purpose == record.purpose).map_or("auth.consents", |(_, key)| *key)))
                                " — "
                                @if record.granted { (locale.text("account.consents.given")) } @else { (locale.text("account.consents.withdrawn")) }
                                " (" (locale.format("account.consents.version", &[("version", &record.text_version)])) ")"
                            }
                        }
                    }
                }
            }
        }
    })
}

fn token_row(caller: &Caller, token: &ApiTokenRecord, now: i64, locale: Locale) -> Markup {
    let live = token.is_live(now);
    html! {
        tr {
            td { (token.name) }
            td { (short_time(&token.created_at)) }
            td {
                @if token.expires_unix == NEVER_EXPIRES { (locale.text("account.tokens.never")) }
                @else { (short_time(&text_of_unix(token.expires_unix))) }
            }
            td {
                @match &token.last_used_at {
                    Some(at) => (short_time(at)),
                    None => (locale.text("account.tokens.unused")),
                }
            }
            td {
                @if token.revoked_at.is_some() { (locale.text("account.tokens.revoked")) }
                @else if !live { (locale.text("account.tokens.expired")) }
                @else {
                    form.inline-form method="post" action=(format!("/account/tokens/{}/revoke", token.id)) {
                        (csrf_input(caller))
                        button.button.button-danger type="submit"
                            aria-label=(locale.format("account.tokens.revoke_named", &[("name", &token.name)])) {
                            (locale.text("account.tokens.revoke"))
                        }
                    }
                }
            }
        }
    }
}

// ---- confirming the password again -------------------------------------------------------------

async fn confirm_form(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<NextQuery>,
) -> Response {
    let user = match own_account(&state, &caller).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    render_confirm(
        &caller,
        &language,
        StatusCode::OK,
        &user,
        query.next.as_deref(),
        None,
    )
}

fn render_confirm(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    user: &UserRecord,
    next: Option<&str>,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/account/confirm" {
            (csrf_input(caller))
            input type="hidden" name="next" value=(safe_next(next));
            (field("confirm-password", locale.text("auth.password"), html! {
                input #confirm-password type="password" name="password" required autocomplete="current-password";
            }, None))
            @if user.totp_secret.is_some() {
                (second_factor_field("confirm-code", locale))
            }
            button.button type="submit" { (locale.text("account.confirm.submit")) }
        }
    };
    let after = cancel_link(locale, "/account");
    form_page(
        language,
        status,
        "/account/confirm",
        locale.text("account.confirm.title"),
        Some(locale.text("account.confirm.intro")),
        error,
        form,
        after,
    )
}

#[derive(Debug, Deserialize)]
struct ConfirmInput {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// Checks the password (and the second factor when it is on) and marks the session's sign-in
/// as recent, then goes back to the page that asked.
async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<ConfirmInput>,
) -> Response {
    let locale = language.locale;
    let user = match own_account(&state, &caller).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let Some(digest) = caller.session_digest.clone() else {
        return Redirect::to("/login").into_response();
    };
    if let Err(wait) = check_limit(&state.security().limits.sign_in_account, &user.email) {
        return too_many_requests("/account/confirm", wait, locale);
    }
    let mut accepted = password_matches(&user, &input.password).await;
    if accepted && user.totp_secret.is_some() {
        accepted = match check_second_factor(&state, &user, input.code.trim()).await {
            Ok(accepted) => accepted,
            Err(error) => return unavailable(error),
        };
    }
    if !accepted {
        let record = AuditRecord::new("session.reauthenticate_failed", "user", user.id.to_string())
            .outcome("failed");
        audit_refusal(&state, &caller.audit_context(), record).await;
        let message = if user.totp_secret.is_some() {
            locale.text("account.confirm.wrong_with_code")
        } else {
            locale.text("account.confirm.wrong")
        };
        return render_confirm(
            &caller,
            &language,
            StatusCode::UNAUTHORIZED,
            &user,
            input.next.as_deref(),
            Some(message),
        );
    }
    let storage = state.storage();
    if let Err(error) = storage.complete_second_factor(&digest, now_unix()).await {
        return unavailable(error);
    }
    let record = AuditRecord::new("session.reauthenticate", "user", user.id.to_string());
    if let Err(error) = storage.append_audit(&caller.audit_context(), &record).await {
        tracing::warn!(%error, "could not record a re-authentication");
    }
    Redirect::to(&safe_next(input.next.as_deref())).into_response()
}

// ---- API tokens --------------------------------------------------------------------------------

/// The lifetimes offered on the form, in days (`0`: until revoked).
const TOKEN_LIFETIMES: [i64; 4] = [30, 90, 365, 0];

async fn token_form(caller: Caller, language: RequestLanguage) -> Response {
    render_token_form(&caller, &language, StatusCode::OK, "", 90, None)
}

fn render_token_form(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    name: &str,
    days: i64,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/account/tokens" {
            (csrf_input(caller))
            (field("token-name", locale.text("account.tokens.name"), html! {
                input #token-name type="text" name="name" required maxlength="100" value=(name) aria-describedby="token-name-hint";
            }, Some(locale.text("account.tokens.name_hint"))))
            div.form-field {
                label for="token-expiry" { (locale.text("account.tokens.expires")) }
                select #token-expiry name="expires_in_days" {
                    @for option in TOKEN_LIFETIMES {
                        option value=(option) selected[option == days] {
                            @if option == 0 { (locale.text("account.tokens.never")) }
                            @else { (locale.format("account.tokens.days", &[("days", &option.to_string())])) }
                        }
                    }
                }
            }
            button.button type="submit" { (locale.text("account.tokens.create")) }
        }
    };
    let after = cancel_link(locale, "/account#tokens");
    form_page(
        language,
        status,
        "/account/tokens/new",
        locale.text("account.tokens.new"),
        Some(locale.text("account.tokens.intro")),
        error,
        form,
        after,
    )
}

#[derive(Debug, Deserialize)]
struct TokenInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires_in_days: String,
}

async fn token_create(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<TokenInput>,
) -> Response {
    let locale = language.locale;
    let days = match input.expires_in_days.trim().parse::<i64>() {
        Ok(0) => None,
        Ok(days) if TOKEN_LIFETIMES.contains(&days) => Some(days),
        _ => {
            return render_token_form(
                &caller,
                &language,
                StatusCode::UNPROCESSABLE_ENTITY,
                &input.name,
                90,
                Some(locale.text("account.tokens.error_expiry")),
            );
        }
    };
    let (name, expires) = match crate::api::tokens::validate(&input.name, days) {
        Ok(valid) => valid,
        Err(_) => {
            return render_token_form(
                &caller,
                &language,
                StatusCode::UNPROCESSABLE_ENTITY,
                &input.name,
                days.unwrap_or(0),
                Some(locale.text("account.tokens.error_name")),
            );
        }
    };
    let (record, token) =
        match crate::api::tokens::create_token(&state, &caller, name, expires).await {
            Ok(created) => created,
            Err(error) if error.code() == crate::ErrorCode::TooManyApiTokens => {
                return render_token_form(
                    &caller,
                    &language,
                    StatusCode::CONFLICT,
                    &input.name,
                    days.unwrap_or(0),
                    Some(locale.text("account.tokens.error_too_many")),
                );
            }
            Err(error) => return error.into_response(),
        };
    let content = html! {
        p.lede { (locale.format("account.tokens.created_text", &[("name", &record.name)])) }
        p { code.api-token { (token.expose()) } }
        p { (locale.text("account.tokens.usage")) }
        p { code { "Authorization: Bearer " (token.expose()) } }
        p { a.button href="/account#tokens" { (locale.text("auth.account.title")) } }
    };
    shown_once_page(
        &language,
        "/account/tokens/new",
        "token-title",
        locale.text("account.tokens.created_title"),
        content,
    )
}

async fn token_revoke(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Path(id): Path<i64>,
) -> Response {
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login").into_response();
    };
    match state
        .storage()
        .revoke_api_token(signed_in.principal.user_id, id, &caller.audit_context())
        .await
    {
        Ok(true) => Redirect::to("/account#tokens").into_response(),
        Ok(false) => {
            super::not_found_page(&language, &format!("/account/tokens/{id}")).into_response()
        }
        Err(error) => unavailable(error),
    }
}

// ---- the password ------------------------------------------------------------------------------

async fn password_form(caller: Caller, language: RequestLanguage) -> Response {
    render_password(&caller, &language, StatusCode::OK, None)
}

fn render_password(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/account/password" {
            (csrf_input(caller))
            (field("password-current", locale.text("account.current_password"), html! {
                input #password-current type="password" name="current" required autocomplete="current-password";
            }, None))
            (field("password-new", locale.text("auth.new_password"), html! {
                input #password-new type="password" name="password" required autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="password-new-hint";
            }, Some(locale.text("auth.password_hint"))))
            button.button type="submit" { (locale.text("auth.reset.submit")) }
        }
    };
    let after = cancel_link(locale, "/account");
    form_page(
        language,
        status,
        "/account/password",
        locale.text("account.password.title"),
        Some(locale.text("account.password.intro")),
        error,
        form,
        after,
    )
}

#[derive(Debug, Deserialize)]
struct PasswordInput {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

async fn password_change(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<PasswordInput>,
) -> Response {
    let locale = language.locale;
    let user = match own_account(&state, &caller).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if let Err(wait) = check_limit(&state.security().limits.sign_in_account, &user.email) {
        return too_many_requests("/account/password", wait, locale);
    }
    if !password_matches(&user, &input.current).await {
        let record =
            AuditRecord::new("user.password_change", "user", user.id.to_string()).outcome("failed");
        audit_refusal(&state, &caller.audit_context(), record).await;
        return render_password(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(locale.text("account.error.current_password")),
        );
    }
    if let Some(message) =
        password_refusal(locale, &input.password, &user.email, &user.display_name)
    {
        return render_password(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&message),
        );
    }
    let hash = PasswordHash::new(&input.password, &random_bytes());
    let user_locale = Locale::from_code(&user.language).unwrap_or(locale);
    let notice = mail_in(
        user_locale,
        user.email.clone(),
        "mail.password_changed.subject",
        "mail.password_changed.body",
        &[
            ("name", &user.display_name),
            (
                "url",
                &format!("{}/password/forgot", state.security().public_url),
            ),
        ],
    );
    if let Err(error) = state
        .storage()
        .change_password(
            user.id,
            hash.as_str(),
            caller.session_digest.as_deref(),
            Some(&notice),
            &caller.audit_context(),
        )
        .await
    {
        return unavailable(error);
    }
    message_page(
        locale,
        StatusCode::OK,
        locale.text("account.password.done_title"),
        locale.text("account.password.done_text"),
    )
}

// ---- the e-mail address ------------------------------------------------------------------------

async fn email_form(caller: Caller, language: RequestLanguage) -> Response {
    render_email(&caller, &language, StatusCode::OK, "", None)
}

fn render_email(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let current = caller
        .signed_in
        .as_ref()
        .map(|signed_in| signed_in.email.clone())
        .unwrap_or_default();
    let form = html! {
        form.auth-form method="post" action="/account/email" {
            (csrf_input(caller))
            p { (locale.format("account.email.current", &[("email", &current)])) }
            (field("email-new", locale.text("account.email.new"), html! {
                input #email-new type="email" name="email" required autocomplete="email" value=(email);
            }, None))
            (field("email-password", locale.text("account.current_password"), html! {
                input #email-password type="password" name="password" required autocomplete="current-password";
            }, None))
            button.button type="submit" { (locale.text("account.email.submit")) }
        }
    };
    let after = cancel_link(locale, "/account");
    form_page(
        language,
        status,
        "/account/email",
        locale.text("account.email.title"),
        Some(locale.text("account.email.intro")),
        error,
        form,
        after,
    )
}

#[derive(Debug, Deserialize)]
struct EmailInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Sends a confirmation link to the new address; the address changes when it is opened. An
/// address another account uses gets the same answer and no link, so the form tells nothing
/// about who has an account.
async fn email_request(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<EmailInput>,
) -> Response {
    let locale = language.locale;
    let user = match own_account(&state, &caller).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let Ok(email) = Email::parse(input.email.trim()) else {
        return render_email(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input.email,
            Some(locale.text("auth.error.email")),
        );
    };
    let email = email.as_str().to_lowercase();
    if email == user.email {
        return render_email(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input.email,
            Some(locale.text("account.error.same_email")),
        );
    }
    let limits = &state.security().limits;
    if let Err(wait) = check_limit(&limits.sign_in_account, &user.email) {
        return too_many_requests("/account/email", wait, locale);
    }
    if !password_matches(&user, &input.password).await {
        let record =
            AuditRecord::new("user.email_change", "user", user.id.to_string()).outcome("failed");
        audit_refusal(&state, &caller.audit_context(), record).await;
        return render_email(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input.email,
            Some(locale.text("account.error.current_password")),
        );
    }
    // Mail to a new address counts like a reset link: at most 3 an hour per account.
    let within_limit = check_limit(&limits.reset_account, &format!("email:{}", user.id)).is_ok();
    let storage = state.storage();
    let taken = match storage.user_by_email(&email).await {
        Ok(found) => found.is_some(),
        Err(error) => return unavailable(error),
    };
    if within_limit && !taken {
        let token = new_token(TokenKind::OneTime);
        let record = NewOneTimeToken {
            token_digest: token.digest(),
            user_id: user.id,
            purpose: TokenPurpose::ChangeEmail.as_str().to_owned(),
            expires_unix: now_unix() + TokenPurpose::ChangeEmail.lifetime_seconds(),
            payload: serde_json::json!({ "email": email }).to_string(),
        };
        let user_locale = Locale::from_code(&user.language).unwrap_or(locale);
        let mail = mail_in(
            user_locale,
            email.clone(),
            "mail.change_email.subject",
            "mail.change_email.body",
            &[
                ("name", &user.display_name),
                (
                    "url",
                    &format!(
                        "{}/account/email/confirm?token={}",
                        state.security().public_url,
                        token.expose()
                    ),
                ),
            ],
        );
        if let Err(error) = storage
            .issue_one_time_token(&record, &mail, &caller.audit_context())
            .await
        {
            return unavailable(error);
        }
    }
    message_page(
        locale,
        StatusCode::OK,
        locale.text("auth.signup.sent_title"),
        &locale.format("account.email.sent_text", &[("email", &email)]),
    )
}

async fn email_confirm_form(
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<TokenField>,
) -> Response {
    let intro = language.locale.text("account.email.confirm_intro");
    no_referrer(link_form(
        &caller,
        &language,
        "/account/email/confirm",
        intro,
        &query.token,
    ))
}

async fn email_confirm(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<TokenField>,
) -> Response {
    let locale = language.locale;
    let invalid = || link_invalid(locale);
    let (user_id, payload) =
        match consume_link(&state, &input.token, TokenPurpose::ChangeEmail).await {
            Ok(Some(found)) => found,
            Ok(None) => return invalid(),
            Err(error) => return unavailable(error),
        };
    let Some(email) = serde_json::from_str::<serde_json::Value>(&payload)
        .ok()
        .and_then(|value| value["email"].as_str().map(str::to_owned))
    else {
        return invalid();
    };
    let storage = state.storage();
    let user = match storage.user_by_id(user_id).await {
        Ok(Some(user)) if !user.erased => user,
        Ok(_) => return invalid(),
        Err(error) => return unavailable(error),
    };
    let user_locale = Locale::from_code(&user.language).unwrap_or(locale);
    let notice = mail_in(
        user_locale,
        user.email.clone(),
        "mail.email_changed.subject",
        "mail.email_changed.body",
        &[("name", &user.display_name), ("email", &email)],
    );
    let mut context = caller.audit_context();
    context.actor_user_id = Some(user_id);
    match storage
        .change_email(user_id, &email, Some(&notice), &context)
        .await
    {
        Ok(()) => message_page(
            locale,
            StatusCode::OK,
            locale.text("account.email.done_title"),
            &locale.format("account.email.done_text", &[("email", &email)]),
        ),
        Err(StorageError::Conflict(_)) => message_page(
            locale,
            StatusCode::CONFLICT,
            locale.text("account.email.title"),
            locale.text("account.error.email_taken"),
        ),
        Err(error) => unavailable(error),
    }
}

// ---- consents ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ConsentInput {
    listing: Option<String>,
    email: Option<String>,
}

/// Records a new consent for each purpose whose choice changed (or that has none yet).
async fn consents_update(
    State(state): State<AppState>,
    caller: Caller,
    Form(input): Form<ConsentInput>,
) -> Response {
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login").into_response();
    };
    let user_id = signed_in.principal.user_id;
    let storage = state.storage();
    let records = match storage.consents_of(user_id).await {
        Ok(records) => records,
        Err(error) => return unavailable(error),
    };
    let chosen = |purpose: &str| match purpose {
        "listing" => input.listing.as_deref() == Some("yes"),
        _ => input.email.as_deref() == Some("yes"),
    };
    let changes: Vec<(String, bool, String)> = current_consents(&records)
        .into_iter()
        .filter(|(purpose, current)| {
            current.is_none_or(|record| {
                record.granted != chosen(purpose) || record.text_version != CONSENT_TEXT_VERSION
            })
        })
        .map(|(purpose, _)| {
            (
                purpose.to_owned(),
                chosen(purpose),
                CONSENT_TEXT_VERSION.to_owned(),
            )
        })
        .collect();
    if let Err(error) = storage
        .record_consents(user_id, &changes, &caller.audit_context())
        .await
    {
        return unavailable(error);
    }
    Redirect::to("/account#consents").into_response()
}
