//! The audit log for platform admins: `/admin/audit` (newest first, 50 a page, filtered by actor,
//! action, record, outcome and date range) and its exports of the filtered entries as CSV and
//! JSON (`/admin/audit/export.csv`, `.json`, at most [`EXPORT_LIMIT`] entries). Each export
//! is itself an audit entry. The filters are the same as those of `GET /api/v1/admin/audit`.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_storage::{AuditEntry, AuditFilter, AuditRecord};
use maud::html;

use super::account_settings::short_time;
use super::{PageShell, RequestLanguage, html_response};
use crate::AppState;
use crate::api::organisations_export::{Cell, attachment, csv_of};
use crate::auth::Caller;
use crate::error::ApiError;

/// Entries on one page.
const PAGE_SIZE: i64 = 50;
/// The most entries one export holds.
pub const EXPORT_LIMIT: i64 = 100_000;

/// The audit routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(audit_page))
        .route("/admin/audit/export.csv", get(export_csv))
        .route("/admin/audit/export.json", get(export_json))
}

/// The filters as typed in (strings, empty meaning "any").
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditParams {
    pub user: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<String>,
}

/// Names of the query parameters the page and the exports take.
const PARAMETERS: [&str; 9] = [
    "user",
    "actor",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "from",
    "to",
    "before",
];

impl AuditParams {
    /// Reads a query string; an unknown or repeated parameter is refused by name.
    pub(crate) fn from_query(query: Option<&str>) -> Result<AuditParams, ApiError> {
        let mut params = AuditParams::default();
        let mut seen = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if name == "lang" {
                continue;
            }
            if !PARAMETERS.contains(&name.as_ref()) {
                return Err(ApiError::new(
                    crate::ErrorCode::UnknownParameter,
                    format!(
                        "`{name}` is not a filter of the audit log; use {}.",
                        PARAMETERS.join(", ")
                    ),
                )
                .with_parameter(&name));
            }
            if seen.insert(name.to_string(), ()).is_some() {
                return Err(ApiError::new(
                    crate::ErrorCode::RepeatedParameter,
                    format!("`{name}` is given more than once."),
                )
                .with_parameter(&name));
            }
            let value = value.trim().to_owned();
            let value = (!value.is_empty()).then_some(value);
            match name.as_ref() {
                "user" => params.user = value,
                "actor" => params.actor = value,
                "action" => params.action = value,
                "record_type" => params.record_type = value,
                "record_id" => params.record_id = value,
                "outcome" => params.outcome = value,
                "from" => params.from = value,
                "to" => params.to = value,
                _ => params.before = value,
            }
        }
        Ok(params)
    }

    /// The storage filter and the paging id, or the parameter at fault.
    pub(crate) fn filter(&self) -> Result<(AuditFilter, Option<i64>), ApiError> {
        let id = |name: &str, value: &Option<String>| -> Result<Option<i64>, ApiError> {
            value
                .as_deref()
                .map(|text| {
                    text.parse::<i64>()
                        .ok()
                        .filter(|id| *id > 0)
                        .ok_or_else(|| {
                            ApiError::invalid_parameter(
                                name,
                                format!("`{name}` is a positive whole number (an id)."),
                            )
                        })
                })
                .transpose()
        };
        let name_like = |name: &str, value: &Option<String>| -> Result<Option<String>, ApiError> {
            value
                .as_deref()
                .map(|text| {
                    let fine = (1..=64).contains(&text.len())
                        && text.bytes().all(|byte| {
                            byte.is_ascii_lowercase()
                                || byte.is_ascii_digit()
                                || byte == b'_'
                                || byte == b'.'
                        });
                    if fine {
                        Ok(text.to_owned())
                    } else {
                        Err(ApiError::invalid_parameter(
                            name,
                            format!(
                                "`{name}` is made of a-z, 0-9, `_` and `.` (at most 64), such as `user.register` or `user`."
                            ),
                        ))
                    }
                })
                .transpose()
        };
        let date = |name: &str, value: &Option<String>, next_day: bool| {
            value
                .as_deref()
                .map(|text| {
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    time::Date::parse(text, &format)
                        .ok()
                        .and_then(|day| if next_day { day.next_day() } else { Some(day) })
                        .and_then(|day| day.format(&format).ok())
                        .ok_or_else(|| {
                            ApiError::invalid_parameter(
                                name,
                                format!("`{name}` is a date: YYYY-MM-DD (UTC)."),
                            )
                        })
                })
                .transpose()
        };
        let record_id = match self.record_id.as_deref() {
            Some(text) if text.chars().count() > 200 || text.chars().any(char::is_control) => {
                return Err(ApiError::invalid_parameter(
                    "record_id",
                    "`record_id` is at most 200 characters.",
                ));
            }
            other => other.map(str::to_owned),
        };
        let outcome = match self.outcome.as_deref() {
            None => None,
            Some(text @ ("ok" | "denied" | "failed")) => Some(text.to_owned()),
            Some(_) => {
                return Err(ApiError::invalid_parameter(
                    "outcome",
                    "`outcome` is one of ok, denied, failed.",
                ));
            }
        };
        let filter = AuditFilter {
            person: id("user", &self.user)?,
            actor: id("actor", &self.actor)?,
            action: name_like("action", &self.action)?,
            record_type: name_like("record_type", &self.record_type)?,
            record_id,
            outcome,
            from: date("from", &self.from, false)?,
            until: date("to", &self.to, true)?,
        };
        Ok((filter, id("before", &self.before)?))
    }

    /// The query string of these filters, without `before`.
    fn query_without_paging(&self) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("user", &self.user),
            ("actor", &self.actor),
            ("action", &self.action),
            ("record_type", &self.record_type),
            ("record_id", &self.record_id),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(value) = value {
                serializer.append_pair(name, value);
            }
        }
        serializer.finish()
    }
}

