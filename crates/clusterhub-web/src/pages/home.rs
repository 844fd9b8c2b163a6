//! The home page: what Clusterhub is, live figures from the database, organisations by country
//! as a chart, the open data on offer, and a search box for the directory.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use clusterhub_domain::OrgType;
use clusterhub_storage::{CountGrouping, CountRow, Storage, StorageError};
use maud::{Markup, html};

use super::chart::{Bar, horizontal_bar_chart};
use super::{PageShell, RequestLanguage, html_response};
use crate::AppState;
use crate::i18n::Locale;

/// How many countries get a bar of their own; the rest share one.
const COUNTRIES_IN_CHART: usize = 10;

/// `GET /`.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// The figures the page shows, read from the database.
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    organisations: i64,
    clusters: i64,
    countries: usize,
    projects: i64,
    /// Organisations per country code, the largest first.
    by_country: Vec<CountRow>,
}

async fn load_figures(storage: &Storage) -> Result<Figures, StorageError> {
    let (organisations, by_kind, mut by_country, projects) = tokio::try_join!(
        storage.organisation_count(),
        storage.organisation_counts_by(CountGrouping::Kind),
        storage.organisation_counts_by(CountGrouping::Country),
        storage.project_count(),
    )?;
    let clusters = by_kind
        .iter()
        .filter(|row| row.key == OrgType::Cluster.slug())
        .map(|row| row.count)
        .sum();
    by_country.sort_by(|left, right| {
        right
            .count
            .cmp(&left.count)
            .then_with(|| left.key.cmp(&right.key))
    });
    Ok(Figures {
        organisations,
        clusters,
        countries: by_country.len(),
        projects,
        by_country,
    })
}

async fn home(State(state): State<AppState>, language: RequestLanguage) -> Response {
    let figures = match load_figures(state.storage()).await {
        Ok(figures) => Some(figures),
        Err(error) => {
            // The page still serves its purpose without figures, so it is shown without them.
            tracing::error!(%error, "the home page's figures could not be read");
            None
        }
    };
    let locale = language.locale;
    let shell = PageShell::new(locale, "/").with_version(state.version());
    let main = html! {
        (hero(locale))
        (figure_strip(locale, figures.as_ref()))
        div.container.content-grid {
            (country_chart(locale, figures.as_ref()))
            (open_data_panel(locale))
        }
        (audiences(locale))
        (services(locale))
    };
    html_response(
        &language,
        StatusCode::OK,
        shell.render(locale.text("home.title"), main),
    )
}

fn hero(locale: Locale) -> Markup {
    html! {
        section.hero aria-labelledby="hero-title" {
            div.container.hero-grid {
                div.hero-text {
                    p.eyebrow { (locale.text("home.eyebrow")) }
                    h1 #hero-title { (locale.text("home.headline")) }
                    p.hero-lede { (locale.text("home.lede")) }
                    form.search action="/organisations" method="get" role="search" {
                        label.search-label for="search-query" { (locale.text("home.search.label")) }
                        div.search-row {
                            input #search-query type="search" name="q" autocomplete="off"
                                placeholder=(locale.text("home.search.placeholder"))
                                aria-describedby="search-hint";
                            input type="hidden" name="lang" value=(locale.code());
                            button.button.button-accent type="submit" { (locale.text("home.search.button")) }
                        }
                        p.search-hint #search-hint { (locale.text("home.search.hint")) }
                    }
                }
                div.hero-art aria-hidden="true" { (network_illustration()) }
            }
        }
    }
}

/// A decorative network of organisations around clusters, for the hero.
fn network_illustration() -> Markup {
    // Node positions (x, y, radius, kind): 0 an organisation, 1 a cluster, 2 the hub.
    const NODES: &[(u16, u16, u16, u8)] = &[
        (210, 160, 18, 2),
        (110, 90, 11, 1),
        (320, 80, 11, 1),
        (330, 250, 11, 1),
        (95, 250, 11, 1),
        (60, 150, 6, 0),
        (150, 40, 6, 0),
        (250, 40, 6, 0),
        (385, 150, 6, 0),
        (390, 40, 6, 0),
        (260, 300, 6, 0),
        (160, 305, 6, 0),
        (30, 300, 6, 0),
        (40, 60, 6, 0),
        (400, 300, 6, 0),
        (185, 100, 6, 0),
    ];
    const LINKS: &[(usize, usize)] = &[
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
        (1, 5),
        (1, 6),
        (1, 13),
        (1, 15),
        (2, 7),
        (2, 8),
        (2, 9),
        (3, 8),
        (3, 10),
        (3, 14),
        (4, 11),
        (4, 12),
        (4, 5),
        (1, 2),
        (4, 3),
    ];
    html! {
        svg viewBox="0 0 430 340" width="100%" focusable="false" {
            g.network-links {
                @for &(from, to) in LINKS {
                    @let (x1, y1, _, _) = NODES[from];
                    @let (x2, y2, _, _) = NODES[to];
                    line x1=(x1) y1=(y1) x2=(x2) y2=(y2) {}
                }
            }
            @for &(x, y, radius, kind) in NODES {
                @match kind {
                    2 => {
                        circle.network-halo cx=(x) cy=(y) r=(radius * 2) {}
                        circle.network-hub cx=(x) cy=(y) r=(radius) {}
                    }
                    1 => { circle.network-cluster cx=(x) cy=(y) r=(radius) {} }
                    _ => { circle.network-node cx=(x) cy=(y) r=(radius) {} }
                }
            }
        }
    }
}

