//! Who is calling and what they may do: the session cookie turned into a [`Caller`], CSRF
//! protection of every state-changing request, the access rule of every route (`policy.rs`)
//! enforced in one layer, and the rate limits of sign-in, reset, sign-up and forms.
//!
//! Layers, outermost first: [`identify`] reads an API token (`Authorization: Bearer cht_…`, API
//! paths only) or else the session cookie (one indexed lookup when a cookie is sent, nothing
//! otherwise) and the CSRF cookie, and puts the [`Caller`] in the
//! request's extensions; after routing, [`require_csrf`] refuses a state-changing request
//! without the CSRF token, and [`enforce_access`] looks up the matched route's rule and answers
//! 401 (API) / a redirect to the sign-in page (pages) or a 404 exactly like a missing record.

pub(crate) mod policy;

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use clusterhub_accounts::access::Decision;
use clusterhub_accounts::token::TOKEN_BYTES;
use clusterhub_accounts::{
    OrganisationRole, PlatformRole, Principal, RateLimit, RateLimiter, Token, TokenKind,
};
use clusterhub_storage::{AuditContext, AuditRecord};

use crate::error::{ApiError, ErrorCode};
use crate::middleware::is_api_path;
use crate::{AppState, pages};

/// The session cookie: an opaque token whose SHA-256 names a row of `sessions`.
pub const SESSION_COOKIE: &str = "clusterhub_session";
/// The CSRF cookie; forms send its value in the `csrf` field, scripts in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "clusterhub_csrf";
/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The header that carries the CSRF token for requests made by scripts.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session ends this long after sign-in, whatever happens.
pub const SESSION_ABSOLUTE_SECONDS: i64 = 12 * 3600;
/// A session ends after this long without a request.
pub const SESSION_IDLE_SECONDS: i64 = 2 * 3600;

/// Settings and shared counters of the security layer.
#[derive(Debug)]
pub struct Security {
    /// Whether cookies are marked `Secure` (the site is served over HTTPS) and HSTS is sent.
    pub secure_cookies: bool,
    /// The site's public address, for links in e-mails (`https://clusterhub.example.eu`).
    pub public_url: String,
    /// State-changing requests (forms, API calls with a session) per client address a minute.
    pub forms_per_minute: usize,
    pub(crate) limits: Limits,
}

/// One limiter per rule.
#[derive(Debug)]
pub(crate) struct Limits {
    /// Sign-in attempts per account: 10 a minute.
    pub sign_in_account: Mutex<RateLimiter>,
    /// Sign-in attempts per client address: 100 a minute.
    pub sign_in_address: Mutex<RateLimiter>,
    /// Reset links per account: 3 an hour.
    pub reset_account: Mutex<RateLimiter>,
    /// Reset requests per address: 10 an hour.
    pub reset_address: Mutex<RateLimiter>,
    /// Sign-ups per address: 20 an hour.
    pub sign_up_address: Mutex<RateLimiter>,
    /// Other form posts per address: [`FORMS_PER_MINUTE`] a minute unless configured.
    pub forms_address: Mutex<RateLimiter>,
    /// Expressions of interest per person: [`INTERESTS_PER_HOUR`] an hour.
    pub interests_user: Mutex<RateLimiter>,
    /// Audit entries of refusals per action and address: [`AUDIT_REFUSALS_PER_MINUTE`] a minute.
    pub audit_refusals: Mutex<RateLimiter>,
    /// Refusals left out of the log per action and address, until the next one is written.
    pub audit_suppressed: Mutex<std::collections::HashMap<String, u64>>,
}

/// How many expressions of interest one person may send in an hour.
pub const INTERESTS_PER_HOUR: usize = 20;

/// State-changing requests per client address a minute, by default (`serve --form-rate-limit`).
pub const FORMS_PER_MINUTE: usize = 120;

/// How many refusals of one kind from one address the audit log takes in a minute.
pub const AUDIT_REFUSALS_PER_MINUTE: usize = 20;

fn limiter(max: usize, window_seconds: u64) -> Mutex<RateLimiter> {
    Mutex::new(RateLimiter::new(RateLimit {
        max,
        window_seconds,
    }))
}

