//! `GET /observatory/compare?region=..&region=..`: up to five regions side by side, the location
//! quotient and stars of every sector in one table, the shares in another, and the location
//! quotient of one sector over time as a chart. More than five regions is a 400, as in the API.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use clusterhub_observatory::SectorRole;
use maud::{Markup, html};

use super::{
    decimal, display_order, error_response, export_links, method_explained, method_options,
    no_data, observatory_nav, one_year, page_header, percent, reference_sentence, region_href,
    region_name, sector_name, sector_options, sector_short, select, stars, year_options,
};
use crate::AppState;
use crate::api::observatory::{
    COMPARE_MAX_REGIONS, CompareRequest, METHOD, REGION, Row, SECTOR, Years, compare_links,
    compare_request, compare_rows, data_of, find_sector,
};
use crate::i18n::Locale;
use crate::observatory::ObservatoryData;
use crate::pages::chart::{Series, line_chart};
use crate::pages::{PageShell, RequestLanguage, html_response};

/// The path of the page.
const COMPARE_PATH: &str = "/observatory/compare";

/// The sector the chart shows when none is chosen.
const DEFAULT_CHART_SECTOR: &str = "C";

/// `GET /observatory/compare`.
pub fn router() -> Router<AppState> {
    Router::new().route(COMPARE_PATH, get(compare_page))
}

async fn compare_page(
    State(state): State<AppState>,
    RawQuery(raw_query): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let data = match data_of(&state).await {
        Ok(data) => data,
        Err(error) => return error_response(&language, &error),
    };
    let shell = PageShell::new(locale, COMPARE_PATH).with_version(state.version());
    let title = locale.text("observatory.compare.title");
    if data.is_empty() {
        let main = html! {
            (page_header(locale.text("observatory.eyebrow"), title, Some(locale.text("observatory.compare.lede")), observatory_nav(locale, COMPARE_PATH)))
            (no_data(locale))
        };
        return html_response(&language, StatusCode::OK, shell.render(title, main));
    }
    let request = match compare_request(&data, raw_query.as_deref(), &["lang"], true) {
        Ok(request) => request,
        Err(error) => return error_response(&language, &error),
    };
    let main = render(locale, &data, &request);
    html_response(&language, StatusCode::OK, shell.render(title, main))
}

fn render(locale: Locale, data: &ObservatoryData, request: &CompareRequest) -> Markup {
    html! {
        (page_header(locale.text("observatory.eyebrow"), locale.text("observatory.compare.title"), Some(locale.text("observatory.compare.lede")), observatory_nav(locale, COMPARE_PATH)))
        div.container.obs-body {
            (form(locale, data, request))
            @if request.regions.is_empty() {
                div.empty-state #obs-compare-empty { p { (locale.text("observatory.compare.empty")) } }
            } @else {
                (tables(locale, data, request))
                (chart(locale, data, request))
            }
        }
    }
}

fn form(locale: Locale, data: &ObservatoryData, request: &CompareRequest) -> Markup {
    let chosen: Vec<&str> = request
        .regions
        .iter()
        .map(|&region| data.table.regions()[region].code.as_str())
        .collect();
    let chart_sector = chart_sector(data, request);
    let sector_code = &data.table.classification().sectors()[chart_sector].code;
    let year = one_year(request.years).map_or_else(String::new, |year| year.to_string());
    html! {
        form.obs-controls.obs-compare-form #obs-controls method="get" action=(COMPARE_PATH) aria-labelledby="obs-controls-heading" {
            h2.visually-hidden #obs-controls-heading { (locale.text("observatory.controls.heading")) }
            fieldset.obs-regions {
                legend { (locale.text("observatory.compare.regions")) }
                p.obs-hint #obs-region-hint { (locale.text("observatory.compare.region_hint")) }
                div.obs-region-inputs {
                    @for number in 0..COMPARE_MAX_REGIONS {
                        div.obs-field {
                            label for={ "obs-region-" (number + 1) } { (locale.format("observatory.compare.region_n", &[("number", &(number + 1).to_string())])) }
                            input #{ "obs-region-" (number + 1) } type="text" name=(REGION) list="obs-region-list"
                                value=(chosen.get(number).copied().unwrap_or_default())
                                autocomplete="off" spellcheck="false" maxlength="80" aria-describedby="obs-region-hint";
                        }
                    }
                }
            }
            datalist #obs-region-list {
                @for region in data.table.regions() {
                    option value=(region.code) { (region_name(locale, &region.code)) }
                }
            }
            (select("obs-sector", SECTOR, locale.text("observatory.compare.sector"), &sector_options(locale, data), sector_code))
            (select("obs-year", "year", locale.text("observatory.controls.year"), &year_options(data), &year))
            (select("obs-method", METHOD, locale.text("observatory.controls.method"), &method_options(locale), request.method.slug()))
            div.obs-field.obs-submit {
                button.button #obs-apply type="submit" { (locale.text("observatory.compare.submit")) }
            }
        }
    }
}

/// The sector of the chart: the one chosen, else manufacturing.
fn chart_sector(data: &ObservatoryData, request: &CompareRequest) -> usize {
    request
        .sector
        .or_else(|| find_sector(data, DEFAULT_CHART_SECTOR).ok())
        .unwrap_or(0)
}

