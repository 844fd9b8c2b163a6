//! The account pages: sign up, confirm the e-mail address, sign in (with the second factor when
//! it is on), sign out, forgotten password and reset, the account page and the second-factor
//! set-up. Every form carries the CSRF token; every answer to a wrong attempt says what to do
//! without telling whether an address has an account.

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use clusterhub_accounts::totp::{RECOVERY_CODES, RecoveryCode, SECRET_BYTES};
use clusterhub_accounts::{
    PasswordHash, PasswordPolicy, Token, TokenKind, TokenPurpose, TotpSecret,
};
use clusterhub_domain::Email;
use clusterhub_storage::{
    AuditRecord, NewOneTimeToken, NewSession, NewUser, OutgoingEmail, StorageError,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageShell, RequestLanguage, html_response};
use crate::AppState;
use crate::auth::{
    CSRF_FIELD, Caller, SESSION_ABSOLUTE_SECONDS, SESSION_COOKIE, SESSION_IDLE_SECONDS,
    check_limit, new_token, now_unix, random_bytes, set_cookie, too_many_requests,
};
use crate::i18n::Locale;

/// The version of the consent texts shown on the sign-up form; stored with each consent.
pub const CONSENT_TEXT_VERSION: &str = "2026-11-22";

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/login", get(login_form).post(login))
        .route(
            "/login/second-factor",
            get(second_factor_form).post(second_factor),
        )
        .route("/logout", axum::routing::post(logout))
        .route("/verify-email", get(verify_form).post(verify))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
        .route("/account", get(account_page))
        .route(
            "/account/second-factor",
            get(totp_setup_form).post(totp_enable),
        )
        .route("/account/erase", axum::routing::post(erase))
}

/// A page with a title and one paragraph (confirmations, refusals).
pub(crate) fn message_page(
    locale: Locale,
    status: StatusCode,
    title: &str,
    text: &str,
) -> Response {
    let shell = PageShell::new(locale, "/");
    let main = html! {
        section.container.auth-page aria-labelledby="message-title" {
            h1 #message-title { (title) }
            p.lede { (text) }
            p { a.button href="/" { (locale.text("error.back_home")) } }
        }
    };
    let language = RequestLanguage {
        locale,
        chosen_in_query: false,
    };
    html_response(&language, status, shell.render(title, main))
}

pub(crate) fn csrf_input(caller: &Caller) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(caller.csrf); }
}

/// A form page: a title, an optional error, the form's fields.
// Every argument is a distinct part of the page; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) fn form_page(
    language: &RequestLanguage,
    status: StatusCode,
    path: &str,
    title: &str,
    intro: Option<&str>,
    error: Option<&str>,
    form: Markup,
    after: Markup,
) -> Response {
    let locale = language.locale;
    let shell = PageShell::new(locale, path);
    let main = html! {
        section.container.auth-page aria-labelledby="auth-title" {
            h1 #auth-title { (title) }
            @if let Some(intro) = intro { p.lede { (intro) } }
            @if let Some(error) = error {
                p.form-error role="alert" #form-error { (error) }
            }
            (form)
            (after)
        }
    };
    html_response(language, status, shell.render(title, main))
}

pub(crate) fn field(id: &str, label: &str, input: Markup, hint: Option<&str>) -> Markup {
    html! {
        div.form-field {
            label for=(id) { (label) }
            (input)
            @if let Some(hint) = hint { p.form-hint #(format!("{id}-hint")) { (hint) } }
        }
    }
}

/// A mail to `recipient` in `locale`: the text of `subject`, and `body` filled with `arguments`.
pub(crate) fn mail_in(
    locale: Locale,
    recipient: String,
    subject: &str,
    body: &str,
    arguments: &[(&str, &str)],
) -> OutgoingEmail {
    OutgoingEmail {
        recipient,
        subject: locale.text(subject).to_owned(),
        body_text: locale.format(body, arguments),
    }
}

/// The field for a code of the authenticator app or a recovery code, with its hint.
pub(crate) fn second_factor_field(id: &str, locale: Locale) -> Markup {
    let hint = format!("{id}-hint");
    field(
        id,
        locale.text("auth.totp.code"),
        html! {
            input id=(id) type="text" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="20" aria-describedby=(hint);
        },
        Some(locale.text("auth.totp.code_hint")),
    )
}

/// Where to go after signing in: a local path only, never another site.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if super::layout::is_local_path(path) => path.to_owned(),
        _ => String::from("/account"),
    }
}