impl Security {
    /// The default settings for a site at `public_url`.
    pub fn new(public_url: &str) -> Security {
        Security {
            secure_cookies: public_url.starts_with("https://"),
            public_url: public_url.trim_end_matches('/').to_owned(),
            forms_per_minute: FORMS_PER_MINUTE,
            limits: Limits {
                sign_in_account: limiter(10, 60),
                sign_in_address: limiter(100, 60),
                reset_account: limiter(3, 3600),
                reset_address: limiter(10, 3600),
                sign_up_address: limiter(20, 3600),
                forms_address: limiter(FORMS_PER_MINUTE, 60),
                interests_user: limiter(INTERESTS_PER_HOUR, 3600),
                audit_refusals: limiter(AUDIT_REFUSALS_PER_MINUTE, 60),
                audit_suppressed: Mutex::new(std::collections::HashMap::new()),
            },
        }
    }

    /// The same settings with another limit of state-changing requests per address a minute.
    pub fn with_form_limit(mut self, per_minute: usize) -> Security {
        self.forms_per_minute = per_minute;
        self.limits.forms_address = limiter(per_minute, 60);
        self
    }
}

/// Checks a limit: `Err(seconds to wait)` when exceeded.
pub(crate) fn check_limit(limiter: &Mutex<RateLimiter>, key: &str) -> Result<(), u64> {
    let now = u64::try_from(now_unix()).unwrap_or(0);
    limiter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .check(key, now)
}

/// A 429 answer with `Retry-After`, as problem+json under `/api`, as a page elsewhere.
pub(crate) fn too_many_requests(
    path: &str,
    retry_after: u64,
    locale: crate::i18n::Locale,
) -> Response {
    let mut response = if is_api_path(path) {
        ApiError::new(
            ErrorCode::TooManyRequests,
            format!("Too many attempts; try again in {retry_after} seconds."),
        )
        .into_response()
    } else {
        pages::message_page(
            locale,
            StatusCode::TOO_MANY_REQUESTS,
            locale.text("auth.too_many.title"),
            &locale.format(
                "auth.too_many.text",
                &[("seconds", &retry_after.to_string())],
            ),
        )
    };
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Every explicit rule (method, path pattern, access), for tests that check them against the
/// router.
pub fn policy_rules() -> &'static [(&'static str, &'static str, clusterhub_accounts::Access)] {
    policy::RULES
}

/// The current time in Unix seconds.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `N` bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// A new token of `kind`.
pub(crate) fn new_token(kind: TokenKind) -> Token {
    Token::new(kind, &random_bytes::<TOKEN_BYTES>())
}

tokio::task_local! {
    /// The caller of the request being answered, for the page frame (its account link).
    static CURRENT_CALLER: Caller;
}

/// The display name of the person signed in for the request being answered, if any (the page
/// frame shows it; outside a request, `None`).
pub(crate) fn current_display_name() -> Option<String> {
    CURRENT_CALLER
        .try_with(|caller| caller.signed_in.as_ref().map(|s| s.display_name.clone()))
        .ok()
        .flatten()
}

/// The signed-in person, as handlers see them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    pub display_name: String,
    pub email: String,
}

/// Who is calling: a person (or nobody), the session, the CSRF token and the client address.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The person, once signed in with every factor.
    pub signed_in: Option<SignedIn>,
    /// The session's token digest, also while the second factor is pending.
    pub session_digest: Option<String>,
    /// The person whose sign-in waits for the second factor.
    pub pending_second_factor: Option<i64>,
    /// The id of the API token the request was signed with (`Authorization: Bearer cht_…`);
    /// such a request has no session and is never recently authenticated.
    pub api_token: Option<i64>,
    /// The CSRF token forms must carry (the cookie's value, or a new one set on the answer).
    pub csrf: String,
    /// The client's address.
    pub address: String,
}

impl Caller {
    /// The principal, if someone is signed in.
    pub fn principal(&self) -> Option<&Principal> {
        self.signed_in
            .as_ref()
            .map(|signed_in| &signed_in.principal)
    }