fn tables(locale: Locale, data: &ObservatoryData, request: &CompareRequest) -> Markup {
    let every_sector = CompareRequest {
        sector: None,
        ..request.clone()
    };
    let rows = compare_rows(data, &every_sector);
    let links = compare_links(data, &every_sector);
    let year = one_year(request.years);
    let year_text = year.map_or_else(String::new, |year| year.to_string());
    let method = request.method;
    let classification = data.table.classification();
    let regions: Vec<&str> = request
        .regions
        .iter()
        .map(|&region| data.table.regions()[region].code.as_str())
        .collect();
    let cell = |region: &str, sector: &str| -> Option<&Row> {
        rows.iter()
            .find(|row| row.region == region && row.sector == sector)
    };
    html! {
        section.panel.obs-compare-panel aria-labelledby="obs-compare-lq-heading" {
            h2 #obs-compare-lq-heading { (locale.format("observatory.compare.lq_table", &[("year", &year_text)])) }
            p.panel-intro { (locale.text("observatory.lq_explained")) " " (method_explained(locale, method)) }
            (export_links(locale, &links, locale.text("observatory.compare.title")))
            div.table-scroll tabindex="0" role="region" aria-labelledby="obs-compare-lq-heading" {
                table.data-table.obs-table.obs-compare-table #obs-compare-table aria-labelledby="obs-compare-lq-heading" {
                    thead {
                        tr {
                            th scope="col" { (locale.text("observatory.table.sector")) }
                            @for code in &regions {
                                th scope="col" {
                                    a href=(region_href(code, year, method)) { (region_name(locale, code)) }
                                    " " span.obs-code { (code) }
                                }
                            }
                        }
                    }
                    tbody {
                        @for position in display_order(classification) {
                            @let sector = &classification.sectors()[position];
                            @let nested = !matches!(classification.role(position), SectorRole::Partition);
                            tr.obs-nested[nested] {
                                th scope="row" { span.obs-code { (sector.code) } " " (sector_short(locale, &sector.code)) }
                                @for code in &regions {
                                    td {
                                        @match cell(code, &sector.code) {
                                            Some(row) if row.lq.is_some() => {
                                                span.obs-lq { (decimal(locale, row.lq.unwrap_or(0.0), 2)) }
                                                " " (stars(locale, method, row.stars))
                                            }
                                            _ => { "—" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p.muted { (locale.text("observatory.table.partition_note")) " " (reference_sentence(locale, data, year)) }
        }
        section.panel.obs-compare-panel aria-labelledby="obs-compare-share-heading" {
            h2 #obs-compare-share-heading { (locale.format("observatory.compare.share_table", &[("year", &year_text)])) }
            (export_links(locale, &links, &locale.format("observatory.compare.share_table", &[("year", &year_text)])))
            div.table-scroll tabindex="0" role="region" aria-labelledby="obs-compare-share-heading" {
                table.data-table.obs-table #obs-compare-shares aria-labelledby="obs-compare-share-heading" {
                    thead {
                        tr {
                            th scope="col" { (locale.text("observatory.table.sector")) }
                            @for code in &regions { th.numeric scope="col" { (region_name(locale, code)) } }
                        }
                    }
                    tbody {
                        @for position in display_order(classification) {
                            @let sector = &classification.sectors()[position];
                            @let nested = !matches!(classification.role(position), SectorRole::Partition);
                            tr.obs-nested[nested] {
                                th scope="row" { span.obs-code { (sector.code) } " " (sector_short(locale, &sector.code)) }
                                @for code in &regions {
                                    td.numeric { (cell(code, &sector.code).and_then(|row| row.share).map_or_else(|| String::from("—"), |share| percent(locale, share))) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn chart(locale: Locale, data: &ObservatoryData, request: &CompareRequest) -> Markup {
    let sector = chart_sector(data, request);
    let code = &data.table.classification().sectors()[sector].code;
    let name = sector_name(locale, code);
    let years = data.table.years();
    let series: Vec<Series> = request
        .regions
        .iter()
        .map(|&region| Series {
            label: region_name(locale, &data.table.regions()[region].code),
            values: (0..years.len())
                .map(|year| data.cell(region, sector, year).and_then(|cell| cell.lq))
                .collect(),
        })
        .collect();
    let known = |year: usize| series.iter().any(|line| line.values[year].is_some());
    let Some(first) = (0..years.len()).find(|&year| known(year)) else {
        return html! {};
    };
    let last = (0..years.len()).rfind(|&year| known(year)).unwrap_or(first);
    let shown: Vec<Series> = series
        .iter()
        .map(|line| Series {
            label: line.label.clone(),
            values: line.values[first..=last].to_vec(),
        })
        .collect();
    let labels: Vec<String> = years[first..=last].iter().map(u16::to_string).collect();
    let title = locale.format(
        "observatory.compare.chart_title",
        &[
            ("sector", &name),
            ("first", &labels[0]),
            ("last", &labels[labels.len() - 1]),
        ],
    );
    let description: Vec<String> = shown
        .iter()
        .map(|line| {
            let known: Vec<String> = labels
                .iter()
                .zip(&line.values)
                .filter_map(|(year, value)| {
                    value.map(|value| format!("{year} {}", decimal(locale, value, 2)))
                })
                .collect();
            format!("{}: {}", line.label, known.join(", "))
        })
        .collect();
    let over_time = CompareRequest {
        sector: Some(sector),
        years: Years::All,
        ..request.clone()
    };
    let links = compare_links(data, &over_time);
    let format = |value: f64| decimal(locale, value, 1);
    html! {
        section.panel.obs-compare-chart aria-labelledby="obs-compare-chart-heading" {
            h2 #obs-compare-chart-heading { (title) }
            figure.chart-figure {
                (line_chart("obs-compare-chart", &title, &description.join("; "), &labels, &shown, &format))
            }
            (export_links(locale, &links, &title))
        }
    }
}
