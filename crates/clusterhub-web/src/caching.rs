//! Answers for read-only data that clients and proxies may cache: JSON with a validator (ETag)
//! and a freshness lifetime, and `304 Not Modified` when the client already has it.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// How long a client may reuse reference data without asking again: one day. The data only
/// changes with a new release, and the ETag makes the check after that cheap.
pub const REFERENCE_CACHE_CONTROL: &str = "public, max-age=86400";

/// A stable 64-bit FNV-1a hash, for validators that must not change between processes.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Serialises `value` as JSON with a weak ETag over the body and `Cache-Control` for public
/// reference data; answers 304 without a body when `If-None-Match` already names that ETag.
/// The ETag is weak because a proxy may compress the body on the way.
pub fn cacheable_json<T: Serialize>(
    request_headers: &HeaderMap,
    value: &T,
) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    let etag = format!("W/\"{:016x}\"", fnv1a_64(&body));
    let etag_value = HeaderValue::from_str(&etag).map_err(ApiError::internal)?;
    let cache_headers = [
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(REFERENCE_CACHE_CONTROL),
        ),
    ];
    if if_none_match_covers(request_headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache_headers).into_response());
    }
    Ok((
        cache_headers,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// Whether an `If-None-Match` header lists this ETag (weak comparison, RFC 9110 §13.1.2) or `*`.
fn if_none_match_covers(request_headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(etag);
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_etag_answers_not_modified() {
        let value = serde_json::json!({"count": 1});
        let first = cacheable_json(&HeaderMap::new(), &value).expect("response");
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].clone();

        let mut headers = HeaderMap::new();
        let strong = etag
            .to_str()
            .expect("ascii")
            .trim_start_matches("W/")
            .to_owned();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"other\", {strong}")).expect("header"),
        );
        let second = cacheable_json(&headers, &value).expect("response");
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(second.headers()[header::ETAG], etag);

        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        let third = cacheable_json(&headers, &value).expect("response");
        assert_eq!(third.status(), StatusCode::OK);
    }
}