    /// The audit context of what this caller does.
    pub fn audit_context(&self) -> AuditContext {
        AuditContext {
            actor_user_id: self.principal().map(|principal| principal.user_id),
            address: self.address.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("the identify layer did not run"))
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, `Secure` over HTTPS; `max_age`
/// `Some(0)` deletes the cookie.
pub(crate) fn set_cookie(
    security: &Security,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if security.secure_cookies {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).expect("cookie names and tokens are visible ASCII")
}

fn client_address(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| String::from("local"))
}

/// Whether a CSRF cookie value has the shape this server gives (so a planted value of another
/// shape is replaced).
fn is_csrf_shape(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// Identifies the caller and puts a [`Caller`] in the request's extensions; sets the CSRF
/// cookie on the answer when the request had none.
pub async fn identify(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = client_address(&request);
    let request_path = request.uri().path().to_owned();
    let (csrf, new_csrf) = match pages::cookie_value(request.headers(), CSRF_COOKIE) {
        Some(value) if is_csrf_shape(&value) => (value, false),
        _ => {
            let token = new_token(TokenKind::OneTime);
            (token.expose()[4..].to_owned(), true)
        }
    };
    let mut caller = Caller {
        signed_in: None,
        session_digest: None,
        pending_second_factor: None,
        api_token: None,
        csrf: csrf.clone(),
        address,
    };
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .filter(|_| is_api_path(&request_path))
        .map(|value| value.to_str().unwrap_or_default().to_owned());
    if let Some(authorization) = authorization {
        // An API call with a token acts as the token's owner; a session cookie sent along is
        // ignored. A token that does not sign anyone in is refused here, whatever the route.
        match bearer_caller(&state, &authorization).await {
            Ok(Some((token_id, signed_in))) => {
                caller.api_token = Some(token_id);
                caller.signed_in = Some(signed_in);
            }
            Ok(None) => {
                let record = AuditRecord::new("access.bad_token", "route", request_path.clone())
                    .outcome("denied");
                audit_refusal(&state, &caller.audit_context(), record).await;
                return invalid_token();
            }
            Err(error) => return ApiError::database_unavailable(error).into_response(),
        }
    } else if let Some(value) = pages::cookie_value(request.headers(), SESSION_COOKIE)
        && let Ok(token) = Token::parse(TokenKind::Session, &value)
    {
        match load_session(&state, &token.digest()).await {
            Ok(Some((signed_in, pending))) => {
                caller.session_digest = Some(token.digest());
                if pending {
                    caller.pending_second_factor = Some(signed_in.principal.user_id);
                } else {
                    caller.signed_in = Some(signed_in);
                }
            }
            Ok(None) => {}
            Err(error) => return ApiError::database_unavailable(error).into_response(),
        }
    }
    request.extensions_mut().insert(caller.clone());
    let mut response = CURRENT_CALLER.scope(caller, next.run(request)).await;
    if state.security().secure_cookies {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // The CSRF cookie is for the site's forms (and the scripts of its pages); API answers do not
    // set it, so they stay cacheable.
    if new_csrf && !is_api_path(request_path.as_str()) {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(state.security(), CSRF_COOKIE, &csrf, None),
        );
    }
    response
}

/// The person and whether the second factor is pending, for a live session.
async fn load_session(
    state: &AppState,
    digest: &str,
) -> Result<Option<(SignedIn, bool)>, clusterhub_storage::StorageError> {
    let now = now_unix();
    let storage = state.storage();
    let Some(session) = storage.session(digest, now).await? else {
        return Ok(None);
    };
    let Some(user) = storage.user_by_id(session.user_id).await? else {
        return Ok(None);
    };
    if user.erased {
        return Ok(None);
    }
    if session.idle_expires_unix - now < SESSION_IDLE_SECONDS / 2 {
        storage
            .touch_session(
                digest,
                (now + SESSION_IDLE_SECONDS).min(session.expires_unix),
            )
            .await?;
    }
    let signed_in = signed_in_person(state, user, session.authenticated_unix).await?;
    Ok(Some((signed_in, session.second_factor_pending)))
}

/// The person with their roles, as handlers see them.
async fn signed_in_person(
    state: &AppState,
    user: clusterhub_storage::UserRecord,
    authenticated_at: i64,
) -> Result<SignedIn, clusterhub_storage::StorageError> {
    let roles = state.storage().roles_of(user.id).await?;
    let principal = Principal {
        user_id: user.id,
        platform_roles: roles
            .platform
            .iter()
            .filter_map(|role| PlatformRole::parse(role))
            .collect(),
        organisations: roles
            .organisations
            .iter()
            .filter_map(|(id, role)| OrganisationRole::parse(role).map(|role| (*id, role)))
            .collect(),
        authenticated_at,
    };
    Ok(SignedIn {
        principal,
        display_name: user.display_name,
        email: user.email,
    })
}

/// The token id and owner of an `Authorization: Bearer cht_…` value, or `None` when it names
/// no live token of a live account (another scheme, a malformed, unknown, revoked or expired
/// token). A token never counts as a recent sign-in.
async fn bearer_caller(
    state: &AppState,
    authorization: &str,
) -> Result<Option<(i64, SignedIn)>, clusterhub_storage::StorageError> {
    let Some(text) = authorization
        .strip_prefix("Bearer ")
        .or_else(|| authorization.strip_prefix("bearer "))
    else {
        return Ok(None);
    };
    let Ok(token) = Token::parse(TokenKind::Api, text.trim()) else {
        return Ok(None);
    };
    let storage = state.storage();
    let Some((token_id, user_id)) = storage.use_api_token(&token.digest(), now_unix()).await?
    else {
        return Ok(None);
    };
    let Some(user) = storage
        .user_by_id(user_id)
        .await?
        .filter(|user| !user.erased)
    else {
        return Ok(None);
    };
    Ok(Some((token_id, signed_in_person(state, user, 0).await?)))
}

/// The 401 answer to a token that signs nobody in (RFC 6750's `invalid_token`).
fn invalid_token() -> Response {
    let mut response = ApiError::new(
        ErrorCode::InvalidToken,
        "The API token is malformed, unknown, revoked or expired. Send `Authorization: Bearer cht_…` with a live token from /account.",
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// Appends the audit entry of a refusal (a failed sign-in, a denied access, a bad token), at
/// most [`AUDIT_REFUSALS_PER_MINUTE`] per action and address a minute: a flood cannot grow the
/// log without bound. The next entry written for the same action and address says how many
/// were left out (`after.suppressed_before`).
pub(crate) async fn audit_refusal(state: &AppState, context: &AuditContext, record: AuditRecord) {
    let limits = &state.security().limits;
    let key = format!("{}|{}", record.action, context.address);
    let mut record = record;
    {
        let mut suppressed = limits
            .audit_suppressed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if check_limit(&limits.audit_refusals, &key).is_err() {
            *suppressed.entry(key).or_insert(0) += 1;
            return;
        }
        if let Some(count) = suppressed.remove(&key) {
            let mut after = match record.after.take() {
                Some(serde_json::Value::Object(map)) => map,
                _ => serde_json::Map::new(),
            };
            after.insert(String::from("suppressed_before"), count.into());
            record.after = Some(serde_json::Value::Object(after));
        }
    }
    if let Err(error) = state.storage().append_audit(context, &record).await {
        tracing::warn!(%error, action = %record.action, "could not record a refusal");
    }
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Runs after routing (a route layer), so that a method a route does not have still answers
/// 405 and an unknown path 404, whatever the token.
///
/// Refuses a state-changing request that does not prove it comes from this site's own pages:
/// forms must carry the CSRF cookie's value in the `csrf` field, scripts in `x-csrf-token`.
/// API calls without a session cookie (sign-in with a JSON body, or a bearer token) carry no
/// ambient credentials and pass; their JSON content type cannot be sent cross-site without CORS.
pub async fn require_csrf(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_state_changing(request.method()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    // A method the matched route does not have: let the router answer 405.
    let routed = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|matched| policy::rule(request.method(), matched.as_str()).is_some());
    if !routed {
        return next.run(request).await;
    }
    let has_session = pages::cookie_value(request.headers(), SESSION_COOKIE).is_some();
    let Some(expected) = request
        .extensions()
        .get::<Caller>()
        .map(|caller| caller.csrf.clone())
    else {
        return next.run(request).await;
    };
    let cookie_sent =
        pages::cookie_value(request.headers(), CSRF_COOKIE).as_deref() == Some(expected.as_str());
    let with_token = request
        .extensions()
        .get::<Caller>()
        .is_some_and(|caller| caller.api_token.is_some());
    if is_api_path(&path) && (!has_session || with_token) {
        return next.run(request).await;
    }
    let header_token = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    // Requests that prove their origin count towards the form limit of their address.
    let form_limit = |headers: &HeaderMap, address: &str| -> Option<Response> {
        check_limit(&state.security().limits.forms_address, address)
            .err()
            .map(|wait| {
                let locale = pages::language_of(&axum::http::Uri::from_static("/"), headers).locale;
                too_many_requests(&path, wait, locale)
            })
    };
    let address = request
        .extensions()
        .get::<Caller>()
        .map(|caller| caller.address.clone())
        .unwrap_or_default();
    if let Some(token) = header_token {
        if cookie_sent && constant_time_eq(&token, &expected) {
            if let Some(refusal) = form_limit(request.headers(), &address) {
                return refusal;
            }
            return next.run(request).await;
        }
        return csrf_refused(&path, request.headers());
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if !is_form || !cookie_sent {
        return csrf_refused(&path, request.headers());
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::REQUEST_BODY_LIMIT).await else {
        return ApiError::new(ErrorCode::PayloadTooLarge, "The form is too large.").into_response();
    };
    let field = url::form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    if field.is_some_and(|token| constant_time_eq(&token, &expected)) {
        if let Some(refusal) = form_limit(&parts.headers, &address) {
            return refusal;
        }
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    csrf_refused(&path, &parts.headers)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn csrf_refused(path: &str, headers: &HeaderMap) -> Response {
    if is_api_path(path) {
        ApiError::new(
            ErrorCode::CsrfTokenMissing,
            "Send the value of the clusterhub_csrf cookie in the x-csrf-token header.",
        )
        .into_response()
    } else {
        let locale = pages::language_of(&axum::http::Uri::from_static("/"), headers).locale;
        pages::message_page(
            locale,
            StatusCode::FORBIDDEN,
            locale.text("auth.csrf.title"),
            locale.text("auth.csrf.text"),
        )
    }
}

/// Enforces the matched route's access rule (see `policy.rs`). Runs after routing.
pub async fn enforce_access(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return next.run(request).await;
    };
    let caller = request.extensions().get::<Caller>().cloned();
    let Some(rule) = policy::rule(request.method(), &path) else {
        // A method the route does not have answers 405 from inside; anything else is a route
        // that was added without a rule: a loud error, so that tests catch it.
        let method = request.method().clone();
        let response = next.run(request).await;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            return response;
        }
        tracing::error!(%path, %method, "route without an access rule");
        return ApiError::internal(format!("route without an access rule: {method} {path}"))
            .into_response();
    };
    let organisation = policy::organisation_in_path(&path, request.uri().path());
    let principal = caller.as_ref().and_then(Caller::principal);
    match rule.decide(principal, organisation, now_unix()) {
        Decision::Allow => next.run(request).await,
        Decision::SignIn => {
            // Signed in, but the rule wants a recent password check.
            let stale = principal.is_some();
            if is_api_path(&path) {
                let detail = match caller.as_ref() {
                    Some(caller) if caller.api_token.is_some() => {
                        "An API token cannot do this: sign in with your password (POST /api/v1/auth/login) within the last 10 minutes."
                    }
                    _ if stale => {
                        "This needs a recent sign-in: sign in again (POST /api/v1/auth/login); it counts for 10 minutes."
                    }
                    _ => "Sign in first, or send an API token.",
                };
                ApiError::new(ErrorCode::SignInRequired, detail).into_response()
            } else {
                // A page comes back after the password check; a form that was sent goes back
                // to the account page, where it can be sent again.
                let target = if request.method() == Method::GET {
                    request
                        .uri()
                        .path_and_query()
                        .map(|value| value.as_str().to_owned())
                        .unwrap_or_else(|| String::from("/"))
                } else {
                    String::from("/account")
                };
                let encoded: String =
                    url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
                let page = if stale { "/account/confirm" } else { "/login" };
                Redirect::to(&format!("{page}?next={encoded}")).into_response()
            }
        }
        Decision::Hide => {
            if let Some(caller) = &caller {
                let record = AuditRecord::new(
                    "access.denied",
                    "route",
                    format!("{} {}", request.method(), request.uri().path()),
                )
                .outcome("denied");
                audit_refusal(&state, &caller.audit_context(), record).await;
            }
            hidden(request.uri().path(), request.headers())
        }
    }
}

/// The answer for a record the caller may not see: the same as for one that does not exist.
fn hidden(path: &str, headers: &HeaderMap) -> Response {
    if is_api_path(path) {
        ApiError::new(ErrorCode::RecordNotFound, "There is no such record.").into_response()
    } else {
        let language = pages::language_of(&axum::http::Uri::from_static("/"), headers);
        pages::not_found_page(&language, path).into_response()
    }
}
