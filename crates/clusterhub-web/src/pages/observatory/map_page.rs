//! `GET /observatory`: a map of Europe with the regions of one NUTS level coloured by their
//! location quotient or their stars in one sector and year, the strongest regions beside it,
//! and the figures as a table under it. `sector`, `level`, `year`, `method` and `show` (`lq` or
//! `stars`) come from a plain GET form.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::{
    OBSERVATORY_PATH, criteria_text, decimal, error_response, export_links, level_options,
    method_explained, method_options, no_data, observatory_nav, one_year, page_header, percent,
    persons, reference_sentence, region_href, region_name, sector_href, sector_name,
    sector_options, select, stars, year_options,
};
use crate::AppState;
use crate::api::observatory::{
    LEVEL, METHOD, Row, SECTOR, SectorRequest, Years, data_of, find_sector, parse_level,
    parse_method, parse_year, sector_links, sector_rows,
};
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::observatory::{Method, ObservatoryData};
use crate::pages::map::{View, europe_areas};
use crate::pages::{PageShell, RequestLanguage, html_response};
use crate::query::QueryParameters;

/// The sector the map shows first: manufacturing, where clusters are easiest to see.
const DEFAULT_SECTOR: &str = "C";

/// The parameter choosing what colours the map.
const SHOW: &str = "show";

/// Regions listed beside the map.
const STRONGEST_LISTED: usize = 10;

/// Rows of the table under the map; the exports hold all of them.
const TABLE_ROWS: usize = 50;

/// The upper bounds of the location quotient classes: below 0.5, 0.5–0.8, 0.8–1.25 (about the
/// reference's own share), 1.25–2, and 2 or more (the European Cluster Observatory's
/// specialisation threshold).
const LQ_BREAKS: [f64; 4] = [0.5, 0.8, 1.25, 2.0];

/// `GET /observatory`.
pub fn router() -> Router<AppState> {
    Router::new().route(OBSERVATORY_PATH, get(map_page))
}

/// What colours the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Lq,
    Stars,
}

