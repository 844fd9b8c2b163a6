//! The layers around every route: request ids, security headers, and complete error answers for
//! errors that other layers produce without a body (405, 408, 413).

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorCode, PROBLEM_JSON, ServerErrorCause, problem_response};
use crate::pages;

/// The header that carries the request id, both ways.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The Content-Security-Policy of every answer: only this origin's own files, no inline script
/// or style, no plug-ins, no framing by other sites, forms only to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The largest request body accepted, in bytes. Uploads (imports, call documents) will get
/// their own, larger limit on their own routes.
pub const REQUEST_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The id of one request, for logs and for the `x-request-id` answer header.
#[derive(Debug, Clone)]
pub struct RequestId(pub Arc<str>);

/// A random key per process, so ids cannot be guessed from one another.
static REQUEST_ID_KEY: LazyLock<std::hash::RandomState> =
    LazyLock::new(std::hash::RandomState::new);
static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new request id: 16 hex digits, unique within the process (a keyed hash of a counter).
fn new_request_id() -> String {
    let sequence = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016x}", REQUEST_ID_KEY.hash_one(sequence))
}

/// Whether a request id sent by a client or a proxy is safe to reuse in logs and headers.
fn is_acceptable_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// Gives every request an id (the caller's `x-request-id` if it is sensible, else a new one),
/// answers it in `x-request-id`, and logs the cause of any server error with it.
pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id: Arc<str> = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_acceptable_request_id(id))
        .map_or_else(|| Arc::from(new_request_id()), Arc::from);
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let mut response = next.run(request).await;
    if let Some(ServerErrorCause(cause)) = response.extensions_mut().remove::<ServerErrorCause>() {
        tracing::error!(
            request_id = %id,
            %method,
            %path,
            status = response.status().as_u16(),
            %cause,
            "server error"
        );
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Adds the security headers to every answer that does not set its own.
pub async fn add_security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults = [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), payment=(), usb=()"),
        ),
    ];
    for (name, value) in defaults {
        headers.entry(name).or_insert(value);
    }
    response
}

/// Whether a path belongs to the JSON API, whose errors are problem+json rather than pages.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// How much of a bare error's plain-text body is kept as the problem's detail.
const BARE_DETAIL_LIMIT: usize = 1024;

/// Gives a complete body to error answers that arrive without one or as plain text (the
/// router's 405, the timeout's 408, the body limit's 413, an extractor's rejection): a
/// problem+json under `/api`, a page in the visitor's language elsewhere. Headers such as
/// `Allow` and extensions such as a logged cause are kept.
pub async fn complete_error_bodies(request: Request, next: Next) -> Response {
    let is_api = is_api_path(request.uri().path());
    let language = pages::language_of(request.uri(), request.headers());
    let response = next.run(request).await;

    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type.starts_with(PROBLEM_JSON) || content_type.starts_with("text/html") {
        return response;
    }

    let (parts, body) = response.into_parts();
    let code = ErrorCode::for_status(status);
    // A client error's plain text (such as an extractor's rejection) explains the mistake and
    // is kept; a server error's text might reveal internals and is dropped.
    let detail = if status.is_client_error() && content_type.starts_with("text/plain") {
        read_short_text(body).await
    } else {
        None
    };

    let mut completed = if is_api {
        problem_response(code, detail.as_deref().unwrap_or(code.description()), None)
    } else {
        pages::error_page(&language, status).into_response()
    };
    let completed_headers = completed.headers_mut();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            completed_headers
                .entry(name)
                .or_insert_with(|| value.clone());
        }
    }
    completed.extensions_mut().extend(parts.extensions);
    completed
}

/// The text of a small body, or `None` if it is large, unreadable or not UTF-8.
async fn read_short_text(body: Body) -> Option<String> {
    let bytes = axum::body::to_bytes(body, BARE_DETAIL_LIMIT).await.ok()?;
    let text = String::from_utf8(bytes.to_vec()).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_new_each_time_and_foreign_ones_are_checked() {
        let first = new_request_id();
        let second = new_request_id();
        assert_ne!(first, second);
        assert_eq!(first.len(), 16);
        assert!(is_acceptable_request_id("lb-7f3a.01_x"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("id with spaces"));
        assert!(!is_acceptable_request_id("<script>"));
        assert!(!is_acceptable_request_id(&"a".repeat(65)));
    }

    #[test]
    fn api_paths_are_recognised() {
        assert!(is_api_path("/api"));
        assert!(is_api_path("/api/v1/health"));
        assert!(!is_api_path("/apiary"));
        assert!(!is_api_path("/"));
    }
}
