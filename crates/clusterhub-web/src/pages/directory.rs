//! The directory page, `GET /organisations`: a search box, the facet sidebar with disjunctive
//! counts, the active filters as removable chips, the result list with its pages and order, and
//! the map of the same result set beside it.
//!
//! The whole search lives in the URL, read by the same parser as the JSON search
//! (`crate::search_params`), so a search can be bookmarked and shared, and every link on the page
//! (a facet value, a chip's remove link, a page, a country on the map) is that URL changed in one
//! place. The page works without JavaScript: the sidebar is a GET form with an "Apply" button.
//! `assets/directory.js` then submits on change, pans and zooms the map, and keeps the selected
//! list.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use clusterhub_domain::{LabelLevel, Language, MembersBand, OrgType, SmeStatus, StaffBand};
use clusterhub_reference::{Lang, Reference};
use clusterhub_search::{
    FacetGroup, Hit, MAX_RESULT_WINDOW, MapClusters, SearchError, SearchQuery, SearchResults, Sort,
};
use maud::{Markup, PreEscaped, html};

use super::map::{self as map_drawing, MapModel, Shaded, View};
use super::{PageShell, RequestLanguage, html_bytes_response, html_response};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::page_cache::{Form, PageKey, accepts_gzip};
use crate::search_params::{self, DEFAULT_PER_PAGE, ParseOptions, parse_search, to_query_string};

/// Values of a facet group shown before "show more".
const SHOWN_VALUES: usize = 6;

/// Characters of a description shown in a result.
const DESCRIPTION_CHARS: usize = 220;

/// The path of the page.
pub const DIRECTORY_PATH: &str = "/organisations";

/// `GET /organisations`.
pub fn router() -> Router<AppState> {
    Router::new().route(DIRECTORY_PATH, get(directory_page))
}

/// Everything the page shows, gathered before rendering.
struct Gathered {
    results: SearchResults,
    map: MapClusters,
    view: View,
    regional_country: Option<String>,
    descriptions: BTreeMap<i64, (String, String)>,
}