impl Show {
    const CHOICES: [(&'static str, Show); 2] = [("lq", Show::Lq), ("stars", Show::Stars)];

    fn slug(self) -> &'static str {
        match self {
            Show::Lq => "lq",
            Show::Stars => "stars",
        }
    }
}

/// The map page's request, checked.
struct MapRequest {
    sector: SectorRequest,
    show: Show,
}

fn read_request(data: &ObservatoryData, raw_query: Option<&str>) -> Result<MapRequest, ApiError> {
    let query = QueryParameters::parse(raw_query, &[SECTOR, LEVEL, "year", METHOD, SHOW, "lang"])?;
    let sector = match query.text(SECTOR)? {
        Some(code) => find_sector(data, code)
            .map_err(|error| ApiError::invalid_parameter(SECTOR, error.detail().to_owned()))?,
        None => find_sector(data, DEFAULT_SECTOR)?,
    };
    let level = parse_level(&query)?.unwrap_or(crate::api::observatory::DEFAULT_SECTOR_LEVEL);
    let years = match parse_year(&query, data, false)? {
        Some(years) => years,
        None => data.default_year(level).map_or(Years::All, Years::One),
    };
    Ok(MapRequest {
        sector: SectorRequest {
            sector,
            level,
            years,
            method: parse_method(&query)?,
        },
        show: query.choice(SHOW, &Show::CHOICES)?.unwrap_or(Show::Lq),
    })
}

async fn map_page(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let data = match data_of(&state).await {
        Ok(data) => data,
        Err(error) => return error_response(&language, &error),
    };
    let shell = PageShell::new(locale, OBSERVATORY_PATH).with_version(state.version());
    let title = locale.text("observatory.title");
    if data.is_empty() {
        let main = html! {
            (page_header(locale.text("observatory.eyebrow"), title, Some(locale.text("observatory.lede")), observatory_nav(locale, OBSERVATORY_PATH)))
            (no_data(locale))
        };
        return html_response(&language, StatusCode::OK, shell.render(title, main));
    }
    let request = match read_request(&data, raw_query.as_deref()) {
        Ok(request) => request,
        Err(error) => return error_response(&language, &error),
    };
    let main = render(locale, &data, &request);
    html_response(&language, StatusCode::OK, shell.render(title, main))
}

/// The colour class of a row: 0 for no data, then 1 (weakest) to 5 (strongest).
fn class_of(row: &Row, show: Show, method: Method) -> usize {
    match show {
        Show::Lq => match row.lq {
            None => 0,
            Some(lq) => 1 + LQ_BREAKS.iter().filter(|&&bound| lq >= bound).count(),
        },
        Show::Stars => {
            if row.lq.is_none() && row.employment.is_none() {
                return 0;
            }
            match (method, row.stars) {
                (_, 0) => 1,
                (Method::Eco, 1) => 3,
                (Method::Eco, 2) | (Method::Us, 1) => 4,
                _ => 5,
            }
        }
    }
}

/// The legend's classes: (class, label).
fn legend_classes(locale: Locale, show: Show, method: Method) -> Vec<(usize, String)> {
    match show {
        Show::Lq => {
            let number = |value: f64| decimal(locale, value, if value == 1.25 { 2 } else { 1 });
            vec![
                (1, format!("< {}", number(LQ_BREAKS[0]))),
                (
                    2,
                    format!("{}–{}", number(LQ_BREAKS[0]), number(LQ_BREAKS[1])),
                ),
                (
                    3,
                    format!("{}–{}", number(LQ_BREAKS[1]), number(LQ_BREAKS[2])),
                ),
                (
                    4,
                    format!("{}–{}", number(LQ_BREAKS[2]), number(LQ_BREAKS[3])),
                ),
                (5, format!("≥ {}", number(LQ_BREAKS[3]))),
            ]
        }
        Show::Stars => match method {
            Method::Eco => vec![
                (1, super::stars_text(locale, method, 0)),
                (3, super::stars_text(locale, method, 1)),
                (4, super::stars_text(locale, method, 2)),
                (5, super::stars_text(locale, method, 3)),
            ],
            Method::Us => vec![
                (1, super::stars_text(locale, method, 0)),
                (4, super::stars_text(locale, method, 1)),
                (5, super::stars_text(locale, method, 2)),
            ],
        },
    }
}

/// The value a region's shape says in its tooltip.
fn value_text(locale: Locale, row: &Row, show: Show, method: Method) -> String {
    let lq = row.lq.map_or_else(
        || locale.text("observatory.map.no_data").to_owned(),
        |lq| {
            format!(
                "{} {}",
                locale.text("observatory.table.lq_short"),
                decimal(locale, lq, 2)
            )
        },
    );
    match show {
        Show::Lq => lq,
        Show::Stars => format!("{} · {lq}", super::stars_text(locale, method, row.stars)),
    }
}

fn render(locale: Locale, data: &ObservatoryData, request: &MapRequest) -> Markup {
    let sector_request = &request.sector;
    let method = sector_request.method;
    let year = one_year(sector_request.years);
    let sector_code = &data.table.classification().sectors()[sector_request.sector].code;
    let sector_label = sector_name(locale, sector_code);
    let rows = sector_rows(data, sector_request);
    let links = sector_links(data, sector_request);
    let year_text = year.map_or_else(String::new, |year| year.to_string());
    let measure = match request.show {
        Show::Lq => locale.text("observatory.show.lq"),
        Show::Stars => locale.text("observatory.show.stars"),
    };
    let heading = locale.format(
        "observatory.map.heading",
        &[
            ("sector", &sector_label),
            ("measure", measure),
            ("year", &year_text),
        ],
    );
    let with_figures = rows.iter().filter(|row| row.lq.is_some()).count();
    html! {
        (page_header(locale.text("observatory.eyebrow"), locale.text("observatory.title"), Some(locale.text("observatory.lede")), observatory_nav(locale, OBSERVATORY_PATH)))
        div.container.obs-body {
            (controls(locale, data, request))
            div.obs-map-layout {
                figure.dir-map.obs-map #obs-map aria-labelledby="obs-map-heading" data-sector=(sector_code) data-year=(year_text) data-level=(sector_request.level) {
                    div.map-head {
                        h2.map-heading #obs-map-heading { (heading) }
                    }
                    (map_svg(locale, request, &rows, &heading))
                    (legend(locale, request.show, method))
                    figcaption.map-caption {
                        (locale.text("observatory.map.hint")) " "
                        (reference_sentence(locale, data, year)) " "
                        (locale.text("observatory.source"))
                    }
                }
                aside.panel.obs-strongest aria-labelledby="obs-strongest-heading" {
                    h2 #obs-strongest-heading { (locale.text("observatory.strongest.heading")) }
                    p.muted { (locale.format("observatory.strongest.intro", &[("sector", &sector_label), ("year", &year_text)])) }
                    ol.obs-ranking {
                        @for row in rows.iter().filter(|row| row.lq.is_some()).take(STRONGEST_LISTED) {
                            li {
                                a href=(region_href(&row.region, year, method)) { (region_name(locale, &row.region)) }
                                " " span.obs-code { (row.region) }
                                span.obs-ranking-figures {
                                    (stars(locale, method, row.stars))
                                    " " (locale.text("observatory.table.lq_short")) " " (row.lq.map_or_else(|| String::from("—"), |lq| decimal(locale, lq, 2)))
                                }
                            }
                        }
                    }
                    p { a href=(sector_href(sector_code, sector_request.level, year, method)) { (locale.format("observatory.strongest.all", &[("count", &with_figures.to_string()), ("sector", &sector_label)])) } }
                    p.obs-method-note { (method_explained(locale, method)) }
                }
            }
            section.panel.obs-table-panel aria-labelledby="obs-table-heading" {
                h2 #obs-table-heading { (locale.format("observatory.table.caption_sector", &[("sector", &sector_label), ("year", &year_text)])) }
                (export_links(locale, &links, &sector_label))
                (ranking_table(locale, &rows, year, method, TABLE_ROWS, "obs-map-table", "obs-table-heading"))
                @if rows.len() > TABLE_ROWS {
                    p.muted { (locale.format("observatory.table.shown", &[("shown", &TABLE_ROWS.to_string()), ("total", &rows.len().to_string())])) }
                }
            }
        }
    }
}

