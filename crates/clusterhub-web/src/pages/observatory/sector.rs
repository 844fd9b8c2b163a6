//! `GET /observatory/sectors/{sector}`: the strongest regions of one level in a sector, as bars
//! of the most specialised and a ranking table, with the link to the same sector on the map.
//! `level`, `year` and `method` come from a plain GET form.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::map_page::ranking_table;
use super::{
    BarRow, OBSERVATORY_PATH, bar_list, decimal, error_response, export_links, level_options,
    method_explained, method_options, observatory_nav, one_year, page_header, reference_sentence,
    region_href, region_name, sector_name, select, stars, year_options,
};
use crate::AppState;
use crate::api::observatory::{
    LEVEL, METHOD, SectorRequest, data_of, sector_links, sector_request, sector_rows, with_query,
};
use crate::i18n::Locale;
use crate::observatory::ObservatoryData;
use crate::pages::{PageShell, RequestLanguage, html_response};

/// Regions drawn as bars.
const BARS: usize = 15;

/// Rows of the ranking table; the exports hold all of them.
const TABLE_ROWS: usize = 100;

/// `GET /observatory/sectors/{sector}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/observatory/sectors/{sector}", get(sector_page))
}

async fn sector_page(
    State(state): State<AppState>,
    Path(sector): Path<String>,
    RawQuery(raw_query): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let data = match data_of(&state).await {
        Ok(data) => data,
        Err(error) => return error_response(&language, &error),
    };
    let request = match sector_request(&data, &sector, raw_query.as_deref(), &["lang"]) {
        Ok(request) => request,
        Err(error) => return error_response(&language, &error),
    };
    let code = data.table.classification().sectors()[request.sector]
        .code
        .clone();
    let path = format!("{OBSERVATORY_PATH}/sectors/{code}");
    let shell = PageShell::new(locale, &path).with_version(state.version());
    let title = sector_name(locale, &code);
    let main = render(locale, &data, &request);
    html_response(&language, StatusCode::OK, shell.render(&title, main))
}

fn render(locale: Locale, data: &ObservatoryData, request: &SectorRequest) -> Markup {
    let code = &data.table.classification().sectors()[request.sector].code;
    let name = sector_name(locale, code);
    let year = one_year(request.years);
    let year_text = year.map_or_else(String::new, |year| year.to_string());
    let method = request.method;
    let rows = sector_rows(data, request);
    let with_lq: Vec<_> = rows.iter().filter(|row| row.lq.is_some()).collect();
    let links = sector_links(data, request);
    let mut by_lq = with_lq.clone();
    by_lq.sort_by(|left, right| right.lq.unwrap_or(0.0).total_cmp(&left.lq.unwrap_or(0.0)));
    let largest = by_lq.first().and_then(|row| row.lq).unwrap_or(0.0);
    let bars: Vec<BarRow> = by_lq
        .iter()
        .take(BARS)
        .map(|row| {
            let lq = row.lq.unwrap_or(0.0);
            BarRow {
                label: format!("{} ({})", region_name(locale, &row.region), row.region),
                href: Some(region_href(&row.region, year, method)),
                value_text: format!(
                    "{} {}",
                    locale.text("observatory.table.lq_short"),
                    decimal(locale, lq, 2)
                ),
                stars: stars(locale, method, row.stars),
                fraction: lq / largest.max(f64::EPSILON),
                muted: row.stars == 0,
            }
        })
        .collect();
    let map_href = with_query(
        OBSERVATORY_PATH,
        &[
            ("sector", code.clone()),
            (LEVEL, request.level.to_string()),
            ("year", year_text.clone()),
            (METHOD, method.slug().to_owned()),
        ],
    );
    let header_extra = html! {
        p.obs-header-links { a href=(map_href) { (locale.format("observatory.sector.map_link", &[("sector", &name)])) } }
        (observatory_nav(locale, ""))
    };
    let eyebrow = locale.format("observatory.sector.eyebrow", &[("code", code)]);
    html! {
        (page_header(&eyebrow, &name, Some(locale.text("observatory.sector.lede")), header_extra))
        div.container.obs-body {
            (controls(locale, data, request))
            @if !bars.is_empty() {
                section.panel.obs-sector-bars aria-labelledby="obs-bars-heading" {
                    h2 #obs-bars-heading { (locale.format("observatory.sector.bars_title", &[("count", &bars.len().to_string()), ("sector", &name), ("year", &year_text)])) }
                    p.panel-intro { (locale.text("observatory.lq_explained")) " " (reference_sentence(locale, data, year)) }
                    (bar_list("obs-sector-chart", &locale.format("observatory.sector.bars_title", &[("count", &bars.len().to_string()), ("sector", &name), ("year", &year_text)]), &bars))
                    p.muted.obs-chart-key { (locale.text("observatory.sector.bars_key")) }
                }
            }
            section.panel.obs-table-panel aria-labelledby="obs-table-heading" {
                h2 #obs-table-heading { (locale.format("observatory.table.caption_sector", &[("sector", &name), ("year", &year_text)])) }
                p.panel-intro { (method_explained(locale, method)) }
                (export_links(locale, &links, &name))
                (ranking_table(locale, &rows, year, method, TABLE_ROWS, "obs-sector-table",
                    "obs-table-heading"))
                @if rows.len() > TABLE_ROWS {
                    p.muted { (locale.format("observatory.table.shown", &[("shown", &TABLE_ROWS.to_string()), ("total", &rows.len().to_string())])) }
                }
            }
        }
    }
}

fn controls(locale: Locale, data: &ObservatoryData, request: &SectorRequest) -> Markup {
    let code = &data.table.classification().sectors()[request.sector].code;
    let year = one_year(request.years).map_or_else(String::new, |year| year.to_string());
    html! {
        form.obs-controls #obs-controls method="get" action={ (OBSERVATORY_PATH) "/sectors/" (code) } aria-labelledby="obs-controls-heading" {
            h2.visually-hidden #obs-controls-heading { (locale.text("observatory.controls.heading")) }
            (select("obs-level", LEVEL, locale.text("observatory.controls.level"), &level_options(locale), &request.level.to_string()))
            (select("obs-year", "year", locale.text("observatory.controls.year"), &year_options(data), &year))
            (select("obs-method", METHOD, locale.text("observatory.controls.method"), &method_options(locale), request.method.slug()))
            div.obs-field.obs-submit {
                button.button #obs-apply type="submit" { (locale.text("observatory.controls.apply")) }
            }
        }
    }
}