/// The answer when the database cannot be reached.
pub(crate) fn unavailable(error: StorageError) -> Response {
    crate::ApiError::database_unavailable(error).into_response()
}

/// The answer to a mailed link that is malformed, unknown, used or expired.
pub(crate) fn link_invalid(locale: Locale) -> Response {
    link_invalid_page(locale, StatusCode::BAD_REQUEST)
}

/// The page that says a mailed link cannot be used, with `status`.
pub(crate) fn link_invalid_page(locale: Locale, status: StatusCode) -> Response {
    message_page(
        locale,
        status,
        locale.text("auth.link_invalid.title"),
        locale.text("auth.link_invalid.text"),
    )
}

/// Uses the mailed link `raw` of `purpose`: (user id, payload) once; `None` when the link is
/// malformed, unknown, used or expired.
pub(crate) async fn consume_link(
    state: &AppState,
    raw: &str,
    purpose: TokenPurpose,
) -> Result<Option<(i64, String)>, StorageError> {
    let Ok(token) = Token::parse(TokenKind::OneTime, raw.trim()) else {
        return Ok(None);
    };
    state
        .storage()
        .consume_one_time_token(&token.digest(), purpose.as_str(), now_unix())
        .await
}

/// The page a mailed link opens: one button that posts the link's token to `path`.
pub(crate) fn link_form(
    caller: &Caller,
    language: &RequestLanguage,
    path: &str,
    intro: &str,
    token: &str,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action=(path) {
            (csrf_input(caller))
            input type="hidden" name="token" value=(token);
            button.button type="submit" { (locale.text("auth.verify.submit")) }
        }
    };
    form_page(
        language,
        StatusCode::OK,
        path,
        locale.text("auth.verify.title"),
        Some(intro),
        None,
        form,
        html! {},
    )
}

/// `response` with the header that keeps a token in the address from leaking to other sites.
pub(crate) fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A page shown once with a secret on it (never cached): a title and what follows it.
pub(crate) fn shown_once_page(
    language: &RequestLanguage,
    path: &str,
    title_id: &str,
    title: &str,
    content: Markup,
) -> Response {
    let shell = PageShell::new(language.locale, path);
    let main = html! {
        section.container.auth-page aria-labelledby=(title_id) {
            h1 id=(title_id) { (title) }
            (content)
        }
    };
    let mut response = html_response(language, StatusCode::OK, shell.render(title, main));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Why `password` is refused for the account of `email` and `name`, as a message; `None` when
/// the password policy accepts it.
pub(crate) fn password_refusal(
    locale: Locale,
    password: &str,
    email: &str,
    name: &str,
) -> Option<String> {
    PasswordPolicy
        .check(password, email, name)
        .err()
        .map(|problem| locale.format("auth.error.password", &[("reason", &problem.to_string())]))
}

/// The `token` of a mailed link, in the address or in a form.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenField {
    #[serde(default)]
    pub(crate) token: String,
}

// ---- sign up ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
struct SignupInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    consent_listing: Option<String>,
    #[serde(default)]
    consent_email: Option<String>,
}

async fn signup_form(caller: Caller, language: RequestLanguage) -> Response {
    render_signup(
        &caller,
        &language,
        StatusCode::OK,
        &SignupInput::default(),
        None,
    )
}

fn render_signup(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    input: &SignupInput,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/signup" novalidate {
            (csrf_input(caller))
            (field("signup-name", locale.text("auth.display_name"), html! {
                input #signup-name type="text" name="display_name" required autocomplete="name" maxlength="100" value=(input.display_name);
            }, None))
            (field("signup-email", locale.text("auth.email"), html! {
                input #signup-email type="email" name="email" required autocomplete="email" value=(input.email);
            }, None))
            (field("signup-password", locale.text("auth.password"), html! {
                input #signup-password type="password" name="password" required autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="signup-password-hint";
            }, Some(locale.text("auth.password_hint"))))
            fieldset.form-consents {
                legend { (locale.text("auth.consents")) }
                div.form-check {
                    input #consent-listing type="checkbox" name="consent_listing" value="yes" checked[input.consent_listing.is_some()];
                    label for="consent-listing" { (locale.text("auth.consent_listing")) }
                }
                div.form-check {
                    input #consent-email type="checkbox" name="consent_email" value="yes" checked[input.consent_email.is_some()];
                    label for="consent-email" { (locale.text("auth.consent_email")) }
                }
            }
            button.button type="submit" { (locale.text("auth.signup.submit")) }
        }
    };
    let after = html! { p { a href="/login" { (locale.text("auth.have_account")) } } };
    form_page(
        language,
        status,
        "/signup",
        locale.text("auth.signup.title"),
        Some(locale.text("auth.signup.intro")),
        error,
        form,
        after,
    )
}