async fn directory_page(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    headers: HeaderMap,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let parsed = parse_search(
        raw_query.as_deref(),
        ParseOptions {
            extra: &["lang"],
            ignore_empty: true,
            no_paging: false,
        },
    );
    let query = match parsed {
        Ok(parsed) => parsed.query,
        Err(error) => return bad_search(&language, &error),
    };
    let title = locale.text("directory.title");
    let shell = PageShell::new(locale, DIRECTORY_PATH)
        .with_version(state.version())
        .with_script("directory.js");
    // The generation is read before searching: a part rendered from a newer state than its key
    // says is only fresher, never staler.
    let key = PageKey {
        page: DIRECTORY_PATH,
        generation: state.search().generation(),
        language: locale.code(),
        search: to_query_string(&query),
        form: Form::Plain,
    };
    // A visitor who is not signed in sees the same frame as everyone else, so the whole page can
    // be kept gzipped for them.
    let gzipped_key = (crate::auth::current_display_name().is_none() && accepts_gzip(&headers))
        .then(|| key.with_form(Form::Gzipped));
    if let Some(gzipped_key) = &gzipped_key
        && let Some(page) = state.page_cache().gzipped(gzipped_key)
    {
        return html_bytes_response(&language, StatusCode::OK, page, true);
    }
    let main = match state.page_cache().text(&key) {
        Some(main) => String::from(&*main),
        None => match render_main(&state, locale, &language, &query).await {
            Ok((main, complete)) => {
                // A page missing its descriptions is shown but not kept: the next request tries
                // again.
                if !complete {
                    return html_response(
                        &language,
                        StatusCode::OK,
                        shell.render(title, PreEscaped(main)),
                    );
                }
                state.page_cache().keep_text(key, &main);
                main
            }
            Err(response) => return response,
        },
    };
    let page = shell.render(title, PreEscaped(main)).into_string();
    let Some(gzipped_key) = gzipped_key else {
        return html_bytes_response(&language, StatusCode::OK, page.into(), false);
    };
    let cache = state.page_cache().clone();
    match tokio::task::spawn_blocking(move || cache.keep_gzipped(gzipped_key, page.as_bytes()))
        .await
    {
        Ok(compressed) => html_bytes_response(&language, StatusCode::OK, compressed, true),
        Err(error) => {
            tracing::error!(%error, "compressing the directory page failed");
            super::error_page(&language, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// Searches, reads the hits' descriptions and renders the main part of the page; whether every
/// description could be read. An error is the answer to give instead.
async fn render_main(
    state: &AppState,
    locale: Locale,
    language: &RequestLanguage,
    query: &SearchQuery,
) -> Result<(String, bool), Response> {
    let search = state.search().clone();
    let search_query = query.clone();
    let gathered = tokio::task::spawn_blocking(move || gather(&search, &search_query)).await;
    let mut gathered = match gathered {
        Ok(Ok(gathered)) => gathered,
        Ok(Err(SearchError::InvalidQuery(why))) => {
            return Err(bad_search(
                language,
                &ApiError::new(crate::error::ErrorCode::BadRequest, why),
            ));
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "the directory search failed");
            return Err(super::error_page(
                language,
                StatusCode::INTERNAL_SERVER_ERROR,
            ));
        }
        Err(error) => {
            tracing::error!(%error, "the directory search task failed");
            return Err(super::error_page(
                language,
                StatusCode::INTERNAL_SERVER_ERROR,
            ));
        }
    };
    // One read for the whole page of hits, not one per hit.
    let ids: Vec<i64> = gathered.results.hits.iter().map(|hit| hit.id).collect();
    let complete = match state.storage().descriptions_by_ids(&ids).await {
        Ok(stored) => {
            for (id, descriptions) in stored {
                let chosen = descriptions
                    .get_key_value(locale.code())
                    .or_else(|| descriptions.get_key_value("en"))
                    .or_else(|| descriptions.iter().next());
                if let Some((language_code, text)) = chosen {
                    gathered
                        .descriptions
                        .insert(id, (language_code.clone(), shorten(text)));
                }
            }
            true
        }
        Err(error) => {
            // The list still shows without descriptions; the cause is logged.
            tracing::warn!(%error, "the descriptions of the page's hits could not be read");
            false
        }
    };
    Ok((render(locale, query, &gathered).into_string(), complete))
}

/// Runs the search and the map clusters of the same query (blocking work).
fn gather(
    index: &clusterhub_search::SearchIndex,
    query: &SearchQuery,
) -> Result<Gathered, SearchError> {
    let results = index.search(query)?;
    let regional_country = focus_country(query);
    let view = if let Some(bbox) = query.bbox {
        View::around((bbox.west, bbox.south, bbox.east, bbox.north), 0.02)
    } else if let Some(country) = &regional_country {
        map_drawing::countries()
            .get(&map_drawing::nuts_country(country))
            .map_or_else(View::europe, |area| View::around(area.main_bounds, 0.04))
    } else {
        View::europe()
    };
    let mut map = index.map_clusters(query, view.cluster_level())?;
    // Markers outside the first view are left to the script, which asks for the view it shows.
    let (west, south, east, north) = view.bounds();
    map.clusters.retain(|cluster| {
        cluster.lon >= west && cluster.lon <= east && cluster.lat >= south && cluster.lat <= north
    });
    Ok(Gathered {
        results,
        map,
        view,
        regional_country,
        descriptions: BTreeMap::new(),
    })
}

/// The one country the search is about (by its country or region filters), whose regions the
/// map then shows.
fn focus_country(query: &SearchQuery) -> Option<String> {
    let mut countries: Vec<String> = query.filters.country.clone();
    for code in &query.filters.nuts {
        if let Some(prefix) = code.get(..2) {
            let iso = Reference::get()
                .countries()
                .by_any_code(prefix)
                .map_or_else(|| prefix.to_owned(), |country| country.alpha2.clone());
            if !countries.contains(&iso) {
                countries.push(iso);
            }
        }
    }
    match countries.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// The first sentences of a description, cut at a word near [`DESCRIPTION_CHARS`].
fn shorten(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= DESCRIPTION_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(DESCRIPTION_CHARS).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .trim_end_matches([',', ';', ':', '.', '-']);
    format!("{cut}…")
}

/// The page for a search the parser or the index refuses: the reason, and a way back.
fn bad_search(language: &RequestLanguage, error: &ApiError) -> Response {
    let locale = language.locale;
    let shell = PageShell::new(locale, DIRECTORY_PATH);
    let main = html! {
        section.error-page aria-labelledby="error-title" {
            p.error-status { "400" }
            h1 #error-title { (locale.text("directory.bad_search.title")) }
            p.lede { (locale.text("directory.bad_search.text")) }
            p.bad-search-detail lang="en" { code { (error.detail()) } }
            p { a.button href=(DIRECTORY_PATH) { (locale.text("directory.bad_search.restart")) } }
        }
    };
    html_response(
        language,
        StatusCode::BAD_REQUEST,
        shell.render(locale.text("directory.bad_search.title"), main),
    )
}

/// The directory URL of a search (page 1 unless the search says otherwise).
pub fn href_of(query: &SearchQuery) -> String {
    let query_string = to_query_string(query);
    if query_string.is_empty() {
        DIRECTORY_PATH.to_owned()
    } else {
        format!("{DIRECTORY_PATH}?{query_string}")
    }
}

/// The list of selected values of a group, to change.
fn group_values(query: &mut SearchQuery, group: FacetGroup) -> Option<&mut Vec<String>> {
    let filters = &mut query.filters;
    Some(match group {
        FacetGroup::Kind => &mut filters.kind,
        FacetGroup::Country => &mut filters.country,
        FacetGroup::Nuts => &mut filters.nuts,
        FacetGroup::Sector => &mut filters.sector,
        FacetGroup::Nace => &mut filters.nace,
        FacetGroup::Technology => &mut filters.technology,
        FacetGroup::S3 => &mut filters.s3,
        FacetGroup::Emerging => &mut filters.emerging,
        FacetGroup::Staff => &mut filters.staff,
        FacetGroup::Members => &mut filters.members,
        FacetGroup::Label => &mut filters.label,
        FacetGroup::Escp => return None,
        FacetGroup::Programme => &mut filters.programme,
        FacetGroup::TargetCountry => &mut filters.target_country,
        FacetGroup::Sme => &mut filters.sme,
    })
}

/// The search with one value of a group added (`add`) or removed, back on page 1.
fn toggled(query: &SearchQuery, group: FacetGroup, value: &str, add: bool) -> SearchQuery {
    let mut changed = query.clone();
    changed.page = 1;
    if group == FacetGroup::Escp {
        let flag = value == "true";
        changed.filters.escp.retain(|chosen| *chosen != flag);
        if add {
            changed.filters.escp.push(flag);
        }
        return changed;
    }
    if let Some(values) = group_values(&mut changed, group) {
        values.retain(|chosen| chosen != value);
        if add {
            values.push(value.to_owned());
        }
    }
    changed
}

/// The label of a facet value in the page's language.
pub fn value_label(locale: Locale, group: FacetGroup, value: &str) -> String {
    let lang = locale.reference_lang();
    let language = match lang {
        Lang::Fr => Language::Fr,
        Lang::De => Language::De,
        Lang::En => Language::En,
    };
    let reference = Reference::get();
    let term = |terms: &[clusterhub_reference::Term]| {
        terms
            .iter()
            .find(|term| term.id == value)
            .map_or_else(|| value.to_owned(), |term| term.label(lang).to_owned())
    };
    match group {
        FacetGroup::Kind => OrgType::from_slug(value)
            .map_or_else(|| value.to_owned(), |kind| kind.label(language).to_owned()),
        FacetGroup::Country | FacetGroup::TargetCountry => locale.country_name(value),
        FacetGroup::Nuts => {
            let name = map_drawing::nuts_name(value);
            if value.len() == 2 {
                let iso = reference
                    .countries()
                    .by_any_code(value)
                    .map_or_else(|| value.to_owned(), |country| country.alpha2.clone());
                locale.country_name(&iso)
            } else {
                name
            }
        }
        FacetGroup::Sector => value
            .parse::<u8>()
            .ok()
            .and_then(|number| reference.cluster_category(number))
            .map_or_else(
                || value.to_owned(),
                |category| category.name(lang).to_owned(),
            ),
        FacetGroup::Nace => reference.nace().get(value).map_or_else(
            || value.to_owned(),
            |activity| format!("{value} · {}", activity.label(lang)),
        ),
        FacetGroup::Technology => term(reference.technology_fields()),
        FacetGroup::S3 => term(reference.s3_priority_areas()),
        FacetGroup::Emerging => term(reference.emerging_industries()),
        FacetGroup::Staff => StaffBand::from_slug(value)
            .map_or_else(|| value.to_owned(), |band| band.label(language).to_owned()),
        FacetGroup::Members => MembersBand::from_slug(value)
            .map_or_else(|| value.to_owned(), |band| band.label(language).to_owned()),
        FacetGroup::Label => LabelLevel::from_slug(value).map_or_else(
            || value.to_owned(),
            |level| level.label(language).to_owned(),
        ),
        FacetGroup::Escp => {
            if value == "true" {
                locale.text("directory.escp.yes").to_owned()
            } else {
                locale.text("directory.escp.no").to_owned()
            }
        }
        FacetGroup::Programme => value.to_owned(),
        FacetGroup::Sme => SmeStatus::from_slug(value).map_or_else(
            || value.to_owned(),
            |status| status.label(language).to_owned(),
        ),
    }
}

/// The position of a value in its group's natural order (bands, levels), if it has one.
fn natural_rank(group: FacetGroup, value: &str) -> Option<usize> {
    match group {
        FacetGroup::Staff => StaffBand::ALL.iter().position(|band| band.slug() == value),
        FacetGroup::Members => MembersBand::ALL
            .iter()
            .position(|band| band.slug() == value),
        FacetGroup::Label => LabelLevel::ALL
            .iter()
            .position(|level| level.slug() == value),
        FacetGroup::Sme => SmeStatus::ALL
            .iter()
            .position(|status| status.slug() == value),
        FacetGroup::Escp => Some(usize::from(value != "true")),
        _ => None,
    }
}

/// Whether a value is selected in the search.
fn is_selected(query: &SearchQuery, group: FacetGroup, value: &str) -> bool {
    query
        .filters
        .values(group)
        .iter()
        .any(|chosen| chosen == value)
}

/// A value as it is shown in the sidebar.
struct FacetValue {
    value: String,
    label: String,
    count: u64,
    selected: bool,
}

/// The values of a group in the order the sidebar shows them: selected first, then by count
/// (or in the group's natural order for bands and levels), then by label.
fn ordered_values(
    locale: Locale,
    query: &SearchQuery,
    group: FacetGroup,
    counts: &BTreeMap<String, u64>,
    keep: impl Fn(&str) -> bool,
) -> Vec<FacetValue> {
    let mut values: Vec<FacetValue> = counts
        .iter()
        .filter(|(value, _)| keep(value))
        .map(|(value, &count)| FacetValue {
            label: value_label(locale, group, value),
            selected: is_selected(query, group, value),
            value: value.clone(),
            count,
        })
        .collect();
    values.sort_by(|left, right| {
        right
            .selected
            .cmp(&left.selected)
            .then_with(|| {
                match (
                    natural_rank(group, &left.value),
                    natural_rank(group, &right.value),
                ) {
                    (Some(left_rank), Some(right_rank)) => left_rank.cmp(&right_rank),
                    _ => right.count.cmp(&left.count),
                }
            })
            .then_with(|| left.label.cmp(&right.label))
    });
    values
}

/// An HTML id made from a group and a value.
fn input_id(group: FacetGroup, value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character
            } else {
                '-'
            }
        })
        .collect();
    format!("f-{}-{cleaned}", group.slug())
}

fn render(locale: Locale, query: &SearchQuery, gathered: &Gathered) -> Markup {
    let results = &gathered.results;
    let total = i64::try_from(results.total).unwrap_or(i64::MAX);
    html! {
        div.directory {
            header.directory-header {
                div.container.directory-header-inner {
                    div {
                        h1 #directory-title { (locale.text("directory.title")) }
                        p.directory-lede { (locale.text("directory.lede")) }
                    }
                    (search_form(locale, query))
                }
            }
            div.container.directory-layout {
                (sidebar(locale, query, results))
                section.directory-results #results aria-labelledby="results-heading" {
                    div.results-head {
                        h2 #results-heading aria-live="polite" {
                            (locale.format("directory.results_count", &[("count", &locale.number(total))]))
                        }
                        (sort_control(locale, query))
                    }
                    (active_filters(locale, query))
                    (observatory_link(locale, query))
                    @if results.hits.is_empty() {
                        div.empty-state #no-results {
                            p { strong { (locale.text("directory.no_results")) } }
                            p { (locale.text("directory.no_results_hint")) }
                        }
                    } @else {
                        ol.result-list #result-list start=((query.page - 1) * query.per_page + 1) {
                            @for hit in &results.hits {
                                (result_item(locale, hit, gathered.descriptions.get(&hit.id)))
                            }
                        }
                        (pagination(locale, query, results.total))
                    }
                }
                aside.directory-map-column aria-label=(locale.text("directory.map.heading")) {
                    (map_of(locale, query, gathered))
                }
            }
        }
    }
}

