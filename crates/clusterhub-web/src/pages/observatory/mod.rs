//! The observatory's pages: the map of Europe coloured by location quotient or stars
//! (`/observatory`), a region's portfolio (`/observatory/regions/{nuts}`), a sector's strongest
//! regions (`/observatory/sectors/{sector}`), a comparison of up to five regions
//! (`/observatory/compare`), and the panel of a profile's regional strengths.
//!
//! Every page reads its parameters with the API's functions (`crate::api::observatory`), so a
//! page and its JSON and exports always agree; every choice is a plain GET form that works
//! without JavaScript, and every table links its CSV and XLSX export.

mod compare;
mod map_page;
pub(crate) mod profile_panel;
mod region;
mod sector;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use clusterhub_observatory::{Classification, SectorRole};
use maud::{Markup, html};

use super::{PageShell, RequestLanguage, html_response};
use crate::AppState;
use crate::api::observatory::{Links, Years};
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::observatory::{Method, ObservatoryData};

/// The path of the map page.
pub const OBSERVATORY_PATH: &str = "/observatory";

/// Every observatory page.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(map_page::router())
        .merge(region::router())
        .merge(sector::router())
        .merge(compare::router())
}

/// A number with `digits` decimals, written the way the page's language writes it.
pub fn decimal(locale: Locale, value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    let text = if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole_number: i64 = whole.parse().unwrap_or(0);
    let mut written = if whole.starts_with('-') && whole_number == 0 {
        String::from("-0")
    } else {
        locale.number(whole_number)
    };
    if !fraction.is_empty() {
        written.push_str(locale.text("format.decimal_separator"));
        written.push_str(fraction);
    }
    written
}

/// A share (0.123) as a percentage with one decimal ("12.3%", "12,3 %").
pub fn percent(locale: Locale, share: f64) -> String {
    locale.format(
        "format.percent",
        &[("value", &decimal(locale, share * 100.0, 1))],
    )
}

/// A count of persons.
pub fn persons(locale: Locale, value: u64) -> String {
    locale.number(i64::try_from(value).unwrap_or(i64::MAX))
}

/// A sector's name in the page's language.
pub fn sector_name(locale: Locale, code: &str) -> String {
    let key = format!("observatory.sector_name.{code}");
    if locale.has(&key) {
        locale.text(&key).to_owned()
    } else {
        code.to_owned()
    }
}

/// A sector's short name, for charts and menus.
pub fn sector_short(locale: Locale, code: &str) -> String {
    let key = format!("observatory.sector_short.{code}");
    if locale.has(&key) {
        locale.text(&key).to_owned()
    } else {
        sector_name(locale, code)
    }
}

/// A region's name in the page's language: a country's name, else its NUTS name.
pub fn region_name(locale: Locale, code: &str) -> String {
    if code.len() == 2 {
        let reference = clusterhub_reference::Reference::get();
        if let Some(country) = reference.countries().by_any_code(code) {
            return locale.country_name(&country.alpha2);
        }
    }
    super::map::nuts_name(code)
}

/// The page of a region, with the year and method carried over.
pub fn region_href(code: &str, year: Option<u16>, method: Method) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(year) = year {
        pairs.push(("year", year.to_string()));
    }
    if method != Method::Eco {
        pairs.push(("method", method.slug().to_owned()));
    }
    crate::api::observatory::with_query(&format!("{OBSERVATORY_PATH}/regions/{code}"), &pairs)
}

/// The page of a sector at a level, with the year and method carried over.
pub fn sector_href(code: &str, level: u8, year: Option<u16>, method: Method) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("level", level.to_string())];
    if let Some(year) = year {
        pairs.push(("year", year.to_string()));
    }
    if method != Method::Eco {
        pairs.push(("method", method.slug().to_owned()));
    }
    crate::api::observatory::with_query(&format!("{OBSERVATORY_PATH}/sectors/{code}"), &pairs)
}