async fn signup(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<SignupInput>,
) -> Response {
    let locale = language.locale;
    if let Err(wait) = check_limit(&state.security().limits.sign_up_address, &caller.address) {
        return too_many_requests("/signup", wait, locale);
    }
    let name = input.display_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return render_signup(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input,
            Some(locale.text("auth.error.name")),
        );
    }
    let Ok(email) = Email::parse(input.email.trim()) else {
        return render_signup(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input,
            Some(locale.text("auth.error.email")),
        );
    };
    let email = email.as_str().to_lowercase();
    if let Some(message) = password_refusal(locale, &input.password, &email, name) {
        return render_signup(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input,
            Some(&message),
        );
    }
    let storage = state.storage();
    let public_url = &state.security().public_url;
    match storage.user_by_email(&email).await {
        Ok(Some(_)) => {
            // Same answer as for a new address; the owner learns of the attempt by mail.
            let mail = mail_in(
                locale,
                email.clone(),
                "mail.exists.subject",
                "mail.exists.body",
                &[("url", &format!("{public_url}/password/forgot"))],
            );
            if let Err(error) = storage.enqueue_email(&mail).await {
                tracing::error!(%error, "could not queue a mail");
            }
        }
        Ok(None) => {
            let hash = PasswordHash::new(&input.password, &random_bytes());
            let token = new_token(TokenKind::OneTime);
            let verification = NewOneTimeToken {
                token_digest: token.digest(),
                user_id: 0,
                purpose: TokenPurpose::VerifyEmail.as_str().to_owned(),
                expires_unix: now_unix() + TokenPurpose::VerifyEmail.lifetime_seconds(),
                payload: String::from("{}"),
            };
            let mail = mail_in(
                locale,
                email.clone(),
                "mail.verify.subject",
                "mail.verify.body",
                &[
                    ("name", name),
                    (
                        "url",
                        &format!("{public_url}/verify-email?token={}", token.expose()),
                    ),
                ],
            );
            let consents = [
                (
                    String::from("listing"),
                    input.consent_listing.is_some(),
                    CONSENT_TEXT_VERSION.to_owned(),
                ),
                (
                    String::from("email"),
                    input.consent_email.is_some(),
                    CONSENT_TEXT_VERSION.to_owned(),
                ),
            ];
            let user = NewUser {
                email: email.clone(),
                display_name: name.to_owned(),
                password_hash: hash.as_str().to_owned(),
                language: locale.code().to_owned(),
            };
            match storage
                .register_user(
                    &user,
                    &consents,
                    Some((verification, mail)),
                    &caller.audit_context(),
                )
                .await
            {
                Ok(_) | Err(clusterhub_storage::StorageError::Conflict(_)) => {}
                Err(error) => return unavailable(error),
            }
        }
        Err(error) => return unavailable(error),
    }
    message_page(
        locale,
        StatusCode::OK,
        locale.text("auth.signup.sent_title"),
        &locale.format("auth.signup.sent_text", &[("email", &email)]),
    )
}

// ---- e-mail verification ---------------------------------------------------------------------

async fn verify_form(
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<TokenField>,
) -> Response {
    let intro = language.locale.text("auth.verify.intro");
    link_form(&caller, &language, "/verify-email", intro, &query.token)
}

async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<TokenField>,
) -> Response {
    let locale = language.locale;
    match consume_link(&state, &input.token, TokenPurpose::VerifyEmail).await {
        Ok(Some((user_id, _))) => {
            if let Err(error) = state
                .storage()
                .mark_email_verified(user_id, &caller.audit_context())
                .await
            {
                return unavailable(error);
            }
            message_page(
                locale,
                StatusCode::OK,
                locale.text("auth.verify.done_title"),
                locale.text("auth.verify.done_text"),
            )
        }
        Ok(None) => link_invalid(locale),
        Err(error) => unavailable(error),
    }
}