fn search_form(locale: Locale, query: &SearchQuery) -> Markup {
    html! {
        form.directory-search #directory-form method="get" action=(DIRECTORY_PATH) role="search" {
            label.search-label for="directory-q" { (locale.text("directory.search_label")) }
            div.search-row {
                input #directory-q type="search" name="q" value=[query.text.as_deref()]
                    placeholder=(locale.text("home.search.placeholder")) autocomplete="off" maxlength="500";
                button.button.button-accent type="submit" { (locale.text("home.search.button")) }
            }
            @if let Some(bbox) = query.bbox {
                input type="hidden" name="bbox" value=(format!("{},{},{},{}", bbox.west, bbox.south, bbox.east, bbox.north));
            }
            @if let Some((lat, lon)) = query.near {
                input type="hidden" name="near" value=(format!("{lat},{lon}"));
            }
            @if query.per_page != DEFAULT_PER_PAGE {
                input type="hidden" name="per_page" value=(query.per_page);
            }
        }
    }
}

fn sort_control(locale: Locale, query: &SearchQuery) -> Markup {
    let options = [
        (Sort::Relevance, "relevance", "directory.sort.relevance"),
        (Sort::Name, "name", "directory.sort.name"),
        (Sort::Distance, "distance", "directory.sort.distance"),
    ];
    html! {
        div.sort-control {
            label for="directory-sort" { (locale.text("directory.sort.label")) }
            select #directory-sort name="sort" form="directory-form" {
                @for (sort, value, key) in options {
                    @if sort != Sort::Distance || query.near.is_some() {
                        option value=(value) selected[query.sort == sort] { (locale.text(key)) }
                    }
                }
            }
            noscript { button.button.button-small type="submit" form="directory-form" { (locale.text("directory.sort.apply")) } }
        }
    }
}

