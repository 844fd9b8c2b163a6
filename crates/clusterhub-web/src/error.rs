//! The web crate's one error type and its table of stable error codes, answered as RFC 9457
//! `application/problem+json`.
//!
//! Each [`ErrorCode`] has a snake_case name that clients may rely on, an HTTP status and a title;
//! `GET /api/v1/problems` publishes the table and each problem's `type` points into it. A server
//! error answers only that it happened: its cause travels to the request-id middleware in a
//! response extension and is logged there with the request id, never sent to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of every error answer of the API.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where the problem types are documented: `type` is this prefix followed by the code.
pub const PROBLEM_TYPE_PREFIX: &str = "/api/v1/problems/";

/// Declares [`ErrorCode`] with its code, status, title and description in one table.
macro_rules! error_codes {
    ($($variant:ident => $code:literal, $status:ident, $title:literal, $description:literal;)*) => {
        /// A stable error code; the name and status of each never change once published.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(
                #[doc = $description]
                $variant,
            )*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case code clients match on.
            pub fn code(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status answered with this code.
            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)*
                }
            }

            /// A short summary that does not change from one occurrence to the next.
            pub fn title(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)*
                }
            }

            /// What the code means and what a client can do about it.
            pub fn description(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $description,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidParameter => "invalid_parameter", BAD_REQUEST, "Invalid parameter",
        "A query or path parameter has a value the endpoint does not accept; `parameter` names it and `detail` says what is allowed.";
    UnknownParameter => "unknown_parameter", BAD_REQUEST, "Unknown parameter",
        "The query string has a parameter the endpoint does not know; `parameter` names it and `detail` lists the ones it accepts.";
    RepeatedParameter => "repeated_parameter", BAD_REQUEST, "Repeated parameter",
        "A query parameter is given more than once; give it once.";
    BadRequest => "bad_request", BAD_REQUEST, "Bad request",
        "The request cannot be read (for example a malformed path or body).";
    ExportTooLarge => "export_too_large", BAD_REQUEST, "Export too large",
        "The export would hold more rows than one export may; narrow the search with filters, or export the selected organisations by `id`.";
    RouteNotFound => "route_not_found", NOT_FOUND, "No such route",
        "No endpoint answers at this path; `GET /api/v1/taxonomies` and `GET /api/v1/health` are good places to start.";
    NutsRegionNotFound => "nuts_region_not_found", NOT_FOUND, "NUTS region not found",
        "The NUTS code does not exist in the requested NUTS version.";
    NutsCodeUnknown => "nuts_code_unknown", NOT_FOUND, "Unknown NUTS code",
        "The code is not a NUTS code of any version from 2003 to 2021.";
    NaceActivityNotFound => "nace_activity_not_found", NOT_FOUND, "NACE activity not found",
        "The code is not a NACE Rev. 2 section, division, group or class.";
    ObservatoryRegionNotFound => "observatory_region_not_found", NOT_FOUND, "Region not in the observatory",
        "The observatory holds no employment figures for this NUTS code; `GET /api/v1/observatory` lists its levels, sectors and years, and `/observatory` shows its regions on a map.";
    ObservatorySectorNotFound => "observatory_sector_not_found", NOT_FOUND, "Sector not in the observatory",
        "The code is not a sector of the observatory's classification (NACE A*10: A, B-E, C, F, G-I, G-J, J, K, K-N, L, M-N, O-Q, O-U, R-U); `GET /api/v1/observatory` lists them.";
    OrganisationNotFound => "organisation_not_found", NOT_FOUND, "Organisation not found",
        "No organisation has this id; ids are positive whole numbers.";
    ProblemTypeNotFound => "problem_type_not_found", NOT_FOUND, "Problem type not found",
        "The error code is not one of the codes this API answers with.";
    SignInRequired => "sign_in_required", UNAUTHORIZED, "Sign-in required",
        "The endpoint needs a signed-in caller: sign in with `POST /api/v1/auth/login` (a session cookie) or send a personal API token as `Authorization: Bearer …`.";
    InvalidToken => "invalid_token", UNAUTHORIZED, "Invalid API token",
        "The `Authorization: Bearer …` token is malformed, unknown, revoked or expired; create a new one on the account page (`/account`).";
    InvalidField => "invalid_field", UNPROCESSABLE_ENTITY, "Invalid field",
        "A field of the request body has a value the endpoint does not accept; `parameter` names the field and `detail` says what is allowed.";
    TooManyApiTokens => "too_many_api_tokens", CONFLICT, "Too many API tokens",
        "The person already holds the most live API tokens allowed (25); revoke one first.";
    SignInFailed => "sign_in_failed", UNAUTHORIZED, "Sign-in failed",
        "The e-mail address, the password or the second-factor code is wrong, or the address is not confirmed yet.";
    CsrfTokenMissing => "csrf_token_missing", FORBIDDEN, "CSRF token missing or wrong",
        "A state-changing request made with a session cookie must carry the value of the `clusterhub_csrf` cookie in the `x-csrf-token` header (forms: the `csrf` field).";
    RecordNotFound => "not_found", NOT_FOUND, "Not found",
        "There is no such record, or the caller may not see it.";
    TooManyRequests => "too_many_requests", TOO_MANY_REQUESTS, "Too many requests",
        "Too many attempts in a short time; wait the number of seconds in the `Retry-After` header.";
    MethodNotAllowed => "method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed",
        "The endpoint exists but does not accept this HTTP method; the `Allow` header lists those it accepts.";
    RequestTimeout => "request_timeout", REQUEST_TIMEOUT, "Request timeout",
        "The request took too long to be answered and was abandoned; try again.";
    PayloadTooLarge => "payload_too_large", PAYLOAD_TOO_LARGE, "Payload too large",
        "The request body is larger than the server accepts.";
    UnsupportedMediaType => "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
        "The request body is not in a format the endpoint accepts.";
    InternalError => "internal_error", INTERNAL_SERVER_ERROR, "Internal server error",
        "Something went wrong on the server. It has been logged with the request id of the `x-request-id` header; quote it when reporting the problem.";
    DatabaseUnavailable => "database_unavailable", SERVICE_UNAVAILABLE, "Database unavailable",
        "The database does not answer; the service cannot work until it does. Try again later.";
}

