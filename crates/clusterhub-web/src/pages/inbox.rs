//! The inbox, `GET /inbox`: the expressions of interest the signed-in person's organisations sent
//! and received, newest first, unread ones marked, each received one with a "mark as read"
//! button (`POST /inbox/{id}/read`); and the form target that sends one,
//! `POST /organisations/{id}/interests` (from the suggested-partners panel of a profile and from a
//! picked value-chain consortium). A person may only read the inbox of an organisation they
//! belong to (another one's answers 404).

use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use super::{PageShell, RequestLanguage, html_response, message_page, not_found_page};
use crate::AppState;
use crate::api::organisations::parse_id;
use crate::auth::{CSRF_FIELD, Caller};
use crate::i18n::Locale;
use crate::interests::{
    INBOX_LIMIT, Interest, MAX_MESSAGE_CHARS, SendError, is_member, organisations_of, received,
    send,
};

/// The path of the inbox.
pub const PATH: &str = "/inbox";

/// `GET /inbox`, `POST /inbox/{id}/read`, `POST /organisations/{id}/interests`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(inbox_page))
        .route("/inbox/{id}/read", post(mark_read))
        .route("/organisations/{id}/interests", post(send_form))
}

async fn inbox_page(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let mut only: Option<i64> = None;
    let mut sent = false;
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "organisation" => match parse_id(&value) {
                Some(id) if is_member(&caller, id) => only = Some(id),
                _ => return not_found_page(&language, PATH),
            },
            "sent" => sent = true,
            _ => {}
        }
    }
    let organisations = only.map_or_else(|| organisations_of(&caller), |id| vec![id]);
    let storage = state.storage();
    let records = match storage.inbox(&organisations, INBOX_LIMIT).await {
        Ok(records) => records,
        Err(error) => {
            tracing::error!(%error, "the inbox could not be read");
            return super::error_page(&language, StatusCode::INTERNAL_SERVER_ERROR);
        }
    };
    let mut names: Vec<(i64, String)> = Vec::new();
    for &id in &organisations_of(&caller) {
        if let Ok(Some(organisation)) = storage.organisation(id).await {
            names.push((id, organisation.profile.name));
        }
    }
    let shell = PageShell::new(locale, PATH).with_version(state.version());
    let main = html! {
        div.inbox-page {
            header.directory-header {
                div.container {
                    h1 { (locale.text("inbox.title")) }
                    p.directory-lede { (locale.text("inbox.lede")) }
                }
            }
            div.container.inbox-body {
                @if sent {
                    p.notice #inbox-sent role="status" { (locale.text("inbox.sent_notice")) }
                }
                @if names.len() > 1 {
                    nav.inbox-filter aria-label=(locale.text("inbox.filter")) {
                        a href=(PATH) aria-current=[only.is_none().then_some("page")] { (locale.text("inbox.all")) }
                        @for (id, name) in &names {
                            " · "
                            a href={ (PATH) "?organisation=" (id) } aria-current=[(only == Some(*id)).then_some("page")] { (name) }
                        }
                    }
                }
                @if organisations.is_empty() {
                    div.empty-state { p { (locale.text("inbox.no_organisation")) } }
                } @else if records.is_empty() {
                    div.empty-state #inbox-empty { p { (locale.text("inbox.empty")) } }
                } @else {
                    ol.inbox-list #inbox-list {
                        @for record in &records {
                            @let incoming = received(record, &organisations);
                            @let unread = incoming && record.read_at.is_none();
                            li.inbox-item.inbox-unread[unread] {
                                div.inbox-head {
                                    span.inbox-direction { (locale.text(if incoming { "inbox.received" } else { "inbox.sent" })) }
                                    @if unread { " " span.badge { (locale.text("inbox.unread")) } }
                                    h2.inbox-subject {
                                        (organisation_link(locale, record.from_organisation_id, record.from_name.as_deref()))
                                        " → "
                                        (organisation_link(locale, record.to_organisation_id, record.to_name.as_deref()))
                                    }
                                    p.result-meta {
                                        (locale.format("inbox.meta", &[("person", &record.sender_name), ("topic", locale.text(&format!("inbox.topic.{}", record.topic))), ("date", record.created_at.get(..10).unwrap_or(&record.created_at))]))
                                    }
                                }
                                p.inbox-message { (record.message) }
                                @if !record.context.is_empty() {
                                    details.inbox-context {
                                        summary { (locale.text("inbox.context")) }
                                        p { (record.context) }
                                    }
                                }
                                @if unread {
                                    form method="post" action={ "/inbox/" (record.id) "/read" } {
                                        input type="hidden" name=(CSRF_FIELD) value=(caller.csrf);
                                        button.button.button-quiet type="submit" { (locale.text("inbox.mark_read")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    html_response(
        &language,
        StatusCode::OK,
        shell.render(locale.text("inbox.title"), main),
    )
}

fn organisation_link(locale: Locale, id: i64, name: Option<&str>) -> Markup {
    html! {
        @match name {
            Some(name) => a href={ "/organisations/" (id) } { (name) },
            None => span { (locale.text("inbox.deleted")) },
        }
    }
}

async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    language: RequestLanguage,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return not_found_page(&language, PATH);
    };
    match state
        .storage()
        .mark_interest_read(id, &organisations_of(&caller))
        .await
    {
        Ok(true) => (StatusCode::SEE_OTHER, [(header::LOCATION, PATH)]).into_response(),
        Ok(false) => not_found_page(&language, PATH),
        Err(error) => {
            tracing::error!(%error, "a message could not be marked read");
            super::error_page(&language, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The fields of the express-interest form.
#[derive(Debug, Deserialize)]
struct SendFields {
    from: Option<String>,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    message: String,
}

async fn send_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    language: RequestLanguage,
    Form(fields): Form<SendFields>,
) -> Response {
    let locale = language.locale;
    let path = format!("/organisations/{id}/interests");
    let Some(to) = parse_id(&id) else {
        return not_found_page(&language, &path);
    };
    let from = match fields.from.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match parse_id(text) {
            Some(from) => Some(from),
            None => return not_found_page(&language, &path),
        },
    };
    let interest = Interest {
        from,
        to,
        topic: fields.topic,
        context: fields.context,
        message: fields.message,
    };
    match send(&state, &caller, interest).await {
        Ok(_) => {
            let target = match from {
                Some(from) => format!("{PATH}?organisation={from}&sent=1"),
                None => format!("{PATH}?sent=1"),
            };
            (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
        }
        Err(SendError::Hidden) => not_found_page(&language, &path),
        Err(SendError::Invalid(field, _)) => message_page(
            locale,
            StatusCode::BAD_REQUEST,
            locale.text("interest.refused"),
            &locale.format(
                "interest.invalid",
                &[
                    ("field", locale.text(&format!("interest.field.{field}"))),
                    ("max", &MAX_MESSAGE_CHARS.to_string()),
                ],
            ),
        ),
        Err(SendError::Limited(wait)) => crate::auth::too_many_requests(&path, wait, locale),
        Err(SendError::Storage(error)) => {
            tracing::error!(%error, "an expression of interest could not be sent");
            super::error_page(&language, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The express-interest form for one receiving organisation: the sending organisation (a choice
/// when the person belongs to several), the message, and what it is about.
pub fn interest_form(
    locale: Locale,
    caller: &Caller,
    senders: &[(i64, String)],
    to: i64,
    to_name: &str,
    topic: &str,
    context: &str,
) -> Markup {
    let field_id = format!("interest-{topic}-{to}");
    html! {
        details.interest-form {
            summary { (locale.text("interest.open")) span.visually-hidden { " — " (to_name) } }
            form method="post" action={ "/organisations/" (to) "/interests" } {
                input type="hidden" name=(CSRF_FIELD) value=(caller.csrf);
                input type="hidden" name="topic" value=(topic);
                input type="hidden" name="context" value=(context);
                @if let [(id, _)] = senders {
                    input type="hidden" name="from" value=(id);
                } @else {
                    label.field for={ (field_id) "-from" } { (locale.text("interest.from")) }
                    select id={ (field_id) "-from" } name="from" {
                        @for (id, name) in senders { option value=(id) { (name) } }
                    }
                }
                label.field for=(field_id) { (locale.format("interest.message_to", &[("name", to_name)])) }
                textarea id=(field_id) name="message" rows="3" maxlength=(MAX_MESSAGE_CHARS) required {}
                button.button type="submit" { (locale.text("interest.send")) }
            }
        }
    }
}
