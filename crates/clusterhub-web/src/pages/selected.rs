//! The selected list (ECCP's "basket"), `GET /selected?id=1&id=2`: the organisations a visitor
//! collected from the directory and the profiles, with links to export them as CSV or XLSX.
//!
//! The list itself is kept in the browser (`localStorage`, by `assets/directory.js`); the script
//! opens this page with the ids in the address, so the server renders the list, and a list can
//! be bookmarked or sent to someone. Without the script the page shows whatever ids the address
//! holds.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::directory::value_label;
use super::{PageShell, RequestLanguage, error_page, html_response};
use crate::AppState;
use crate::api::organisations::parse_id;
use crate::i18n::Locale;
use clusterhub_search::FacetGroup;

/// The path of the page.
pub const SELECTED_PATH: &str = "/selected";

/// The most organisations a selected list holds (the script keeps to it too).
pub const MAX_SELECTED: usize = 500;

/// `GET /selected`.
pub fn router() -> Router<AppState> {
    Router::new().route(SELECTED_PATH, get(selected_page))
}

/// One organisation of the list, as the page shows it.
struct Entry {
    id: i64,
    name: String,
    kind: String,
    country: String,
    city: Option<String>,
}

/// The ids of the address (`id=`), in order, without repeats or unreadable values, at most
/// [`MAX_SELECTED`].
fn ids_of(raw_query: Option<&str>) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes()) {
        if name == "id"
            && let Some(id) = parse_id(value.trim())
            && !ids.contains(&id)
            && ids.len() < MAX_SELECTED
        {
            ids.push(id);
        }
    }
    ids
}

/// The query string `id=1&id=2` of a list of ids.
fn id_query(ids: &[i64]) -> String {
    ids.iter()
        .map(|id| format!("id={id}"))
        .collect::<Vec<_>>()
        .join("&")
}

async fn selected_page(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let ids = ids_of(raw_query.as_deref());
    let mut entries = Vec::with_capacity(ids.len());
    for &id in &ids {
        match state.storage().organisation(id).await {
            Ok(Some(stored)) => entries.push(Entry {
                id,
                name: stored.profile.name,
                kind: stored.profile.kind,
                country: stored.profile.country,
                city: stored.profile.city,
            }),
            // An organisation deleted since it was selected is simply no longer listed.
            Ok(None) => {}
            Err(error) => {
                tracing::error!(%error, "the selected list could not be read");
                return error_page(&language, StatusCode::INTERNAL_SERVER_ERROR);
            }
        }
    }
    let shell = PageShell::new(locale, SELECTED_PATH)
        .with_version(state.version())
        .with_script("directory.js");
    let title = locale.text("selected.title");
    html_response(
        &language,
        StatusCode::OK,
        shell.render(title, render(locale, &entries)),
    )
}

fn render(locale: Locale, entries: &[Entry]) -> Markup {
    let ids: Vec<i64> = entries.iter().map(|entry| entry.id).collect();
    let query = id_query(&ids);
    html! {
        div.selected-page #selected-page data-ids=(query) {
            header.directory-header {
                div.container {
                    h1 #selected-title { (locale.text("selected.title")) }
                    p.directory-lede { (locale.text("selected.lede")) }
                }
            }
            div.container.selected-body {
                @if entries.is_empty() {
                    div.empty-state #selected-empty {
                        p { strong { (locale.text("selected.empty")) } }
                        p { (locale.text("selected.empty_hint")) }
                        p { a.button href="/organisations" { (locale.text("selected.browse")) } }
                    }
                } @else {
                    section.panel aria-labelledby="selected-count" {
                        div.selected-head {
                            h2 #selected-count {
                                (locale.format("selected.count", &[("count", &locale.number(i64::try_from(entries.len()).unwrap_or(i64::MAX)))]))
                            }
                            div.export-actions #export-actions {
                                a.button #export-csv href={ "/api/v1/organisations/export.csv?" (query) } download { (locale.text("selected.export_csv")) }
                                a.button #export-xlsx href={ "/api/v1/organisations/export.xlsx?" (query) } download { (locale.text("selected.export_xlsx")) }
                                button.button.button-quiet #selected-clear type="button" hidden { (locale.text("selected.clear")) }
                            }
                        }
                        ul.selected-list #selected-list {
                            @for entry in entries {
                                @let others: Vec<i64> = ids.iter().copied().filter(|id| *id != entry.id).collect();
                                li.selected-item data-id=(entry.id) {
                                    div {
                                        a.selected-name href={ "/organisations/" (entry.id) } { (entry.name) }
                                        p.result-meta {
                                            span.result-kind { (value_label(locale, FacetGroup::Kind, &entry.kind)) }
                                            span.result-place {
                                                @if let Some(city) = &entry.city { (city) ", " }
                                                (locale.country_name(&entry.country))
                                            }
                                        }
                                    }
                                    a.selected-remove href={ (SELECTED_PATH) @if !others.is_empty() { "?" (id_query(&others)) } }
                                        data-id=(entry.id)
                                        aria-label=(locale.format("selected.remove_named", &[("name", &entry.name)])) {
                                        (locale.text("basket.remove"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_in_order_without_repeats_or_junk() {
        assert_eq!(
            ids_of(Some("id=3&id=1&id=3&id=x&other=5&id=-2&id=%201")),
            [3, 1]
        );
        assert_eq!(ids_of(None), [] as [i64; 0]);
        assert_eq!(id_query(&[3, 1]), "id=3&id=1");
    }
}