// ---- sign in / out ---------------------------------------------------------------------------

/// The page to go back to after signing in or confirming the password.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct NextQuery {
    pub(crate) next: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_form(
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<NextQuery>,
) -> Response {
    render_login(
        &caller,
        &language,
        StatusCode::OK,
        "",
        query.next.as_deref(),
        None,
    )
}

fn render_login(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    email: &str,
    next: Option<&str>,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/login" {
            (csrf_input(caller))
            @if let Some(next) = next { input type="hidden" name="next" value=(safe_next(Some(next))); }
            (field("login-email", locale.text("auth.email"), html! {
                input #login-email type="email" name="email" required autocomplete="username" value=(email);
            }, None))
            (field("login-password", locale.text("auth.password"), html! {
                input #login-password type="password" name="password" required autocomplete="current-password";
            }, None))
            button.button type="submit" { (locale.text("auth.login.submit")) }
        }
    };
    let after = html! {
        p { a href="/password/forgot" { (locale.text("auth.forgot_link")) } }
        p { a href="/signup" { (locale.text("auth.no_account")) } }
    };
    form_page(
        language,
        status,
        "/login",
        locale.text("auth.login.title"),
        None,
        error,
        form,
        after,
    )
}

/// Signs in: checks the limits, the password (the same work whether or not the account
/// exists), starts a new session (never reusing one sent before) and records the outcome.
async fn login(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<LoginInput>,
) -> Response {
    let locale = language.locale;
    let email = input.email.trim().to_lowercase();
    match sign_in(&state, &caller, &email, &input.password).await {
        SignInOutcome::Limited(wait) => too_many_requests("/login", wait, locale),
        SignInOutcome::Failed => render_login(
            &caller,
            &language,
            StatusCode::UNAUTHORIZED,
            &email,
            input.next.as_deref(),
            Some(locale.text("auth.error.sign_in")),
        ),
        SignInOutcome::Unverified => render_login(
            &caller,
            &language,
            StatusCode::FORBIDDEN,
            &email,
            input.next.as_deref(),
            Some(locale.text("auth.error.unverified")),
        ),
        SignInOutcome::Unavailable(response) => response,
        SignInOutcome::Started {
            token,
            second_factor,
        } => {
            let target = if second_factor {
                format!(
                    "/login/second-factor?next={}",
                    url::form_urlencoded::byte_serialize(
                        safe_next(input.next.as_deref()).as_bytes()
                    )
                    .collect::<String>()
                )
            } else {
                safe_next(input.next.as_deref())
            };
            let mut response = Redirect::to(&target).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(state.security(), SESSION_COOKIE, token.expose(), None),
            );
            response
        }
    }
}

pub(crate) enum SignInOutcome {
    Limited(u64),
    Failed,
    Unverified,
    Unavailable(Response),
    Started { token: Token, second_factor: bool },
}