/// The form that chooses what the map shows.
fn controls(locale: Locale, data: &ObservatoryData, request: &MapRequest) -> Markup {
    let sector_request = &request.sector;
    let sector_code = &data.table.classification().sectors()[sector_request.sector].code;
    let year = one_year(sector_request.years).map_or_else(String::new, |year| year.to_string());
    let show_options: Vec<(String, String)> = Show::CHOICES
        .iter()
        .map(|(slug, _)| {
            (
                (*slug).to_owned(),
                locale.text(&format!("observatory.show.{slug}")).to_owned(),
            )
        })
        .collect();
    html! {
        form.obs-controls #obs-controls method="get" action=(OBSERVATORY_PATH) aria-labelledby="obs-controls-heading" {
            h2.visually-hidden #obs-controls-heading { (locale.text("observatory.controls.heading")) }
            (select("obs-sector", SECTOR, locale.text("observatory.controls.sector"), &sector_options(locale, data), sector_code))
            (select("obs-level", LEVEL, locale.text("observatory.controls.level"), &level_options(locale), &sector_request.level.to_string()))
            (select("obs-year", "year", locale.text("observatory.controls.year"), &year_options(data), &year))
            (select("obs-method", METHOD, locale.text("observatory.controls.method"), &method_options(locale), sector_request.method.slug()))
            (select("obs-show", SHOW, locale.text("observatory.controls.show"), &show_options, request.show.slug()))
            div.obs-field.obs-submit {
                button.button #obs-apply type="submit" { (locale.text("observatory.controls.apply")) }
            }
        }
    }
}

/// The map: every region of the level, coloured when the table has figures for it, with the
/// country borders on top.
fn map_svg(locale: Locale, request: &MapRequest, rows: &[Row], heading: &str) -> Markup {
    let sector_request = &request.sector;
    let method = sector_request.method;
    let year = one_year(sector_request.years);
    let by_code: HashMap<&str, &Row> = rows.iter().map(|row| (row.region.as_str(), row)).collect();
    let view = View::europe();
    let areas = europe_areas(sector_request.level);
    let countries = europe_areas(0);
    html! {
        div.map-frame {
            svg.map-svg.obs-map-svg #obs-map-svg viewBox=(view.attribute()) preserveAspectRatio="xMidYMid meet"
                role="group" aria-label=(locale.format("observatory.map.aria", &[("heading", heading)])) focusable="false" {
                rect.map-sea x="-6000" y="-6000" width="12000" height="12000" {}
                g.map-areas #obs-areas {
                    @for (code, area) in areas {
                        @match by_code.get(code.as_str()) {
                            Some(row) => {
                                @let class = class_of(row, request.show, method);
                                a href=(region_href(code, year, method)) tabindex="-1" data-code=(code) data-class=(class) {
                                    path.area.{"obs-c" (class)} d=(area.path) {
                                        title { (region_name(locale, code)) " (" (code) "): " (value_text(locale, row, request.show, method)) }
                                    }
                                }
                            }
                            None => {
                                path.area.obs-c0 d=(area.path) data-code=(code) data-class="0" {
                                    title { (region_name(locale, code)) ": " (locale.text("observatory.map.no_data")) }
                                }
                            }
                        }
                    }
                }
                @if sector_request.level > 0 {
                    g.obs-borders aria-hidden="true" {
                        @for area in countries.values() { path d=(area.path) {} }
                    }
                }
            }
        }
    }
}