/// A 400 page naming the filter at fault.
fn bad_filter(language: &RequestLanguage, error: &ApiError) -> Response {
    let locale = language.locale;
    super::message_page(
        locale,
        StatusCode::BAD_REQUEST,
        locale.text("audit.bad_filter"),
        &format!("{}: {}", error.parameter().unwrap_or("?"), error.detail()),
    )
}

async fn audit_page(
    State(state): State<AppState>,
    language: RequestLanguage,
    RawQuery(query): RawQuery,
) -> Response {
    let locale = language.locale;
    let params = match AuditParams::from_query(query.as_deref()) {
        Ok(params) => params,
        Err(error) => return bad_filter(&language, &error),
    };
    let (filter, before) = match params.filter() {
        Ok(parsed) => parsed,
        Err(error) => return bad_filter(&language, &error),
    };
    let storage = state.storage();
    let entries = match storage.audit_search(&filter, before, PAGE_SIZE).await {
        Ok(entries) => entries,
        Err(error) => return ApiError::database_unavailable(error).into_response(),
    };
    // The names of the people on this page, read once each.
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    for actor in entries.iter().filter_map(|entry| entry.actor_user_id) {
        if names.contains_key(&actor) {
            continue;
        }
        match storage.user_by_id(actor).await {
            Ok(Some(user)) => {
                names.insert(actor, user.display_name);
            }
            Ok(None) => {}
            Err(error) => return ApiError::database_unavailable(error).into_response(),
        }
    }
    let filters = params.query_without_paging();
    let older = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|entry| entry.id))
        .flatten()
        .map(|id| {
            if filters.is_empty() {
                format!("/admin/audit?before={id}")
            } else {
                format!("/admin/audit?{filters}&before={id}")
            }
        });
    let export = |extension: &str| {
        if filters.is_empty() {
            format!("/admin/audit/export.{extension}")
        } else {
            format!("/admin/audit/export.{extension}?{filters}")
        }
    };
    let text_input = |id: &str, name: &str, label: &str, value: &Option<String>| {
        html! {
            div.form-field {
                label for=(id) { (label) }
                input id=(id) type="text" name=(name) value=(value.clone().unwrap_or_default());
            }
        }
    };
    let date_input = |id: &str, name: &str, label: &str, value: &Option<String>| {
        html! {
            div.form-field {
                label for=(id) { (label) }
                input id=(id) type="date" name=(name) value=(value.clone().unwrap_or_default());
            }
        }
    };
    let shell = PageShell::new(locale, "/admin/audit");
    let title = locale.text("audit.title");
    let main = html! {
        section.container.audit-page aria-labelledby="audit-title" {
            h1 #audit-title { (title) }
            p.lede { (locale.text("audit.intro")) }
            form.audit-filters method="get" action="/admin/audit" {
                (text_input("audit-actor", "actor", locale.text("audit.actor"), &params.actor))
                (text_input("audit-user", "user", locale.text("audit.user"), &params.user))
                (text_input("audit-action", "action", locale.text("audit.action"), &params.action))
                (text_input("audit-record-type", "record_type", locale.text("audit.record_type"), &params.record_type))
                (text_input("audit-record-id", "record_id", locale.text("audit.record_id"), &params.record_id))
                div.form-field {
                    label for="audit-outcome" { (locale.text("audit.outcome")) }
                    select #audit-outcome name="outcome" {
                        option value="" selected[params.outcome.is_none()] { (locale.text("audit.any")) }
                        @for outcome in ["ok", "denied", "failed"] {
                            option value=(outcome) selected[params.outcome.as_deref() == Some(outcome)] { (outcome) }
                        }
                    }
                }
                (date_input("audit-from", "from", locale.text("audit.from"), &params.from))
                (date_input("audit-to", "to", locale.text("audit.to"), &params.to))
                button.button type="submit" { (locale.text("audit.filter")) }
            }
            p.audit-exports {
                a.button.button-secondary href=(export("csv")) download { (locale.text("audit.export_csv")) }
                " "
                a.button.button-secondary href=(export("json")) download { (locale.text("audit.export_json")) }
            }
            @if entries.is_empty() {
                p { (locale.text("audit.none")) }
            } @else {
                div.table-scroll {
                    table.data-table {
                        caption.visually-hidden { (title) }
                        thead { tr {
                            th scope="col" { "#" }
                            th scope="col" { (locale.text("audit.at")) }
                            th scope="col" { (locale.text("audit.actor")) }
                            th scope="col" { (locale.text("audit.action")) }
                            th scope="col" { (locale.text("audit.record")) }
                            th scope="col" { (locale.text("audit.outcome")) }
                            th scope="col" { (locale.text("audit.address")) }
                            th scope="col" { (locale.text("audit.change")) }
                        } }
                        tbody {
                            @for entry in &entries {
                                tr {
                                    td.numeric { (entry.id) }
                                    td { (short_time(&entry.at)) }
                                    td {
                                        @match entry.actor_user_id {
                                            Some(id) => {
                                                a href=(format!("/admin/audit?actor={id}")) { "#" (id) }
                                                @if let Some(name) = names.get(&id) { " " (name) }
                                            }
                                            None => (locale.text("audit.nobody")),
                                        }
                                    }
                                    td { code { (entry.action) } }
                                    td { (entry.record_type) " " (entry.record_id) }
                                    td { (entry.outcome) }
                                    td { (entry.address) }
                                    td {
                                        @if let Some(before) = &entry.before { div { (locale.text("audit.before")) ": " code { (before.to_string()) } } }
                                        @if let Some(after) = &entry.after { div { (locale.text("audit.after")) ": " code { (after.to_string()) } } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(older) = older {
                    p { a.button.button-secondary href=(older) rel="next" { (locale.text("audit.older")) } }
                }
            }
        }
    };
    html_response(&language, StatusCode::OK, shell.render(title, main))
}

/// The filtered entries for an export, with the export's own audit entry.
async fn export_entries(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
    format: &str,
) -> Result<Vec<AuditEntry>, ApiError> {
    let params = AuditParams::from_query(query)?;
    let (filter, before) = params.filter()?;
    let storage = state.storage();
    let entries = storage
        .audit_search(&filter, before, EXPORT_LIMIT)
        .await
        .map_err(ApiError::database_unavailable)?;
    let record = AuditRecord::new("audit.export", "audit_log", String::from("*")).after(
        serde_json::json!({"format": format, "filters": params.query_without_paging(), "entries": entries.len()}),
    );
    storage
        .append_audit(&caller.audit_context(), &record)
        .await
        .map_err(ApiError::database_unavailable)?;
    Ok(entries)
}

const CSV_COLUMNS: [&str; 10] = [
    "id",
    "at",
    "actor_user_id",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "address",
    "before",
    "after",
];

async fn export_csv(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Response {
    let entries = match export_entries(&state, &caller, query.as_deref(), "csv").await {
        Ok(entries) => entries,
        Err(error) => return error.into_response(),
    };
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|entry| {
            vec![
                Cell::text(entry.id.to_string()),
                Cell::text(entry.at.clone()),
                Cell::optional_text(entry.actor_user_id.map(|id| id.to_string()).as_deref()),
                Cell::text(entry.action.clone()),
                Cell::text(entry.record_type.clone()),
                Cell::text(entry.record_id.clone()),
                Cell::text(entry.outcome.clone()),
                Cell::text(entry.address.clone()),
                Cell::optional_text(entry.before.as_ref().map(ToString::to_string).as_deref()),
                Cell::optional_text(entry.after.as_ref().map(ToString::to_string).as_deref()),
            ]
        })
        .collect();
    match csv_of(&CSV_COLUMNS, &rows) {
        Ok(body) => attachment(
            body,
            "text/csv; charset=utf-8",
            "attachment; filename=\"clusterhub-audit.csv\"",
        ),
        Err(error) => error.into_response(),
    }
}

async fn export_json(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Response {
    let entries = match export_entries(&state, &caller, query.as_deref(), "json").await {
        Ok(entries) => entries,
        Err(error) => return error.into_response(),
    };
    let mut response = Json(serde_json::json!({ "entries": entries })).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"clusterhub-audit.json\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