fn figure_strip(locale: Locale, figures: Option<&Figures>) -> Markup {
    html! {
        section.figures aria-labelledby="figures-title" {
            div.container {
                h2.visually-hidden #figures-title { (locale.text("home.figures.heading")) }
                @if let Some(figures) = figures {
                    dl.figure-grid {
                        (figure(locale.text("home.figures.organisations"), &locale.number(figures.organisations)))
                        (figure(locale.text("home.figures.clusters"), &locale.number(figures.clusters)))
                        (figure(locale.text("home.figures.countries"), &locale.number(i64::try_from(figures.countries).unwrap_or(i64::MAX))))
                        (figure(locale.text("home.figures.projects"), &locale.number(figures.projects)))
                    }
                } @else {
                    p.notice role="status" { (locale.text("home.figures.unavailable")) }
                }
            }
        }
    }
}

fn figure(label: &str, value: &str) -> Markup {
    html! {
        div.figure {
            dt { (label) }
            dd { (value) }
        }
    }
}

/// The bars of the country chart: one per country, the largest first, at most
/// [`COUNTRIES_IN_CHART`].
fn country_bars(locale: Locale, by_country: &[CountRow]) -> Vec<Bar> {
    by_country
        .iter()
        .take(COUNTRIES_IN_CHART)
        .map(|row| Bar {
            label: locale.country_name(&row.key),
            value: row.count,
            value_text: locale.number(row.count),
            muted: false,
        })
        .collect()
}

/// The countries left out of the chart, as a sentence: how many organisations in how many
/// other countries. `None` when every country has its bar.
fn remainder_note(locale: Locale, by_country: &[CountRow]) -> Option<String> {
    let rest = by_country
        .get(COUNTRIES_IN_CHART..)
        .filter(|rest| !rest.is_empty())?;
    let organisations: i64 = rest.iter().map(|row| row.count).sum();
    let countries = i64::try_from(rest.len()).unwrap_or(i64::MAX);
    Some(locale.format(
        "home.chart.other",
        &[
            ("organisations", &locale.number(organisations)),
            ("countries", &locale.number(countries)),
        ],
    ))
}