impl ErrorCode {
    /// The code with this snake_case name.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|error_code| error_code.code() == code)
    }

    /// The code answered for a bare error status that some layer produced without a problem body
    /// (a 405 from the router, a 413 from the body limit, a 408 from the timeout).
    pub fn for_status(status: StatusCode) -> ErrorCode {
        match status {
            StatusCode::NOT_FOUND => ErrorCode::RouteNotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => ErrorCode::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::DatabaseUnavailable,
            status if status.is_client_error() => ErrorCode::BadRequest,
            _ => ErrorCode::InternalError,
        }
    }
}

/// An error answered by the API: a code from the table, a sentence for the person reading it,
/// the parameter at fault if any, and for server errors the cause to log (never sent).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code:?}: {detail}")]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    parameter: Option<String>,
    cause: Option<String>,
}

impl ApiError {
    /// An error with this code and an explanation for the client.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            code,
            detail: detail.into(),
            parameter: None,
            cause: None,
        }
    }

    /// A parameter with a value the endpoint does not accept.
    pub fn invalid_parameter(parameter: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidParameter, detail).with_parameter(parameter)
    }

    /// A failure of the server itself. The client learns only that it happened; `cause` is
    /// logged with the request id.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError {
            code: ErrorCode::InternalError,
            detail: String::from(
                "The server could not answer this request. The error has been logged.",
            ),
            parameter: None,
            cause: Some(cause.to_string()),
        }
    }

    /// The database does not answer; `cause` is logged, not sent.
    pub fn database_unavailable(cause: impl std::fmt::Display) -> ApiError {
        ApiError {
            code: ErrorCode::DatabaseUnavailable,
            detail: String::from("The database does not answer. Try again later."),
            parameter: None,
            cause: Some(cause.to_string()),
        }
    }

    /// Names the parameter at fault.
    pub fn with_parameter(mut self, parameter: &str) -> ApiError {
        self.parameter = Some(parameter.to_owned());
        self
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The explanation sent to the client.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The parameter at fault, if any.
    pub fn parameter(&self) -> Option<&str> {
        self.parameter.as_deref()
    }
}

impl From<clusterhub_storage::StorageError> for ApiError {
    fn from(error: clusterhub_storage::StorageError) -> ApiError {
        ApiError::internal(error)
    }
}

/// The body of a problem+json answer (RFC 9457), with this API's `code` and `parameter` members.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Problem, example = json!({
    "type": "/api/v1/problems/invalid_parameter",
    "title": "Invalid parameter",
    "status": 400,
    "detail": "`country=XX` is not known: unknown country code XX; give an ISO 3166-1 alpha-2 code such as DE.",
    "code": "invalid_parameter",
    "parameter": "country"
}))]
pub struct ProblemDetails<'a> {
    /// `/api/v1/problems/` followed by `code`: where the code is explained.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub problem_type: String,
    /// A short summary of the code, the same for every occurrence.
    pub title: &'static str,
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong this time, for the person reading it.
    pub detail: &'a str,
    /// The stable error code.
    #[schema(value_type = crate::api::openapi::ErrorCodeName)]
    pub code: &'static str,
    /// The query or path parameter at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<&'a str>,
}

/// The cause of a server error, handed to the request-id middleware so it can log it with the
/// request id; it is removed from the response before anything is sent.
#[derive(Debug, Clone)]
pub struct ServerErrorCause(pub String);

/// Builds a problem+json response.
pub fn problem_response(code: ErrorCode, detail: &str, parameter: Option<&str>) -> Response {
    let problem = ProblemDetails {
        problem_type: format!("{PROBLEM_TYPE_PREFIX}{}", code.code()),
        title: code.title(),
        status: code.status().as_u16(),
        detail,
        code: code.code(),
        parameter,
    };
    // Serialising this struct of strings and a number cannot fail.
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    (
        code.status(),
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = problem_response(self.code, &self.detail, self.parameter.as_deref());
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ServerErrorCause(cause));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.code()), "{} is listed twice", code.code());
            assert!(
                code.code()
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte == b'_'),
                "{} is not snake_case",
                code.code()
            );
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert_eq!(ErrorCode::from_code(code.code()), Some(code));
        }
    }

    #[test]
    fn bare_statuses_map_to_codes_and_unknown_ones_are_never_a_bad_request() {
        assert_eq!(
            ErrorCode::for_status(StatusCode::METHOD_NOT_ALLOWED),
            ErrorCode::MethodNotAllowed
        );
        assert_eq!(
            ErrorCode::for_status(StatusCode::IM_A_TEAPOT),
            ErrorCode::BadRequest
        );
        assert_eq!(
            ErrorCode::for_status(StatusCode::BAD_GATEWAY),
            ErrorCode::InternalError
        );
    }

    #[test]
    fn a_server_error_keeps_its_cause_out_of_the_body() {
        let response = ApiError::internal("disk I/O error at /var/lib/secret").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let cause = response.extensions().get::<ServerErrorCause>();
        assert_eq!(
            cause.map(|cause| cause.0.as_str()),
            Some("disk I/O error at /var/lib/secret")
        );
    }
}