/// Stars drawn as filled and empty marks (hidden from assistive technology) with their meaning
/// in words beside them.
pub fn stars(locale: Locale, method: Method, count: u8) -> Markup {
    let words = stars_text(locale, method, count);
    let max = method.max_stars();
    html! {
        span.stars title=(words) {
            span.star-marks aria-hidden="true" {
                @for index in 0..max {
                    @if index < count { span.star.star-on { "★" } } @else { span.star.star-off { "☆" } }
                }
            }
            span.visually-hidden { (words) }
        }
    }
}

/// What a number of stars means, in words.
pub fn stars_text(locale: Locale, method: Method, count: u8) -> String {
    match (method, count) {
        (Method::Eco, count) => {
            locale.format("observatory.stars.eco", &[("count", &count.to_string())])
        }
        (Method::Us, 0) => locale.text("observatory.stars.us_none").to_owned(),
        (Method::Us, 1) => locale.text("observatory.stars.us_strong").to_owned(),
        (Method::Us, _) => locale.text("observatory.stars.us_top").to_owned(),
    }
}

/// The criteria met, in words.
pub fn criteria_text(locale: Locale, criteria: &[&str]) -> String {
    criteria
        .iter()
        .map(|name| locale.text(&format!("observatory.criterion.{name}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The CSV and XLSX links of a table.
pub fn export_links(locale: Locale, links: &Links, what: &str) -> Markup {
    html! {
        p.obs-export {
            span.obs-export-label { (locale.text("observatory.export.label")) }
            " "
            a.button.button-small.button-quiet href=(links.csv) download {
                (locale.text("observatory.export.csv"))
                span.visually-hidden { " · " (what) }
            }
            " "
            a.button.button-small.button-quiet href=(links.xlsx) download {
                (locale.text("observatory.export.xlsx"))
                span.visually-hidden { " · " (what) }
            }
        }
    }
}

/// One bar of a [`bar_list`].
#[derive(Debug, Clone)]
pub struct BarRow {
    pub label: String,
    /// Where the label links to, if anywhere.
    pub href: Option<String>,
    /// The figure shown beside the label.
    pub value_text: String,
    pub stars: Markup,
    /// The bar's length as a fraction of the longest (0 to 1).
    pub fraction: f64,
    /// Drawn in grey (no star) rather than blue.
    pub muted: bool,
}

/// Horizontal bars as an HTML list: each row's label and figures are text that wraps on a phone
/// and is read in order by assistive technology; only the bar itself is drawn (inline SVG, its
/// length a percentage, so no inline style is needed under the strict CSP).
pub fn bar_list(id: &str, title: &str, rows: &[BarRow]) -> Markup {
    let title_id = format!("{id}-title");
    html! {
        figure.obs-bars #(id) aria-labelledby=(title_id) {
            figcaption.visually-hidden #(title_id) { (title) }
            ul.obs-bar-list {
                @for row in rows {
                    li.obs-bar-row {
                        div.obs-bar-text {
                            @if let Some(href) = &row.href {
                                a.obs-bar-label href=(href) { (row.label) }
                            } @else {
                                span.obs-bar-label { (row.label) }
                            }
                            span.obs-bar-figures { (row.value_text) " " (row.stars) }
                        }
                        svg.obs-bar-svg width="100%" height="10" aria-hidden="true" focusable="false" {
                            rect.bar-track x="0" y="0" width="100%" height="10" rx="5" {}
                            rect.bar.bar-muted[row.muted] x="0" y="0"
                                width=(format!("{:.2}%", (row.fraction.clamp(0.0, 1.0) * 100.0).max(if row.fraction > 0.0 { 0.8 } else { 0.0 })))
                                height="10" rx="5" {}
                        }
                    }
                }
            }
        }
    }
}

/// The sentence saying what location quotients compare with in a year.
pub fn reference_sentence(locale: Locale, data: &ObservatoryData, year: Option<u16>) -> String {
    let Some(year) = year else {
        return locale.text("observatory.lq_explained").to_owned();
    };
    let reference = data
        .table
        .year_position(year)
        .and_then(|position| data.statistics.reference.get(position));
    let year_text = year.to_string();
    match reference {
        Some(reference) if !reference.countries.is_empty() => {
            if data.reference_is_eu27() {
                locale.format("observatory.reference.eu27", &[("year", &year_text)])
            } else {
                locale.format(
                    "observatory.reference.all",
                    &[
                        ("year", &year_text),
                        ("count", &reference.countries.len().to_string()),
                    ],
                )
            }
        }
        _ => locale.format("observatory.reference.none", &[("year", &year_text)]),
    }
}

/// The year shown by a request, if it is one year.
pub fn one_year(years: Years) -> Option<u16> {
    match years {
        Years::One(year) => Some(year),
        Years::All => None,
    }
}

/// A `<select>` with a label.
pub fn select(
    id: &str,
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    html! {
        div.obs-field {
            label for=(id) { (label) }
            select #(id) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// The options of the year menu, latest first.
pub fn year_options(data: &ObservatoryData) -> Vec<(String, String)> {
    data.table
        .years()
        .iter()
        .rev()
        .map(|year| (year.to_string(), year.to_string()))
        .collect()
}

/// The options of the method menu.
pub fn method_options(locale: Locale) -> Vec<(String, String)> {
    Method::CHOICES
        .iter()
        .map(|(slug, _)| {
            (
                (*slug).to_owned(),
                locale
                    .text(&format!("observatory.method.{slug}"))
                    .to_owned(),
            )
        })
        .collect()
}

/// The options of the level menu.
pub fn level_options(locale: Locale) -> Vec<(String, String)> {
    (0..=3)
        .map(|level: u8| {
            (
                level.to_string(),
                locale
                    .text(&format!("observatory.level.{level}"))
                    .to_owned(),
            )
        })
        .collect()
}

/// The options of the sector menu: each sector with its code, in the tables' order (parts and
/// groups right after the main sectors they belong to).
pub fn sector_options(locale: Locale, data: &ObservatoryData) -> Vec<(String, String)> {
    let classification = data.table.classification();
    display_order(classification)
        .into_iter()
        .map(|position| {
            let sector = &classification.sectors()[position];
            (
                sector.code.clone(),
                format!("{} — {}", sector.code, sector_short(locale, &sector.code)),
            )
        })
        .collect()
}

/// The sectors in the order tables show them: each main (partition) sector followed by its
/// sub-groups, and each group of sectors right after the last of its parts (A, B-E, C, F, G-I,
/// J, G-J, …).
pub fn display_order(classification: &Classification) -> Vec<usize> {
    let mut order = Vec::with_capacity(classification.len());
    for member in classification.partition() {
        order.push(member);
        for position in 0..classification.len() {
            match classification.role(position) {
                SectorRole::SubGroup(parent) if *parent == member => order.push(position),
                SectorRole::Aggregate(parts) if parts.last() == Some(&member) => {
                    order.push(position);
                }
                _ => {}
            }
        }
    }
    order
}

/// How a method awards stars, in one sentence.
pub fn method_explained(locale: Locale, method: Method) -> &'static str {
    locale.text(&format!("observatory.method.{}_explained", method.slug()))
}

/// The answer for a request the observatory cannot show: its status (400 or 404) and why, or
/// a server error page.
pub fn error_response(language: &RequestLanguage, error: &ApiError) -> Response {
    let status = error.code().status();
    if status.is_server_error() {
        tracing::error!(detail = error.detail(), "an observatory page failed");
        return super::error_page(language, status);
    }
    let locale = language.locale;
    let title_key = if status == StatusCode::NOT_FOUND {
        "observatory.not_found.title"
    } else {
        "observatory.bad.title"
    };
    let shell = PageShell::new(locale, OBSERVATORY_PATH);
    let main = html! {
        section.error-page aria-labelledby="error-title" {
            p.error-status { (status.as_u16()) }
            h1 #error-title { (locale.text(title_key)) }
            p.lede { (locale.text("observatory.bad.text")) }
            p.bad-search-detail lang="en" { code { (error.detail()) } }
            p { a.button href=(OBSERVATORY_PATH) { (locale.text("observatory.bad.restart")) } }
        }
    };
    html_response(language, status, shell.render(locale.text(title_key), main))
}

/// The page shown while the observatory holds no figures at all.
pub fn no_data(locale: Locale) -> Markup {
    html! {
        div.container.obs-body {
            div.empty-state #obs-no-data {
                p { strong { (locale.text("observatory.no_data.title")) } }
                p { (locale.text("observatory.no_data.text")) }
            }
        }
    }
}

/// The band at the top of every observatory page.
pub fn page_header(eyebrow: &str, title: &str, lede: Option<&str>, extra: Markup) -> Markup {
    html! {
        header.obs-header {
            div.container {
                p.eyebrow { (eyebrow) }
                h1 #obs-title { (title) }
                @if let Some(lede) = lede { p.obs-lede { (lede) } }
                (extra)
            }
        }
    }
}

/// The links between the observatory's views.
pub fn observatory_nav(locale: Locale, current: &str) -> Markup {
    let items = [
        (OBSERVATORY_PATH, "observatory.nav.map"),
        ("/observatory/compare", "observatory.nav.compare"),
    ];
    html! {
        nav.obs-nav aria-label=(locale.text("observatory.nav.label")) {
            ul {
                @for (href, key) in items {
                    li { a href=(href) aria-current=[(current == href).then_some("page")] { (locale.text(key)) } }
                }
                li { a href="/api/v1/observatory" { (locale.text("observatory.nav.api")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_percentages_follow_the_language() {
        let english = Locale::from_code("en").expect("English");
        let french = Locale::from_code("fr").expect("French");
        let german = Locale::from_code("de").expect("German");
        assert_eq!(decimal(english, 1.234_56, 2), "1.23");
        assert_eq!(decimal(german, 1.235_01, 2), "1,24");
        assert_eq!(decimal(english, 12_345.6, 1), "12,345.6");
        assert_eq!(decimal(english, -0.001, 2), "0.00");
        assert_eq!(decimal(english, -0.5, 1), "-0.5");
        assert_eq!(decimal(english, -2.5, 1), "-2.5");
        assert_eq!(decimal(english, 3.0, 0), "3");
        assert_eq!(percent(english, 0.1234), "12.3%");
        assert!(percent(french, 0.1234).starts_with("12,3"));
        assert!(percent(french, 0.1234).ends_with('%'));
    }

    #[test]
    fn every_sector_is_named_in_every_language() {
        let classification = clusterhub_observatory::Classification::nace_a10();
        for locale in Locale::all() {
            for sector in classification.sectors() {
                assert_ne!(
                    sector_name(locale, &sector.code),
                    sector.code,
                    "{}",
                    locale.code()
                );
                assert_ne!(
                    sector_short(locale, &sector.code),
                    sector.code,
                    "{}",
                    locale.code()
                );
            }
        }
        let english = Locale::from_code("en").expect("English");
        assert_eq!(
            sector_name(english, "B-E"),
            classification.sectors()[1].label,
            "the English names are the classification's labels"
        );
        assert_eq!(region_name(english, "EL"), "Greece");
        assert_eq!(region_name(english, "AT13"), "Wien");
    }

    #[test]
    fn tables_list_parts_under_their_sector_and_groups_after_their_parts() {
        let classification = Classification::nace_a10();
        let codes: Vec<&str> = display_order(&classification)
            .into_iter()
            .map(|position| classification.sectors()[position].code.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "A", "B-E", "C", "F", "G-I", "J", "G-J", "K", "L", "M-N", "K-N", "O-Q", "R-U",
                "O-U"
            ]
        );
    }

    #[test]
    fn stars_are_marks_for_the_eye_and_words_for_the_ear() {
        let english = Locale::from_code("en").expect("English");
        let markup = stars(english, Method::Eco, 2).into_string();
        assert_eq!(markup.matches("star-on").count(), 2);
        assert_eq!(markup.matches("star-off").count(), 1);
        assert!(markup.contains("2 of 3 stars"));
        let us = stars(english, Method::Us, 1).into_string();
        assert_eq!(us.matches("star-off").count(), 1);
        assert!(us.contains(english.text("observatory.stars.us_strong")));
        assert_eq!(
            criteria_text(english, &["size", "focus"]),
            format!(
                "{}, {}",
                english.text("observatory.criterion.size"),
                english.text("observatory.criterion.focus")
            )
        );
    }
}