fn sidebar(locale: Locale, query: &SearchQuery, results: &SearchResults) -> Markup {
    let empty = BTreeMap::new();
    let counts = |group: FacetGroup| results.facets.get(&group).unwrap_or(&empty);
    html! {
        section.facets #facets aria-labelledby="facets-heading" {
            details.facets-toggle open {
                summary.facets-summary {
                    h2 #facets-heading { (locale.text("directory.filters")) }
                }
                div.facet-groups {
                    @for group in FacetGroup::ALL {
                        @if group == FacetGroup::Nuts {
                            (nuts_group(locale, query, counts(FacetGroup::Nuts)))
                        } @else {
                            (facet_group(locale, query, group, counts(group)))
                        }
                    }
                    div.facet-actions {
                        button.button #apply-filters type="submit" form="directory-form" { (locale.text("directory.apply")) }
                        a.reset-link href=(DIRECTORY_PATH) { (locale.text("directory.reset")) }
                    }
                }
            }
        }
    }
}

fn checkbox(group: FacetGroup, value: &FacetValue, locale: Locale, nested: bool) -> Markup {
    let id = input_id(group, &value.value);
    html! {
        li.facet-value.facet-nested[nested] {
            input type="checkbox" id=(id) name=(group.slug()) value=(value.value)
                form="directory-form" checked[value.selected];
            label for=(id) {
                span.facet-label { (value.label) }
                span.facet-count { (locale.number(i64::try_from(value.count).unwrap_or(i64::MAX))) }
            }
        }
    }
}

