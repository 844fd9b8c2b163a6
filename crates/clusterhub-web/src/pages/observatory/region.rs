//! `GET /observatory/regions/{nuts}`: a region's portfolio. Its sectors as bars with their
//! stars, every sector's figures in a table, its employment over time, the cluster organisations
//! the directory has there, and the regions above and below it. `year` and `method` come from a
//! plain GET form.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use clusterhub_observatory::SectorRole;
use clusterhub_search::{Filters, Hit, SearchQuery, Sort};
use maud::{Markup, html};

use super::{
    BarRow, OBSERVATORY_PATH, bar_list, criteria_text, decimal, display_order, error_response,
    export_links, method_explained, method_options, observatory_nav, one_year, page_header,
    percent, persons, reference_sentence, region_href, region_name, sector_href, sector_name,
    sector_short, select, stars, year_options,
};
use crate::AppState;
use crate::api::observatory::{
    Links, METHOD, RegionRequest, Row, Years, data_of, region_links, region_request, region_rows,
    with_query,
};
use crate::i18n::Locale;
use crate::observatory::ObservatoryData;
use crate::pages::chart::{Series, line_chart};
use crate::pages::{PageShell, RequestLanguage, html_response};

/// Cluster organisations listed on the page; the directory lists them all.
const ORGANISATIONS_LISTED: usize = 12;

/// `GET /observatory/regions/{nuts}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/observatory/regions/{nuts}", get(region_page))
}

/// The directory's cluster organisations in a region: how many, and the first ones by name.
#[derive(Debug, Default)]
struct Organisations {
    clusters: u64,
    all: u64,
    listed: Vec<Hit>,
}

async fn organisations_in(state: &AppState, code: &str) -> Organisations {
    let index = state.search().clone();
    let query = SearchQuery {
        filters: Filters {
            nuts: vec![code.to_owned()],
            kind: vec![String::from("cluster")],
            ..Filters::default()
        },
        sort: Sort::Name,
        per_page: ORGANISATIONS_LISTED,
        ..SearchQuery::default()
    };
    let found = tokio::task::spawn_blocking(move || index.search(&query)).await;
    match found {
        Ok(Ok(results)) => Organisations {
            clusters: results.total,
            // The type counts are disjunctive: together, every organisation of the region.
            all: results
                .facets
                .get(&clusterhub_search::FacetGroup::Kind)
                .map_or(0, |counts| counts.values().sum()),
            listed: results.hits,
        },
        Ok(Err(error)) => {
            tracing::warn!(%error, "the organisations of a region could not be searched");
            Organisations::default()
        }
        Err(error) => {
            tracing::warn!(%error, "the search of a region's organisations failed");
            Organisations::default()
        }
    }
}

async fn region_page(
    State(state): State<AppState>,
    Path(nuts): Path<String>,
    RawQuery(raw_query): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let data = match data_of(&state).await {
        Ok(data) => data,
        Err(error) => return error_response(&language, &error),
    };
    let request = match region_request(&data, &nuts, raw_query.as_deref(), &["lang"], false) {
        Ok(request) => request,
        Err(error) => return error_response(&language, &error),
    };
    let code = data.table.regions()[request.region].code.clone();
    let organisations = organisations_in(&state, &code).await;
    let path = format!("{OBSERVATORY_PATH}/regions/{code}");
    let shell = PageShell::new(locale, &path).with_version(state.version());
    let title = region_name(locale, &code);
    let main = render(locale, &data, &request, &organisations);
    html_response(&language, StatusCode::OK, shell.render(&title, main))
}