fn legend(locale: Locale, show: Show, method: Method) -> Markup {
    let title = match show {
        Show::Lq => locale.text("observatory.map.legend_lq"),
        Show::Stars => locale.text("observatory.map.legend_stars"),
    };
    html! {
        div.map-legend.obs-legend {
            span.legend-title { (title) }
            ul.legend-scale {
                @for (class, label) in legend_classes(locale, show, method) {
                    li { span.swatch.{"obs-c" (class)} aria-hidden="true" {} (label) }
                }
                li { span.swatch.obs-c0 aria-hidden="true" {} (locale.text("observatory.map.no_data")) }
            }
        }
    }
}

/// The regions of a sector as a table, strongest first: rank, region, employment, share, LQ,
/// stars and criteria.
pub fn ranking_table(
    locale: Locale,
    rows: &[Row],
    year: Option<u16>,
    method: Method,
    limit: usize,
    id: &str,
    labelled_by: &str,
) -> Markup {
    html! {
        // Focusable, so that a keyboard can scroll it on a phone.
        div.table-scroll tabindex="0" role="region" aria-labelledby=(labelled_by) {
            table.data-table.obs-table #(id) {
                thead {
                    tr {
                        th.numeric scope="col" { (locale.text("observatory.table.rank")) }
                        th scope="col" { (locale.text("observatory.table.region")) }
                        th.numeric scope="col" { (locale.text("observatory.table.employment")) }
                        th.numeric scope="col" { (locale.text("observatory.table.share")) }
                        th.numeric scope="col" { (locale.text("observatory.table.lq")) }
                        th scope="col" { (locale.text("observatory.table.stars")) }
                        th scope="col" { (locale.text("observatory.table.criteria")) }
                    }
                }
                tbody {
                    @for (index, row) in rows.iter().take(limit).enumerate() {
                        tr {
                            td.numeric { (index + 1) }
                            th scope="row" {
                                a href=(region_href(&row.region, year, method)) { (region_name(locale, &row.region)) }
                                " " span.obs-code { (row.region) }
                            }
                            td.numeric { (row.employment.map_or_else(|| String::from("—"), |value| persons(locale, value))) }
                            td.numeric { (row.share.map_or_else(|| String::from("—"), |share| percent(locale, share))) }
                            td.numeric { (row.lq.map_or_else(|| String::from("—"), |lq| decimal(locale, lq, 2))) }
                            td { (stars(locale, method, row.stars)) }
                            td.obs-criteria { (criteria_text(locale, &row.criteria)) }
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

    fn row(lq: Option<f64>, stars: u8) -> Row {
        Row {
            region: String::from("AT13"),
            region_name: String::from("Wien"),
            level: 2,
            country: String::from("AT"),
            sector: String::from("C"),
            sector_label: String::from("Manufacturing"),
            sector_role: "subgroup",
            year: 2015,
            employment: Some(1),
            region_employment: Some(2),
            share: Some(0.5),
            lq,
            employment_rank: None,
            share_rank: None,
            lq_rank: None,
            growth: None,
            stars,
            criteria: Vec::new(),
        }
    }

    #[test]
    fn colour_classes_follow_the_location_quotient_or_the_stars() {
        let class = |lq: Option<f64>| class_of(&row(lq, 0), Show::Lq, Method::Eco);
        assert_eq!(class(None), 0);
        assert_eq!(class(Some(0.0)), 1);
        assert_eq!(class(Some(0.5)), 2);
        assert_eq!(class(Some(1.0)), 3);
        assert_eq!(class(Some(1.25)), 4);
        assert_eq!(class(Some(2.0)), 5);
        assert_eq!(class(Some(7.3)), 5);
        let stars =
            |count: u8, method: Method| class_of(&row(Some(1.0), count), Show::Stars, method);
        assert_eq!(
            [0, 1, 2, 3].map(|count| stars(count, Method::Eco)),
            [1, 3, 4, 5]
        );
        assert_eq!([0, 1, 2].map(|count| stars(count, Method::Us)), [1, 4, 5]);
        // Every class the map uses is in its legend.
        let english = Locale::from_code("en").expect("English");
        for method in [Method::Eco, Method::Us] {
            let classes: Vec<usize> = legend_classes(english, Show::Stars, method)
                .into_iter()
                .map(|(class, _)| class)
                .collect();
            for count in 0..=method.max_stars() {
                assert!(
                    classes.contains(&stars(count, method)),
                    "{method:?} {count}"
                );
            }
        }
        assert_eq!(
            legend_classes(english, Show::Lq, Method::Eco)[2].1,
            "0.8–1.25"
        );
    }
}