/// The sign-in both the page and the API use.
pub(crate) async fn sign_in(
    state: &AppState,
    caller: &Caller,
    email: &str,
    password: &str,
) -> SignInOutcome {
    let limits = &state.security().limits;
    if let Err(wait) = check_limit(&limits.sign_in_address, &caller.address) {
        return SignInOutcome::Limited(wait);
    }
    if let Err(wait) = check_limit(&limits.sign_in_account, email) {
        return SignInOutcome::Limited(wait);
    }
    let storage = state.storage();
    let user = match storage.user_by_email(email).await {
        Ok(user) => user.filter(|user| !user.erased),
        Err(error) => {
            return SignInOutcome::Unavailable(unavailable(error));
        }
    };
    let password_owned = password.to_owned();
    let stored = user.as_ref().and_then(|user| user.password_hash.clone());
    let verified = tokio::task::spawn_blocking(move || {
        match stored.as_deref().and_then(PasswordHash::from_stored) {
            Some(hash) => Some((hash.verify(&password_owned), hash.needs_rehash())),
            None => {
                clusterhub_accounts::password::dummy_verify(&password_owned);
                None
            }
        }
    })
    .await
    .ok()
    .flatten();
    let (Some(user), Some((true, needs_rehash))) = (user.as_ref(), verified) else {
        let record = AuditRecord::new(
            "session.sign_in_failed",
            "user",
            user.as_ref()
                .map(|user| user.id.to_string())
                .unwrap_or_else(|| String::from("unknown")),
        )
        .outcome("failed");
        crate::auth::audit_refusal(state, &caller.audit_context(), record).await;
        return SignInOutcome::Failed;
    };
    if !user.email_verified {
        return SignInOutcome::Unverified;
    }
    if needs_rehash {
        let hash = PasswordHash::new(password, &random_bytes());
        if let Err(error) = storage.rehash_password(user.id, hash.as_str()).await {
            tracing::warn!(%error, "could not store a stronger password hash");
        }
    }
    // A session sent with this request (perhaps planted by someone else) ends here.
    if let Some(old) = &caller.session_digest
        && let Err(error) = storage.delete_session(old).await
    {
        tracing::warn!(%error, "could not end the previous session");
    }
    let now = now_unix();
    let token = new_token(TokenKind::Session);
    let second_factor = user.totp_secret.is_some();
    let session = NewSession {
        token_digest: token.digest(),
        user_id: user.id,
        expires_unix: now + SESSION_ABSOLUTE_SECONDS,
        idle_expires_unix: now + SESSION_IDLE_SECONDS,
        authenticated_unix: now,
        second_factor_pending: second_factor,
        address: caller.address.clone(),
        user_agent: String::new(),
    };
    if let Err(error) = storage.create_session(&session).await {
        return SignInOutcome::Unavailable(unavailable(error));
    }
    let mut context = caller.audit_context();
    context.actor_user_id = Some(user.id);
    if let Err(error) = storage
        .append_audit(
            &context,
            &AuditRecord::new("session.sign_in", "user", user.id.to_string()),
        )
        .await
    {
        tracing::warn!(%error, "could not record a sign-in");
    }
    SignInOutcome::Started {
        token,
        second_factor,
    }
}

async fn second_factor_form(
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<NextQuery>,
) -> Response {
    if caller.pending_second_factor.is_none() {
        return Redirect::to("/login").into_response();
    }
    render_second_factor(
        &caller,
        &language,
        StatusCode::OK,
        query.next.as_deref(),
        None,
    )
}

fn render_second_factor(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    next: Option<&str>,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/login/second-factor" {
            (csrf_input(caller))
            input type="hidden" name="next" value=(safe_next(next));
            (second_factor_field("second-factor-code", locale))
            button.button type="submit" { (locale.text("auth.login.submit")) }
        }
    };
    form_page(
        language,
        status,
        "/login/second-factor",
        locale.text("auth.totp.login_title"),
        None,
        error,
        form,
        html! {},
    )
}

#[derive(Debug, Deserialize)]
struct CodeInput {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

async fn second_factor(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<CodeInput>,
) -> Response {
    let locale = language.locale;
    let (Some(user_id), Some(digest)) =
        (caller.pending_second_factor, caller.session_digest.clone())
    else {
        return Redirect::to("/login").into_response();
    };
    if let Err(wait) = check_limit(
        &state.security().limits.sign_in_account,
        &format!("totp:{user_id}"),
    ) {
        return too_many_requests("/login/second-factor", wait, locale);
    }
    let storage = state.storage();
    let user = match storage.user_by_id(user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(error) => return unavailable(error),
    };
    let accepted = check_second_factor(&state, &user, &input.code).await;
    match accepted {
        Ok(true) => {
            if let Err(error) = storage.complete_second_factor(&digest, now_unix()).await {
                return unavailable(error);
            }
            Redirect::to(&safe_next(input.next.as_deref())).into_response()
        }
        Ok(false) => {
            let mut context = caller.audit_context();
            context.actor_user_id = Some(user_id);
            let record =
                AuditRecord::new("session.second_factor_failed", "user", user_id.to_string())
                    .outcome("failed");
            crate::auth::audit_refusal(&state, &context, record).await;
            render_second_factor(
                &caller,
                &language,
                StatusCode::UNAUTHORIZED,
                input.next.as_deref(),
                Some(locale.text("auth.error.totp")),
            )
        }
        Err(error) => unavailable(error),
    }
}

/// Checks a TOTP code (once per step) or a recovery code (once).
pub(crate) async fn check_second_factor(
    state: &AppState,
    user: &clusterhub_storage::UserRecord,
    code: &str,
) -> Result<bool, clusterhub_storage::StorageError> {
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .and_then(|text| TotpSecret::from_base32(text).ok())
    else {
        return Ok(false);
    };
    let now = u64::try_from(now_unix()).unwrap_or(0);
    let last = user
        .totp_last_step
        .and_then(|step| u64::try_from(step).ok());
    if let Ok(step) = secret.verify(code, now, last) {
        return state
            .storage()
            .record_totp_step(user.id, i64::try_from(step).unwrap_or(i64::MAX))
            .await;
    }
    match RecoveryCode::digest_of_typed(code) {
        Some(digest) => {
            state
                .storage()
                .consume_recovery_code(user.id, &digest)
                .await
        }
        None => Ok(false),
    }
}

async fn logout(State(state): State<AppState>, caller: Caller) -> Response {
    if let Some(digest) = &caller.session_digest {
        if let Err(error) = state.storage().delete_session(digest).await {
            return unavailable(error);
        }
        if let Some(principal) = caller.principal() {
            let record =
                AuditRecord::new("session.sign_out", "user", principal.user_id.to_string());
            if let Err(error) = state
                .storage()
                .append_audit(&caller.audit_context(), &record)
                .await
            {
                tracing::warn!(%error, "could not record a sign-out");
            }
        }
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.security(), SESSION_COOKIE, "", Some(0)),
    );
    response
}