fn country_chart(locale: Locale, figures: Option<&Figures>) -> Markup {
    let rows = figures.map_or(&[][..], |figures| figures.by_country.as_slice());
    let bars = country_bars(locale, rows);
    let remainder = remainder_note(locale, rows);
    let description = {
        let list: Vec<String> = bars
            .iter()
            .map(|bar| format!("{} {}", bar.label, bar.value_text))
            .collect();
        let mut description = locale.format("home.chart.alt", &[("list", &list.join(", "))]);
        if let Some(remainder) = &remainder {
            description.push(' ');
            description.push_str(remainder);
        }
        description
    };
    html! {
        section.panel.chart-panel aria-labelledby="chart-title" {
            h2 #chart-title { (locale.text("home.chart.heading")) }
            @if bars.is_empty() {
                p.empty-state { (locale.text("home.chart.empty")) }
            } @else {
                p.panel-intro { (locale.text("home.chart.intro")) }
                figure.chart-figure {
                    (horizontal_bar_chart("country-chart", locale.text("home.chart.heading"), &description, &bars))
                    @if let Some(remainder) = &remainder {
                        figcaption.chart-note { (remainder) }
                    }
                    details.chart-table {
                        summary { (locale.text("home.chart.table_summary")) }
                        table {
                            caption.visually-hidden { (locale.text("home.chart.heading")) }
                            thead {
                                tr {
                                    th scope="col" { (locale.text("home.chart.column_country")) }
                                    th.numeric scope="col" { (locale.text("home.chart.column_organisations")) }
                                }
                            }
                            tbody {
                                @for row in rows {
                                    tr {
                                        th scope="row" { (locale.country_name(&row.key)) }
                                        td.numeric { (locale.number(row.count)) }
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

fn open_data_panel(locale: Locale) -> Markup {
    html! {
        aside.panel.panel-tinted aria-labelledby="open-data-title" {
            h2 #open-data-title { (locale.text("home.open_data.heading")) }
            p { (locale.text("home.open_data.text")) }
            ul.link-list {
                li {
                    a href="/api/v1/taxonomies" { (locale.text("home.open_data.taxonomies")) }
                    span.link-hint { (locale.text("home.open_data.taxonomies_hint")) }
                }
                li {
                    a href="/api/v1" { (locale.text("home.open_data.api")) }
                    span.link-hint { (locale.text("home.open_data.api_hint")) }
                }
                li {
                    a href="/api/v1/health" { (locale.text("home.open_data.status")) }
                    span.link-hint { (locale.text("home.open_data.status_hint")) }
                }
            }
        }
    }
}

fn audiences(locale: Locale) -> Markup {
    let cards = [
        (
            "home.audience.clusters.title",
            "home.audience.clusters.text",
            icon_cluster(),
        ),
        (
            "home.audience.smes.title",
            "home.audience.smes.text",
            icon_company(),
        ),
        (
            "home.audience.analysts.title",
            "home.audience.analysts.text",
            icon_chart(),
        ),
    ];
    html! {
        section.band aria-labelledby="audiences-title" {
            div.container {
                h2.section-title #audiences-title { (locale.text("home.audience.heading")) }
                ul.card-grid {
                    @for (title, text, icon) in cards {
                        li.card {
                            span.card-icon aria-hidden="true" { (icon) }
                            h3 { (locale.text(title)) }
                            p { (locale.text(text)) }
                        }
                    }
                }
            }
        }
    }
}

fn services(locale: Locale) -> Markup {
    // Only the open data exists today; the rest is named without a link until its pages exist.
    let services: [(&str, &str, Option<&str>); 6] = [
        (
            "home.service.directory.title",
            "home.service.directory.text",
            None,
        ),
        (
            "home.service.matchmaking.title",
            "home.service.matchmaking.text",
            None,
        ),
        (
            "home.service.exchanges.title",
            "home.service.exchanges.text",
            None,
        ),
        ("home.service.calls.title", "home.service.calls.text", None),
        (
            "home.service.observatory.title",
            "home.service.observatory.text",
            None,
        ),
        (
            "home.service.open_data.title",
            "home.service.open_data.text",
            Some("/api/v1/taxonomies"),
        ),
    ];
    html! {
        section.container.services aria-labelledby="services-title" {
            h2.section-title #services-title { (locale.text("home.service.heading")) }
            p.section-intro { (locale.text("home.service.intro")) }
            ul.service-list {
                @for (title, text, link) in services {
                    li.service {
                        @if let Some(link) = link {
                            span.status-chip.status-available { (locale.text("home.service.available")) }
                            h3 { a href=(link) { (locale.text(title)) } }
                        } @else {
                            span.status-chip { (locale.text("home.service.in_development")) }
                            h3 { (locale.text(title)) }
                        }
                        p { (locale.text(text)) }
                    }
                }
            }
        }
    }
}

fn icon_cluster() -> Markup {
    html! {
        svg viewBox="0 0 24 24" width="28" height="28" focusable="false" {
            g fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" {
                circle cx="12" cy="12" r="3" {}
                circle cx="5" cy="6" r="2" {}
                circle cx="19" cy="6" r="2" {}
                circle cx="5" cy="18" r="2" {}
                circle cx="19" cy="18" r="2" {}
                path d="M7 7.5l3 2.5M17 7.5l-3 2.5M7 16.5l3-2.5M17 16.5l-3-2.5" {}
            }
        }
    }
}

fn icon_company() -> Markup {
    html! {
        svg viewBox="0 0 24 24" width="28" height="28" focusable="false" {
            g fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" {
                path d="M3 21V9l6-4v4l6-4v4l6-4v16z" {}
                path d="M7 17h2M11 17h2M15 17h2" stroke-linecap="round" {}
            }
        }
    }
}

fn icon_chart() -> Markup {
    html! {
        svg viewBox="0 0 24 24" width="28" height="28" focusable="false" {
            g fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" {
                path d="M4 20h16" {}
                path d="M7 16v-5M12 16V6M17 16v-8" {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, count: i64) -> CountRow {
        CountRow {
            key: key.to_owned(),
            count,
        }
    }

    #[test]
    fn small_countries_are_summed_up_below_the_chart() {
        let rows: Vec<CountRow> = (0..13)
            .map(|index| row(&format!("C{index}"), 100 - index))
            .collect();
        let locale = Locale::default();
        assert_eq!(country_bars(locale, &rows).len(), COUNTRIES_IN_CHART);
        assert_eq!(
            remainder_note(locale, &rows).as_deref(),
            Some("And 267 organisations in 3 other countries.")
        );
        assert_eq!(remainder_note(locale, &rows[..COUNTRIES_IN_CHART]), None);
    }

    #[test]
    fn countries_are_named_in_the_reader_language() {
        let bars = country_bars(
            Locale::from_code("de").expect("German"),
            &[row("FR", 1_500)],
        );
        assert_eq!(bars[0].label, "Frankreich");
        assert_eq!(bars[0].value_text, "1.500");
    }
}