fn render(
    locale: Locale,
    data: &ObservatoryData,
    request: &RegionRequest,
    organisations: &Organisations,
) -> Markup {
    let region = &data.table.regions()[request.region];
    let code = &region.code;
    let name = region_name(locale, code);
    let year = one_year(request.years);
    let method = request.method;
    let rows = region_rows(data, request);
    let links = region_links(data, request);
    let eyebrow = if region.level == 0 {
        locale.text("observatory.region.eyebrow_country").to_owned()
    } else {
        locale.format(
            "observatory.region.eyebrow",
            &[("level", &region.level.to_string())],
        )
    };
    // The regions above, from the country down.
    let above: Vec<&str> = (2..code.len())
        .map(|end| &code[..end])
        .filter(|parent| data.table.region_position(parent).is_some())
        .collect();
    let header_extra = html! {
        @if !above.is_empty() {
            p.obs-breadcrumb {
                span { (locale.text("observatory.region.part_of")) " " }
                @for (index, parent) in above.iter().enumerate() {
                    @if index > 0 { span aria-hidden="true" { " › " } }
                    a href=(region_href(parent, year, method)) { (region_name(locale, parent)) }
                }
            }
        }
        (observatory_nav(locale, ""))
    };
    html! {
        (page_header(&eyebrow, &format!("{name} ({code})"), None, header_extra))
        div.container.obs-body {
            (controls(locale, data, request))
            @match year {
                Some(year) => {
                    (key_figures(locale, data, request, &rows, year))
                    (portfolio(locale, data, request, &rows, &links, year))
                }
                None => {
                    p.empty-state { (locale.text("observatory.region.no_year")) }
                }
            }
            (time_series(locale, data, request))
            (organisations_panel(locale, code, &name, organisations))
            (subregions(locale, data, request))
        }
    }
}

fn controls(locale: Locale, data: &ObservatoryData, request: &RegionRequest) -> Markup {
    let code = &data.table.regions()[request.region].code;
    let year = one_year(request.years).map_or_else(String::new, |year| year.to_string());
    html! {
        form.obs-controls #obs-controls method="get" action={ (OBSERVATORY_PATH) "/regions/" (code) } aria-labelledby="obs-controls-heading" {
            h2.visually-hidden #obs-controls-heading { (locale.text("observatory.controls.heading")) }
            (select("obs-year", "year", locale.text("observatory.controls.year"), &year_options(data), &year))
            (select("obs-method", METHOD, locale.text("observatory.controls.method"), &method_options(locale), request.method.slug()))
            div.obs-field.obs-submit {
                button.button #obs-apply type="submit" { (locale.text("observatory.controls.apply")) }
            }
            div.obs-field.obs-submit {
                a.button.button-quiet href=(with_query("/observatory/compare", &[("region", code.clone())])) { (locale.text("observatory.region.compare")) }
            }
        }
    }
}

fn key_figures(
    locale: Locale,
    data: &ObservatoryData,
    request: &RegionRequest,
    rows: &[Row],
    year: u16,
) -> Markup {
    let total = rows.iter().find_map(|row| row.region_employment);
    let partition: Vec<&Row> = rows
        .iter()
        .filter(|row| row.sector_role == "partition")
        .collect();
    let starred = partition.iter().filter(|row| row.stars > 0).count();
    let strongest = partition
        .iter()
        .filter(|row| row.lq.is_some())
        .max_by(|left, right| {
            left.stars
                .cmp(&right.stars)
                .then(left.lq.unwrap_or(0.0).total_cmp(&right.lq.unwrap_or(0.0)))
        });
    html! {
        section.figures.obs-figures aria-labelledby="obs-figures-heading" {
            h2.visually-hidden #obs-figures-heading { (locale.text("observatory.region.figures")) }
            dl.figure-grid {
                div.figure {
                    dt { (locale.format("observatory.region.employment", &[("year", &year.to_string())])) }
                    dd { (total.map_or_else(|| String::from("—"), |total| persons(locale, total))) }
                }
                div.figure {
                    dt { (locale.text("observatory.region.starred")) }
                    dd { (starred) " / " (partition.len()) }
                }
                div.figure {
                    dt { (locale.text("observatory.region.most_specialised")) }
                    dd.obs-figure-text {
                        @if let Some(row) = strongest {
                            a href=(sector_href(&row.sector, data.table.regions()[request.region].level, Some(year), request.method)) { (sector_short(locale, &row.sector)) }
                            " · " (locale.text("observatory.table.lq_short")) " " (row.lq.map_or_else(String::new, |lq| decimal(locale, lq, 2)))
                        } @else { "—" }
                    }
                }
            }
        }
    }
}