// ---- forgotten password ----------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ForgotInput {
    #[serde(default)]
    email: String,
}

async fn forgot_form(caller: Caller, language: RequestLanguage) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/password/forgot" {
            (csrf_input(&caller))
            (field("forgot-email", locale.text("auth.email"), html! {
                input #forgot-email type="email" name="email" required autocomplete="email";
            }, None))
            button.button type="submit" { (locale.text("auth.forgot.submit")) }
        }
    };
    form_page(
        &language,
        StatusCode::OK,
        "/password/forgot",
        locale.text("auth.forgot.title"),
        Some(locale.text("auth.forgot.intro")),
        None,
        form,
        html! {},
    )
}

async fn forgot(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<ForgotInput>,
) -> Response {
    let locale = language.locale;
    let email = input.email.trim().to_lowercase();
    let limits = &state.security().limits;
    if let Err(wait) = check_limit(&limits.reset_address, &caller.address) {
        return too_many_requests("/password/forgot", wait, locale);
    }
    // Past the per-account limit nothing more is sent, but the answer stays the same, so the
    // limit tells nothing about the address.
    let within_account_limit = check_limit(&limits.reset_account, &email).is_ok();
    let storage = state.storage();
    match storage.user_by_email(&email).await {
        Ok(Some(user)) if within_account_limit && !user.erased => {
            let token = new_token(TokenKind::OneTime);
            let public_url = &state.security().public_url;
            let record = NewOneTimeToken {
                token_digest: token.digest(),
                user_id: user.id,
                purpose: TokenPurpose::ResetPassword.as_str().to_owned(),
                expires_unix: now_unix() + TokenPurpose::ResetPassword.lifetime_seconds(),
                payload: String::from("{}"),
            };
            let user_locale = Locale::from_code(&user.language).unwrap_or(locale);
            let mail = mail_in(
                user_locale,
                user.email.clone(),
                "mail.reset.subject",
                "mail.reset.body",
                &[
                    ("name", &user.display_name),
                    (
                        "url",
                        &format!("{public_url}/password/reset?token={}", token.expose()),
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
        Ok(_) => {}
        Err(error) => return unavailable(error),
    }
    message_page(
        locale,
        StatusCode::OK,
        locale.text("auth.forgot.sent_title"),
        locale.text("auth.forgot.sent_text"),
    )
}

async fn reset_form(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Query(query): Query<TokenField>,
) -> Response {
    let locale = language.locale;
    let usable = match Token::parse(TokenKind::OneTime, query.token.trim()) {
        Ok(token) => state
            .storage()
            .one_time_token_usable(
                &token.digest(),
                TokenPurpose::ResetPassword.as_str(),
                now_unix(),
            )
            .await
            .unwrap_or(false),
        Err(_) => false,
    };
    if !usable {
        return link_invalid(locale);
    }
    render_reset(&caller, &language, StatusCode::OK, &query.token, None)
}

fn render_reset(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    token: &str,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let form = html! {
        form.auth-form method="post" action="/password/reset" {
            (csrf_input(caller))
            input type="hidden" name="token" value=(token);
            (field("reset-password", locale.text("auth.new_password"), html! {
                input #reset-password type="password" name="password" required autocomplete="new-password" minlength="12" maxlength="128" aria-describedby="reset-password-hint";
            }, Some(locale.text("auth.password_hint"))))
            button.button type="submit" { (locale.text("auth.reset.submit")) }
        }
    };
    // The token is in the address: do not leak it to other sites.
    no_referrer(form_page(
        language,
        status,
        "/password/reset",
        locale.text("auth.reset.title"),
        None,
        error,
        form,
        html! {},
    ))
}

#[derive(Debug, Deserialize)]
struct ResetInput {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<ResetInput>,
) -> Response {
    let locale = language.locale;
    let Ok(token) = Token::parse(TokenKind::OneTime, input.token.trim()) else {
        return link_invalid(locale);
    };
    let storage = state.storage();
    let purpose = TokenPurpose::ResetPassword;
    let user_id = match storage
        .one_time_token_user(&token.digest(), purpose.as_str(), now_unix())
        .await
    {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return link_invalid(locale),
        Err(error) => return unavailable(error),
    };
    let user = match storage.user_by_id(user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return link_invalid(locale),
        Err(error) => return unavailable(error),
    };
    if let Some(message) =
        password_refusal(locale, &input.password, &user.email, &user.display_name)
    {
        return render_reset(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &input.token,
            Some(&message),
        );
    }
    // Consuming is the atomic step: of two concurrent resets with one link, one wins.
    match consume_link(&state, &input.token, purpose).await {
        Ok(Some(_)) => {}
        Ok(None) => return link_invalid(locale),
        Err(error) => return unavailable(error),
    }
    let hash = PasswordHash::new(&input.password, &random_bytes());
    let mut context = caller.audit_context();
    context.actor_user_id = Some(user_id);
    if let Err(error) = storage.set_password(user_id, hash.as_str(), &context).await {
        return unavailable(error);
    }
    message_page(
        locale,
        StatusCode::OK,
        locale.text("auth.reset.done_title"),
        locale.text("auth.reset.done_text"),
    )
}

// ---- the account page and the second factor ---------------------------------------------------

async fn account_page(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login?next=%2Faccount").into_response();
    };
    let user = match state
        .storage()
        .user_by_id(signed_in.principal.user_id)
        .await
    {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login").into_response(),
        Err(error) => return unavailable(error),
    };
    let sections =
        match super::account_settings::account_sections(&state, &caller, &user, locale).await {
            Ok(sections) => sections,
            Err(error) => return unavailable(error),
        };
    let shell = PageShell::new(locale, "/account");
    let title = locale.text("auth.account.title");
    let main = html! {
        section.container.auth-page aria-labelledby="account-title" {
            h1 #account-title { (title) }
            dl.profile-facts {
                dt { (locale.text("auth.display_name")) } dd { (user.display_name) }
                dt { (locale.text("auth.email")) } dd { (user.email) }
                dt { (locale.text("auth.totp.status")) }
                dd {
                    @if user.totp_secret.is_some() { (locale.text("auth.totp.on")) } @else { (locale.text("auth.totp.off")) }
                }
            }
            @if user.totp_secret.is_none() {
                p { a.button href="/account/second-factor" { (locale.text("auth.totp.setup_link")) } }
            }
            form method="post" action="/logout" {
                (csrf_input(&caller))
                button.button.button-secondary type="submit" { (locale.text("auth.logout")) }
            }
            (sections)
            section.account-privacy aria-labelledby="privacy-title" {
                h2 #privacy-title { (locale.text("auth.privacy.title")) }
                p { (locale.text("auth.privacy.export_text")) }
                p { a.button.button-secondary href="/api/v1/me/export" download { (locale.text("auth.privacy.export")) } }
                p { (locale.text("auth.privacy.erase_text")) }
                form method="post" action="/account/erase" {
                    (csrf_input(&caller))
                    div.form-check {
                        input #erase-confirm type="checkbox" name="confirm" value="yes" required;
                        label for="erase-confirm" { (locale.text("auth.privacy.erase_confirm")) }
                    }
                    button.button.button-danger type="submit" { (locale.text("auth.privacy.erase")) }
                }
            }
        }
    };
    html_response(&language, StatusCode::OK, shell.render(title, main))
}

async fn totp_setup_form(caller: Caller, language: RequestLanguage) -> Response {
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login").into_response();
    };
    let secret = TotpSecret::new(random_bytes::<SECRET_BYTES>());
    render_totp_setup(
        &caller,
        &language,
        StatusCode::OK,
        &secret,
        &signed_in.email,
        None,
    )
}

fn render_totp_setup(
    caller: &Caller,
    language: &RequestLanguage,
    status: StatusCode,
    secret: &TotpSecret,
    email: &str,
    error: Option<&str>,
) -> Response {
    let locale = language.locale;
    let url = secret.otpauth_url(email, "Clusterhub");
    let form = html! {
        ol.setup-steps {
            li { (locale.text("auth.totp.step_app")) }
            li {
                (locale.text("auth.totp.step_key"))
                p { code.totp-secret { (secret.to_base32()) } }
                p { a href=(url) { (locale.text("auth.totp.open_app")) } }
            }
            li { (locale.text("auth.totp.step_code")) }
        }
        form.auth-form method="post" action="/account/second-factor" {
            (csrf_input(caller))
            input type="hidden" name="secret" value=(secret.to_base32());
            (field("totp-code", locale.text("auth.totp.code"), html! {
                input #totp-code type="text" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="6";
            }, None))
            button.button type="submit" { (locale.text("auth.totp.enable")) }
        }
    };
    form_page(
        language,
        status,
        "/account/second-factor",
        locale.text("auth.totp.setup_title"),
        Some(locale.text("auth.totp.setup_intro")),
        error,
        form,
        html! {},
    )
}

#[derive(Debug, Deserialize)]
struct TotpEnableInput {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

async fn totp_enable(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<TotpEnableInput>,
) -> Response {
    let locale = language.locale;
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login").into_response();
    };
    let Ok(secret) = TotpSecret::from_base32(&input.secret) else {
        return message_page(
            locale,
            StatusCode::BAD_REQUEST,
            locale.text("auth.totp.setup_title"),
            locale.text("auth.error.totp"),
        );
    };
    let now = u64::try_from(now_unix()).unwrap_or(0);
    let Ok(step) = secret.verify(&input.code, now, None) else {
        return render_totp_setup(
            &caller,
            &language,
            StatusCode::UNPROCESSABLE_ENTITY,
            &secret,
            &signed_in.email,
            Some(locale.text("auth.error.totp")),
        );
    };
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| RecoveryCode::new(random_bytes()))
        .collect();
    let digests: Vec<String> = codes.iter().map(RecoveryCode::digest).collect();
    if let Err(error) = state
        .storage()
        .enable_totp(
            signed_in.principal.user_id,
            &secret.to_base32(),
            i64::try_from(step).unwrap_or(i64::MAX),
            &digests,
            &caller.audit_context(),
        )
        .await
    {
        return unavailable(error);
    }
    let content = html! {
        p.lede { (locale.text("auth.totp.codes_intro")) }
        ul.recovery-codes {
            @for code in &codes { li { code { (code.expose()) } } }
        }
        p { a.button href="/account" { (locale.text("auth.account.title")) } }
    };
    shown_once_page(
        &language,
        "/account/second-factor",
        "codes-title",
        locale.text("auth.totp.enabled_title"),
        content,
    )
}

#[derive(Debug, Deserialize)]
struct EraseInput {
    confirm: Option<String>,
}

/// Erases the signed-in person's account (they signed in within the last ten minutes).
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    language: RequestLanguage,
    Form(input): Form<EraseInput>,
) -> Response {
    let locale = language.locale;
    let Some(signed_in) = &caller.signed_in else {
        return Redirect::to("/login").into_response();
    };
    if input.confirm.as_deref() != Some("yes") {
        return message_page(
            locale,
            StatusCode::UNPROCESSABLE_ENTITY,
            locale.text("auth.privacy.erase"),
            locale.text("auth.privacy.erase_unconfirmed"),
        );
    }
    if let Err(error) = state
        .storage()
        .erase_user(signed_in.principal.user_id, &caller.audit_context())
        .await
    {
        return unavailable(error);
    }
    let mut response = message_page(
        locale,
        StatusCode::OK,
        locale.text("auth.privacy.erased_title"),
        locale.text("auth.privacy.erased_text"),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.security(), SESSION_COOKIE, "", Some(0)),
    );
    response
}
