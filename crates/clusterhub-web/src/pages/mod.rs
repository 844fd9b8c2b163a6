//! The server-rendered HTML pages: the language a page is shown in, the shared layout, the home
//! page, the directory with its map, the selected list, and the pages for errors.

pub(crate) mod account;
mod account_settings;
mod audit;
mod chart;
mod claims;
pub(crate) mod directory;
mod home;
pub(crate) mod inbox;
mod layout;
pub(crate) mod map;
pub(crate) mod observatory;
pub(crate) mod organisation_admin;
mod profile;
mod selected;
mod value_chains;

use std::convert::Infallible;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::AppState;
use crate::i18n::{LANGUAGE_COOKIE, Locale};
pub(crate) use account::message_page;
pub(crate) use audit::AuditParams;
pub use layout::PageShell;

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(inbox::router())
        .merge(account::router())
        .merge(account_settings::router())
        .merge(audit::router())
        .merge(claims::router())
        .merge(directory::router())
        .merge(organisation_admin::router())
        .merge(observatory::router())
        .merge(profile::router())
        .merge(selected::router())
        .merge(value_chains::router())
}

/// The language a page is shown in, and whether the visitor chose it in this request (then the
/// choice is remembered in a cookie).
#[derive(Debug, Clone)]
pub struct RequestLanguage {
    pub locale: Locale,
    pub chosen_in_query: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestLanguage {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(language_of(&parts.uri, &parts.headers))
    }
}

/// The language of a request: `?lang=`, then the `lang` cookie, then `Accept-Language`, then
/// English.
pub fn language_of(uri: &Uri, headers: &HeaderMap) -> RequestLanguage {
    let query_language = uri.query().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let cookie_language = cookie_value(headers, LANGUAGE_COOKIE);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let chosen_in_query = query_language
        .as_deref()
        .and_then(Locale::from_code)
        .is_some();
    RequestLanguage {
        locale: Locale::negotiate(
            query_language.as_deref(),
            cookie_language.as_deref(),
            accept_language,
        ),
        chosen_in_query,
    }
}

/// The value of a cookie in the request's `Cookie` headers.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie_name, _)| *cookie_name == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// An HTML answer in the request's language. Pages show live figures, so caches must check
/// with the server each time; the language cookie is set when the visitor just chose one.
pub fn html_response(language: &RequestLanguage, status: StatusCode, markup: Markup) -> Response {
    html_bytes_response(language, status, markup.into_string().into(), false)
}

/// [`html_response`] of a page already rendered, and maybe already gzipped (a gzipped body
/// passes the compression layer as it is).
pub fn html_bytes_response(
    language: &RequestLanguage,
    status: StatusCode,
    body: axum::body::Bytes,
    gzipped: bool,
) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if gzipped {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie, Accept-Encoding"),
    );
    if let Ok(value) = HeaderValue::from_str(language.locale.code()) {
        headers.insert(header::CONTENT_LANGUAGE, value);
    }
    if language.chosen_in_query {
        let cookie = format!(
            "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            language.locale.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// The page for an address that matches nothing; the address is shown back, escaped.
pub fn not_found_page(language: &RequestLanguage, path: &str) -> Response {
    let locale = language.locale;
    let shell = PageShell::new(locale, path);
    let main = html! {
        section.error-page aria-labelledby="error-title" {
            p.error-status { "404" }
            h1 #error-title { (locale.text("error.not_found.title")) }
            p.lede { (locale.format("error.not_found.text", &[("path", path)])) }
            p { a.button href="/" { (locale.text("error.back_home")) } }
        }
    };
    html_response(
        language,
        StatusCode::NOT_FOUND,
        shell.render(locale.text("error.not_found.title"), main),
    )
}

/// A page for an error status produced without a body (405, 408, 413, a 500 from a layer).
pub fn error_page(language: &RequestLanguage, status: StatusCode) -> Response {
    let locale = language.locale;
    let (title_key, text_key) = match status {
        StatusCode::NOT_FOUND => ("error.not_found.title", "error.not_found.generic"),
        StatusCode::METHOD_NOT_ALLOWED => ("error.method.title", "error.method.text"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error.too_large.title", "error.too_large.text"),
        StatusCode::REQUEST_TIMEOUT => ("error.timeout.title", "error.timeout.text"),
        status if status.is_client_error() => ("error.bad_request.title", "error.bad_request.text"),
        _ => ("error.server.title", "error.server.text"),
    };
    let shell = PageShell::new(locale, "/");
    let main = html! {
        section.error-page aria-labelledby="error-title" {
            p.error-status { (status.as_u16()) }
            h1 #error-title { (locale.text(title_key)) }
            p.lede { (locale.text(text_key)) }
            p { a.button href="/" { (locale.text("error.back_home")) } }
        }
    };
    html_response(language, status, shell.render(locale.text(title_key), main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("session=abc; lang=de; theme=dark"),
        );
        assert_eq!(cookie_value(&headers, "lang").as_deref(), Some("de"));
        assert_eq!(cookie_value(&headers, "missing"), None);
        let uri: Uri = "/?lang=fr".parse().expect("uri");
        let language = language_of(&uri, &headers);
        assert_eq!(language.locale.code(), "fr");
        assert!(language.chosen_in_query);
        let uri: Uri = "/".parse().expect("uri");
        let language = language_of(&uri, &headers);
        assert_eq!(language.locale.code(), "de");
        assert!(!language.chosen_in_query);
    }
}