fn portfolio(
    locale: Locale,
    data: &ObservatoryData,
    request: &RegionRequest,
    rows: &[Row],
    links: &Links,
    year: u16,
) -> Markup {
    let region = &data.table.regions()[request.region];
    let name = region_name(locale, &region.code);
    let method = request.method;
    let classification = data.table.classification();
    let partition: Vec<&Row> = rows
        .iter()
        .filter(|row| row.sector_role == "partition")
        .collect();
    let largest = partition
        .iter()
        .filter_map(|row| row.share)
        .fold(0.0, f64::max);
    let bars: Vec<BarRow> = partition
        .iter()
        .map(|row| BarRow {
            label: sector_short(locale, &row.sector),
            href: Some(sector_href(&row.sector, region.level, Some(year), method)),
            value_text: row
                .share
                .map_or_else(|| String::from("—"), |share| percent(locale, share)),
            stars: stars(locale, method, row.stars),
            fraction: row
                .share
                .map_or(0.0, |share| share / largest.max(f64::EPSILON)),
            muted: row.stars == 0,
        })
        .collect();
    let year_text = year.to_string();
    html! {
        section.panel.obs-portfolio aria-labelledby="obs-portfolio-heading" {
            h2 #obs-portfolio-heading { (locale.format("observatory.region.portfolio", &[("year", &year_text)])) }
            p.panel-intro { (locale.text("observatory.region.portfolio_intro")) " " (method_explained(locale, method)) }
            div.obs-portfolio-chart {
                (bar_list("obs-portfolio-chart", &locale.format("observatory.region.bars_title", &[("region", &name), ("year", &year_text)]), &bars))
            }
            p.muted.obs-chart-key { (locale.text("observatory.region.bars_key")) }
            h3 #obs-sector-table-heading { (locale.format("observatory.region.table", &[("region", &name), ("year", &year_text)])) }
            (export_links(locale, links, &name))
            div.table-scroll tabindex="0" role="region" aria-labelledby="obs-sector-table-heading" {
                table.data-table.obs-table #obs-portfolio-table aria-labelledby="obs-sector-table-heading" {
                    thead {
                        tr {
                            th scope="col" { (locale.text("observatory.table.sector")) }
                            th.numeric scope="col" { (locale.text("observatory.table.employment")) }
                            th.numeric scope="col" { (locale.text("observatory.table.share")) }
                            th.numeric scope="col" { (locale.text("observatory.table.lq")) }
                            th scope="col" { (locale.text("observatory.table.stars")) }
                            th scope="col" { (locale.text("observatory.table.criteria")) }
                            th.numeric scope="col" { (locale.text("observatory.table.growth")) }
                        }
                    }
                    tbody {
                        @for row in display_order(classification).into_iter().filter_map(|position| rows.iter().find(|row| row.sector == classification.sectors()[position].code)) {
                            @let position = classification.position(&row.sector).unwrap_or(0);
                            @let nested = !matches!(classification.role(position), SectorRole::Partition);
                            tr.obs-nested[nested] {
                                th scope="row" {
                                    a href=(sector_href(&row.sector, region.level, Some(year), method)) title=(sector_name(locale, &row.sector)) {
                                        span.obs-code { (row.sector) } " " (sector_short(locale, &row.sector))
                                    }
                                }
                                td.numeric { (row.employment.map_or_else(|| String::from("—"), |value| persons(locale, value))) }
                                td.numeric { (row.share.map_or_else(|| String::from("—"), |share| percent(locale, share))) }
                                td.numeric { (row.lq.map_or_else(|| String::from("—"), |lq| decimal(locale, lq, 2))) }
                                td { (stars(locale, method, row.stars)) }
                                td.obs-criteria { (criteria_text(locale, &row.criteria)) }
                                td.numeric { (row.growth.map_or_else(|| String::from("—"), |growth| percent(locale, growth))) }
                            }
                        }
                    }
                }
            }
            p.muted { (locale.text("observatory.table.partition_note")) " " (reference_sentence(locale, data, Some(year))) }
        }
    }
}

