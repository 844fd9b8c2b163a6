//! Timestamps as RFC 3339 text in UTC, the one form both engines store and sort alike.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The current time in UTC as RFC 3339 text with microseconds, e.g. `2026-11-22T10:15:00.123456Z`.
pub(crate) fn now_text() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.microsecond() * 1_000)
        .unwrap_or(now);
    now.format(&Rfc3339)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}

/// Unix seconds as RFC 3339 text in UTC (`1970-01-01T00:00:00Z` for times out of range).
pub fn text_of_unix(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| String::from("1970-01-01T00:00:00Z"))
}