fn facet_group(
    locale: Locale,
    query: &SearchQuery,
    group: FacetGroup,
    counts: &BTreeMap<String, u64>,
) -> Markup {
    let values = ordered_values(locale, query, group, counts, |_| true);
    let heading_key = format!("facet.{}", group.slug());
    let selected_count = values.iter().filter(|value| value.selected).count();
    let shown = SHOWN_VALUES.max(selected_count);
    html! {
        @if !values.is_empty() {
            fieldset.facet-group #{"facet-" (group.slug())} {
                legend { (locale.text(&heading_key)) }
                ul.facet-values {
                    @for value in values.iter().take(shown) {
                        (checkbox(group, value, locale, false))
                    }
                }
                @if values.len() > shown {
                    details.facet-more {
                        summary { (locale.format("directory.show_more", &[("count", &locale.number(i64::try_from(values.len() - shown).unwrap_or(i64::MAX)))])) }
                        ul.facet-values {
                            @for value in values.iter().skip(shown) {
                                (checkbox(group, value, locale, false))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The regions group: for the countries in the search (chosen directly or through a region),
/// their NUTS-1 regions with the NUTS-2 regions beneath, and the NUTS-3 regions of a chosen
/// NUTS-2 region.
fn nuts_group(locale: Locale, query: &SearchQuery, counts: &BTreeMap<String, u64>) -> Markup {
    let reference = Reference::get();
    let mut countries: Vec<String> = query
        .filters
        .country
        .iter()
        .map(|iso| map_drawing::nuts_country(iso))
        .collect();
    for code in &query.filters.nuts {
        if let Some(prefix) = code.get(..2)
            && !countries.iter().any(|country| country == prefix)
        {
            countries.push(prefix.to_owned());
        }
    }
    html! {
        fieldset.facet-group #facet-nuts {
            legend { (locale.text("facet.nuts")) }
            @if countries.is_empty() {
                p.facet-hint { (locale.text("directory.nuts_hint")) }
            }
            @for country in &countries {
                @let iso = reference.countries().by_any_code(country).map_or_else(|| country.clone(), |found| found.alpha2.clone());
                @let top = ordered_values(locale, query, FacetGroup::Nuts, counts, |value| value.len() == 3 && value.starts_with(country.as_str()));
                @if !top.is_empty() {
                    p.facet-subheading { (locale.country_name(&iso)) }
                    ul.facet-values {
                        @for region in &top {
                            (checkbox(FacetGroup::Nuts, region, locale, false))
                            @let below = ordered_values(locale, query, FacetGroup::Nuts, counts, |value| value.len() == 4 && value.starts_with(region.value.as_str()));
                            @for subregion in &below {
                                (checkbox(FacetGroup::Nuts, subregion, locale, true))
                                @let third = ordered_values(locale, query, FacetGroup::Nuts, counts, |value| value.len() == 5 && value.starts_with(subregion.value.as_str()));
                                @for small in &third {
                                    (checkbox(FacetGroup::Nuts, small, locale, true))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn active_filters(locale: Locale, query: &SearchQuery) -> Markup {
    let mut chips: Vec<(String, String, String)> = Vec::new();
    if let Some(text) = &query.text {
        let mut without = query.clone();
        without.text = None;
        without.page = 1;
        chips.push((
            locale.text("directory.chip.keywords").to_owned(),
            text.clone(),
            href_of(&without),
        ));
    }
    for group in FacetGroup::ALL {
        for value in query.filters.values(group) {
            chips.push((
                locale.text(&format!("facet.{}", group.slug())).to_owned(),
                value_label(locale, group, &value),
                href_of(&toggled(query, group, &value, false)),
            ));
        }
    }
    if query.bbox.is_some() {
        let mut without = query.clone();
        without.bbox = None;
        without.page = 1;
        chips.push((
            locale.text("directory.chip.map").to_owned(),
            locale.text("directory.chip.map_area").to_owned(),
            href_of(&without),
        ));
    }
    html! {
        @if !chips.is_empty() {
            div.active-filters #active-filters {
                h3.visually-hidden { (locale.text("directory.active_filters")) }
                ul.filter-chips {
                    @for (group, label, href) in &chips {
                        li {
                            a.filter-chip href=(href) aria-label=(locale.format("directory.chip.remove", &[("group", group), ("value", label)])) {
                                span.filter-chip-group { (group) ": " }
                                span.filter-chip-value { (label) }
                                span.filter-chip-x aria-hidden="true" { "×" }
                            }
                        }
                    }
                    li { a.clear-all href=(DIRECTORY_PATH) { (locale.text("directory.clear_all")) } }
                }
            }
        }
    }
}

/// When the search is about one region, a link to its strengths in the observatory.
fn observatory_link(locale: Locale, query: &SearchQuery) -> Markup {
    let [region] = query.filters.nuts.as_slice() else {
        return html! {};
    };
    let name = value_label(locale, FacetGroup::Nuts, region);
    html! {
        p.observatory-link {
            a href={ "/observatory/regions/" (region) } {
                (locale.format("directory.observatory_link", &[("region", &name)]))
            }
        }
    }
}

fn result_item(locale: Locale, hit: &Hit, description: Option<&(String, String)>) -> Markup {
    let kind = value_label(locale, FacetGroup::Kind, &hit.kind);
    let country = locale.country_name(&hit.country);
    let sectors: Vec<String> = hit
        .sectors
        .iter()
        .take(3)
        .map(|sector| value_label(locale, FacetGroup::Sector, sector))
        .collect();
    html! {
        li.result {
            article.result-card aria-labelledby={ "hit-" (hit.id) } {
                div.result-top {
                    h3.result-name #{"hit-" (hit.id)} { a href={ "/organisations/" (hit.id) } { (hit.name) } }
                    button.basket-toggle type="button" hidden data-id=(hit.id) data-name=(hit.name)
                        aria-pressed="false"
                        data-label-add=(locale.text("basket.add")) data-label-remove=(locale.text("basket.remove")) {
                        span.basket-icon aria-hidden="true" { "+" }
                        span.basket-text { (locale.text("basket.add")) }
                        span.visually-hidden { ": " (hit.name) }
                    }
                }
                p.result-meta {
                    span.result-kind.{"kind-" (hit.kind)} { (kind) }
                    span.result-place {
                        @if let Some(city) = &hit.city { (city) ", " }
                        (country)
                    }
                    @if let Some(distance) = hit.distance_km {
                        span.result-distance { (locale.format("directory.distance", &[("km", &locale.number(distance.round() as i64))])) }
                    }
                }
                @if let Some((language_code, text)) = description {
                    p.result-description lang=(language_code) { (text) }
                }
                @if !sectors.is_empty() {
                    ul.chip-list.result-sectors aria-label=(locale.text("profile.sectors")) {
                        @for sector in &sectors { li.chip { (sector) } }
                    }
                }
            }
        }
    }
}

fn pagination(locale: Locale, query: &SearchQuery, total: u64) -> Markup {
    let per_page = query.per_page.max(1);
    let reachable = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .min(MAX_RESULT_WINDOW);
    let last = reachable.div_ceil(per_page).max(1);
    let current = query.page.min(last);
    let page_href = |page: usize| {
        let mut changed = query.clone();
        changed.page = page;
        href_of(&changed)
    };
    let mut pages: Vec<Option<usize>> = Vec::new();
    for page in 1..=last {
        let near = page == 1 || page == last || page.abs_diff(current) <= 2;
        if near {
            pages.push(Some(page));
        } else if pages.last().is_some_and(Option::is_some) {
            pages.push(None);
        }
    }
    html! {
        @if last > 1 {
            nav.pagination #pagination aria-label=(locale.text("directory.pages")) {
                ul {
                    li {
                        @if current > 1 {
                            a.page-step href=(page_href(current - 1)) rel="prev" { "‹ " (locale.text("directory.previous")) }
                        }
                    }
                    @for page in &pages {
                        li {
                            @match page {
                                Some(page) if *page == current => {
                                    a.page-number href=(page_href(*page)) aria-current="page" { (page) }
                                }
                                Some(page) => {
                                    a.page-number href=(page_href(*page)) aria-label=(locale.format("directory.page_n", &[("page", &page.to_string())])) { (page) }
                                }
                                None => { span.page-gap aria-hidden="true" { "…" } }
                            }
                        }
                    }
                    li {
                        @if current < last {
                            a.page-step href=(page_href(current + 1)) rel="next" { (locale.text("directory.next")) " ›" }
                        }
                    }
                }
            }
        }
    }
}

fn map_of(locale: Locale, query: &SearchQuery, gathered: &Gathered) -> Markup {
    let reference = Reference::get();
    let empty = BTreeMap::new();
    let facets = &gathered.results.facets;
    let (areas, regional, backdrop) = if let Some(country) = &gathered.regional_country {
        let nuts_country = map_drawing::nuts_country(country);
        let counts = facets.get(&FacetGroup::Nuts).unwrap_or(&empty);
        let areas = map_drawing::regions_of(&nuts_country)
            .into_iter()
            .map(|code| Shaded {
                code: code.to_owned(),
                name: map_drawing::nuts_name(code),
                count: counts.get(code).copied().unwrap_or(0),
                href: href_of(&toggled(query, FacetGroup::Nuts, code, true)),
                selected: is_selected(query, FacetGroup::Nuts, code),
            })
            .collect();
        let backdrop = map_drawing::countries()
            .keys()
            .filter(|code| **code != nuts_country)
            .cloned()
            .collect();
        (areas, true, backdrop)
    } else {
        let counts = facets.get(&FacetGroup::Country).unwrap_or(&empty);
        let areas = map_drawing::countries()
            .keys()
            .map(|nuts_code| {
                let iso = reference
                    .countries()
                    .by_any_code(nuts_code)
                    .map_or_else(|| nuts_code.clone(), |country| country.alpha2.clone());
                let selected = is_selected(query, FacetGroup::Country, &iso);
                let href = if selected {
                    // A chosen country's shape narrows the search to it alone, which zooms in.
                    let mut only = query.clone();
                    only.page = 1;
                    only.filters.country = vec![iso.clone()];
                    href_of(&only)
                } else {
                    href_of(&toggled(query, FacetGroup::Country, &iso, true))
                };
                Shaded {
                    code: nuts_code.clone(),
                    name: locale.country_name(&iso),
                    count: counts.get(&iso).copied().unwrap_or(0),
                    href,
                    selected,
                }
            })
            .collect();
        (areas, false, Vec::new())
    };
    let mut map_query = query.clone();
    map_query.page = 1;
    map_query.per_page = DEFAULT_PER_PAGE;
    map_query.sort = Sort::Relevance;
    let filters = to_query_string(&map_query);
    let markers_url = if filters.is_empty() {
        String::from("/api/v1/organisations/map")
    } else {
        format!("/api/v1/organisations/map?{filters}")
    };
    let mut zoom_query = map_query.clone();
    zoom_query.bbox = None;
    let without_box = to_query_string(&zoom_query);
    let zoom_href = if without_box.is_empty() {
        format!("{DIRECTORY_PATH}?{}=", search_params::BBOX)
    } else {
        format!("{DIRECTORY_PATH}?{without_box}&{}=", search_params::BBOX)
    };
    map_drawing::render(&MapModel {
        locale,
        areas,
        regional,
        backdrop,
        view: gathered.view,
        clusters: &gathered.map.clusters,
        unlocated: gathered.map.unlocated,
        markers_url,
        zoom_href,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("  Short\n text. "), "Short text.");
        let long = "word ".repeat(100);
        let short = shorten(&long);
        assert!(short.ends_with("word…"), "{short}");
        assert!(short.chars().count() <= DESCRIPTION_CHARS + 1);
    }

    #[test]
    fn toggling_a_value_adds_or_removes_it_and_goes_back_to_page_one() {
        let query = SearchQuery {
            page: 3,
            ..SearchQuery::default()
        };
        let added = toggled(&query, FacetGroup::Country, "DE", true);
        assert_eq!(added.filters.country, ["DE"]);
        assert_eq!(added.page, 1);
        assert_eq!(href_of(&added), "/organisations?country=DE");
        let removed = toggled(&added, FacetGroup::Country, "DE", false);
        assert!(removed.filters.country.is_empty());
        assert_eq!(href_of(&removed), "/organisations");
        let escp = toggled(&query, FacetGroup::Escp, "true", true);
        assert_eq!(escp.filters.escp, [true]);
    }

    #[test]
    fn values_are_labelled_in_the_page_language() {
        let german = Locale::from_code("de").expect("German");
        assert_eq!(
            value_label(german, FacetGroup::Country, "DE"),
            "Deutschland"
        );
        let french = Locale::from_code("fr").expect("French");
        assert_eq!(value_label(french, FacetGroup::Nuts, "EL"), "Grèce");
        assert!(value_label(french, FacetGroup::Nace, "62").starts_with("62 · "));
        assert_ne!(value_label(german, FacetGroup::Kind, "cluster"), "cluster");
    }
}