fn time_series(locale: Locale, data: &ObservatoryData, request: &RegionRequest) -> Markup {
    let region = &data.table.regions()[request.region];
    let name = region_name(locale, &region.code);
    let years = data.table.years();
    let totals: Vec<Option<u64>> = (0..years.len())
        .map(|year| data.table.total(request.region, year))
        .collect();
    let Some(first) = totals.iter().position(Option::is_some) else {
        return html! {};
    };
    let last = totals.iter().rposition(Option::is_some).unwrap_or(first);
    let shown_years: Vec<String> = years[first..=last].iter().map(u16::to_string).collect();
    #[allow(clippy::cast_precision_loss)]
    let series = Series {
        label: name.clone(),
        values: totals[first..=last]
            .iter()
            .map(|value| value.map(|value| value as f64))
            .collect(),
    };
    let description: Vec<String> = shown_years
        .iter()
        .zip(&totals[first..=last])
        .filter_map(|(year, value)| {
            value.map(|value| format!("{year}: {}", persons(locale, value)))
        })
        .collect();
    let chart_title = locale.format(
        "observatory.region.timeseries_title",
        &[
            ("region", &name),
            ("first", &shown_years[0]),
            ("last", &shown_years[shown_years.len() - 1]),
        ],
    );
    let all_years = RegionRequest {
        years: Years::All,
        ..request.clone()
    };
    let links = region_links(data, &all_years);
    let format = |value: f64| persons(locale, value.max(0.0).round() as u64);
    html! {
        section.panel.obs-timeseries aria-labelledby="obs-timeseries-heading" {
            h2 #obs-timeseries-heading { (locale.text("observatory.region.timeseries")) }
            figure.chart-figure {
                (line_chart("obs-timeseries-chart", &chart_title, &description.join(", "), &shown_years, &[series], &format))
            }
            details.chart-table {
                summary { (locale.text("observatory.region.timeseries_table")) }
                (export_links(locale, &links, &name))
                div.table-scroll tabindex="0" role="region" aria-labelledby="obs-timeseries-heading" {
                    table.data-table #obs-timeseries-table {
                        caption.visually-hidden { (chart_title) }
                        thead {
                            tr {
                                th scope="col" { (locale.text("observatory.table.year")) }
                                th.numeric scope="col" { (locale.text("observatory.table.employment")) }
                            }
                        }
                        tbody {
                            @for (year, value) in shown_years.iter().zip(&totals[first..=last]) {
                                tr {
                                    th scope="row" { (year) }
                                    td.numeric { (value.map_or_else(|| String::from("—"), |value| persons(locale, value))) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn organisations_panel(
    locale: Locale,
    code: &str,
    name: &str,
    organisations: &Organisations,
) -> Markup {
    let clusters_href = with_query(
        "/organisations",
        &[("nuts", code.to_owned()), ("type", String::from("cluster"))],
    );
    let all_href = with_query("/organisations", &[("nuts", code.to_owned())]);
    let count = |value: u64| locale.number(i64::try_from(value).unwrap_or(i64::MAX));
    html! {
        section.panel.obs-organisations aria-labelledby="obs-organisations-heading" {
            h2 #obs-organisations-heading { (locale.format("observatory.region.organisations", &[("region", name)])) }
            @if organisations.clusters == 0 {
                p.muted { (locale.text("observatory.region.organisations_none")) }
            } @else {
                p { (locale.format("observatory.region.organisations_count", &[("count", &count(organisations.clusters))])) }
                ul.member-list.obs-organisation-list {
                    @for hit in &organisations.listed {
                        li {
                            a href={ "/organisations/" (hit.id) } { (hit.name) }
                            @if let Some(city) = &hit.city { " " span.member-kind { (city) } }
                        }
                    }
                }
            }
            ul.link-list {
                @if organisations.clusters > 0 {
                    li { a href=(clusters_href) { (locale.format("observatory.region.all_clusters", &[("region", name), ("count", &count(organisations.clusters))])) } }
                }
                li { a href=(all_href) { (locale.format("observatory.region.all_organisations", &[("region", name), ("count", &count(organisations.all))])) } }
            }
        }
    }
}

fn subregions(locale: Locale, data: &ObservatoryData, request: &RegionRequest) -> Markup {
    let region = &data.table.regions()[request.region];
    if region.level >= 3 {
        return html! {};
    }
    let below = data.regions_within(request.region, region.level + 1);
    if below.is_empty() {
        return html! {};
    }
    let year = one_year(request.years);
    let name = region_name(locale, &region.code);
    html! {
        section.panel.obs-subregions aria-labelledby="obs-subregions-heading" {
            h2 #obs-subregions-heading { (locale.format("observatory.region.subregions", &[("region", &name)])) }
            ul.obs-subregion-list {
                @for position in below {
                    @let child = &data.table.regions()[position].code;
                    li { a href=(region_href(child, year, request.method)) { (region_name(locale, child)) } " " span.obs-code { (child) } }
                }
            }
        }
    }
}
