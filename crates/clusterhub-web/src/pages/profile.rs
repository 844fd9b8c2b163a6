//! The organisation profile page, `GET /organisations/{id}`: who the organisation is, where it
//! is (with a small map drawn from the NUTS 2021 country shapes), what it does, what it offers
//! and looks for, its cluster or members, its EU projects, and suggested partners
//! (`partners_panel`).

use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::map::{boxes_overlap, country_shapes};
use super::{PageShell, RequestLanguage, error_page, html_response, not_found_page};
use crate::AppState;
use crate::api::organisations::{MoneyView, Named, OrganisationProfile, load_profile, parse_id};
use crate::i18n::Locale;

mod partners_panel;

/// The width of the map's drawing area, in SVG units; the height follows the country's shape.
const MAP_WIDTH: f64 = 320.0;

/// The largest height of the map, in SVG units, for countries taller than wide.
const MAP_MAX_HEIGHT: f64 = 300.0;

/// `GET /organisations/{id}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/organisations/{id}", get(profile_page))
}

async fn profile_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: crate::auth::Caller,
    language: RequestLanguage,
) -> Response {
    let Some(numeric_id) = parse_id(&id) else {
        return not_found_page(&language, uri.path());
    };
    let locale = language.locale;
    let profile = match load_profile(state.storage(), state.reference(), numeric_id, locale).await {
        Ok(Some(profile)) => profile,
        Ok(None) => return not_found_page(&language, uri.path()),
        Err(error) => {
            tracing::error!(%error, "the organisation profile could not be read");
            return error_page(&language, StatusCode::INTERNAL_SERVER_ERROR);
        }
    };
    let path = uri.path().to_owned();
    let shell = PageShell::new(locale, &path)
        .with_version(state.version())
        .with_script("directory.js");
    let regional_strength =
        super::observatory::profile_panel::panel(&state, locale, &profile).await;
    let main = render_profile(locale, &profile, regional_strength);
    let partners = partners_panel::panel(&state, locale, numeric_id, &caller).await;
    let actions = super::organisation_admin::profile_actions(
        &state,
        &caller,
        locale,
        numeric_id,
        profile.kind.id == "cluster",
    )
    .await;
    let main = html! { (actions) (main) (partners) };
    html_response(&language, StatusCode::OK, shell.render(&profile.name, main))
}

/// The page's main content for a profile.
/// `regional_strength` is the observatory's panel (`super::observatory::profile_panel`).
fn render_profile(
    locale: Locale,
    profile: &OrganisationProfile,
    regional_strength: Markup,
) -> Markup {
    html! {
        article.profile aria-labelledby="profile-title" {
            (profile_header(locale, profile))
            div.container.profile-grid {
                div.profile-main {
                    (about(locale, profile))
                    (activities(locale, profile))
                    (partnering(locale, profile))
                    (network(locale, profile))
                    (projects(locale, profile))
                }
                div.profile-side {
                    (contact(locale, profile))
                    (location(locale, profile))
                    (regional_strength)
                    (facts(locale, profile))
                }
            }
        }
    }
}

fn profile_header(locale: Locale, profile: &OrganisationProfile) -> Markup {
    let primary_language = profile
        .names
        .iter()
        .find(|(_, name)| **name == profile.name)
        .map(|(language, _)| language.as_str());
    let other_names: Vec<(&String, &String)> = profile
        .names
        .iter()
        .filter(|(_, name)| **name != profile.name)
        .collect();
    let today = today_iso();
    html! {
        header.profile-header {
            div.container {
                p.eyebrow { (profile.kind.name) }
                h1 #profile-title lang=[primary_language] { (profile.name) }
                @if !other_names.is_empty() {
                    p.profile-other-names {
                        span.visually-hidden { (locale.text("profile.other_names")) " " }
                        @for (index, (language, name)) in other_names.iter().enumerate() {
                            @if index > 0 { " · " }
                            span lang=(language) { (name) }
                        }
                    }
                }
                p.profile-actions {
                    button.basket-toggle type="button" hidden data-id=(profile.id) data-name=(profile.name)
                        aria-pressed="false"
                        data-label-add=(locale.text("basket.add")) data-label-remove=(locale.text("basket.remove")) {
                        span.basket-icon aria-hidden="true" { "+" }
                        span.basket-text { (locale.text("basket.add")) }
                    }
                }
                ul.badge-list aria-label=(locale.text("profile.badges")) {
                    li.badge.badge-country { (profile.country.name) }
                    @if profile.sme_status.id != "undeclared" {
                        li.badge.badge-sme { (profile.sme_status.name) }
                    }
                    @if let Some(label) = &profile.label {
                        @let expired = label.expires.as_deref().is_some_and(|expires| expires <= today.as_str());
                        li.badge.badge-label.{"badge-label-" (label.level)} .badge-expired[expired] {
                            (locale.format("profile.label_badge", &[("level", &label.name)]))
                            @if let Some(expires) = &label.expires {
                                span.badge-detail {
                                    @if expired {
                                        (locale.format("profile.label_expired", &[("date", expires)]))
                                    } @else {
                                        (locale.format("profile.label_valid_until", &[("date", expires)]))
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(escp) = &profile.escp {
                        li.badge { (locale.text("profile.escp")) ": " (escp) }
                    }
                }
            }
        }
    }
}

/// The description in the page's language, else in English, else in any language, with the
/// language it is written in.
fn description_of(locale: Locale, profile: &OrganisationProfile) -> Option<(&str, &str)> {
    profile
        .descriptions
        .get_key_value(locale.code())
        .or_else(|| profile.descriptions.get_key_value("en"))
        .or_else(|| profile.descriptions.iter().next())
        .map(|(language, text)| (language.as_str(), text.as_str()))
}

fn about(locale: Locale, profile: &OrganisationProfile) -> Markup {
    html! {
        section.panel aria-labelledby="about-title" {
            h2 #about-title { (locale.text("profile.about")) }
            @if let Some((language, text)) = description_of(locale, profile) {
                @for paragraph in text.split("\n\n").filter(|paragraph| !paragraph.trim().is_empty()) {
                    p lang=(language) { (paragraph.trim()) }
                }
                @if language != locale.code() {
                    p.muted { (locale.text("profile.description_other_language")) }
                }
            } @else {
                p.muted { (locale.text("profile.no_description")) }
            }
        }
    }
}

fn chips(heading: &str, items: &[Named], show_codes: bool) -> Markup {
    html! {
        @if !items.is_empty() {
            h3 { (heading) }
            ul.chip-list {
                @for item in items {
                    li.chip {
                        @if show_codes { span.chip-code { (item.id) } " " }
                        (item.name)
                    }
                }
            }
        }
    }
}

fn activities(locale: Locale, profile: &OrganisationProfile) -> Markup {
    let empty = profile.sectors.is_empty()
        && profile.nace.is_empty()
        && profile.technologies.is_empty()
        && profile.s3_areas.is_empty()
        && profile.emerging.is_empty();
    html! {
        section.panel aria-labelledby="activities-title" {
            h2 #activities-title { (locale.text("profile.activities")) }
            @if empty {
                p.muted { (locale.text("profile.no_activities")) }
            }
            (chips(locale.text("profile.sectors"), &profile.sectors, false))
            (chips(locale.text("profile.nace"), &profile.nace, true))
            (chips(locale.text("profile.technologies"), &profile.technologies, false))
            (chips(locale.text("profile.s3_areas"), &profile.s3_areas, false))
            (chips(locale.text("profile.emerging"), &profile.emerging, false))
            @let targets = &profile.target_countries;
            @if !targets.international.is_empty() || !targets.transnational.is_empty() {
                (chips(locale.text("profile.target_international"), &targets.international, false))
                (chips(locale.text("profile.target_transnational"), &targets.transnational, false))
            }
        }
    }
}

fn partnering(locale: Locale, profile: &OrganisationProfile) -> Markup {
    html! {
        section.panel aria-labelledby="partnering-title" {
            h2 #partnering-title { (locale.text("profile.partnering")) }
            div.partnering-grid {
                div.partnering-column.partnering-offers {
                    h3 { (locale.text("profile.offers")) }
                    @if profile.offers.is_empty() {
                        p.muted { (locale.text("profile.none_stated")) }
                    } @else {
                        ul.check-list { @for offer in &profile.offers { li { (offer) } } }
                    }
                }
                div.partnering-column.partnering-requests {
                    h3 { (locale.text("profile.requests")) }
                    @if profile.requests.is_empty() {
                        p.muted { (locale.text("profile.none_stated")) }
                    } @else {
                        ul.check-list { @for request in &profile.requests { li { (request) } } }
                    }
                }
            }
        }
    }
}

fn network(locale: Locale, profile: &OrganisationProfile) -> Markup {
    let counts = &profile.member_counts;
    html! {
        @if let Some(members) = &profile.cluster_members {
            section.panel aria-labelledby="members-title" {
                h2 #members-title { (locale.text("profile.members")) }
                @if let Some(total) = counts.total {
                    dl.member-counts {
                        @for (key, count) in [
                            ("profile.members_sme", counts.sme),
                            ("profile.members_large", counts.large),
                            ("profile.members_research", counts.research),
                            ("profile.members_other", counts.other),
                        ] {
                            @if let Some(count) = count {
                                div { dt { (locale.text(key)) } dd { (locale.number(count)) } }
                            }
                        }
                        div.member-total { dt { (locale.text("profile.members_total")) } dd { (locale.number(total)) } }
                    }
                }
                @if members.members.is_empty() {
                    p.muted { (locale.text("profile.no_members_listed")) }
                } @else {
                    p { (locale.format("profile.members_listed", &[
                        ("shown", &locale.number(i64::try_from(members.members.len()).unwrap_or(i64::MAX))),
                        ("total", &locale.number(members.total)),
                    ])) }
                    ul.member-list {
                        @for member in &members.members {
                            li {
                                a href={ "/organisations/" (member.id) } { (member.name) }
                                @if let Some(kind) = &member.kind {
                                    " " span.member-kind { (kind.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !profile.member_of.is_empty() {
            section.panel aria-labelledby="member-of-title" {
                h2 #member-of-title { (locale.text("profile.member_of")) }
                ul.member-list {
                    @for cluster in &profile.member_of {
                        li { a href={ "/organisations/" (cluster.id) } { (cluster.name) } }
                    }
                }
            }
        }
    }
}

fn projects(locale: Locale, profile: &OrganisationProfile) -> Markup {
    html! {
        section.panel aria-labelledby="projects-title" {
            h2 #projects-title { (locale.text("profile.projects")) }
            @if profile.participations.is_empty() {
                p.muted { (locale.text("profile.no_projects")) }
            } @else {
                div.table-scroll {
                    table.data-table {
                        caption.visually-hidden { (locale.text("profile.projects")) }
                        thead {
                            tr {
                                th scope="col" { (locale.text("profile.project_acronym")) }
                                th scope="col" { (locale.text("profile.project_title")) }
                                th scope="col" { (locale.text("profile.project_programme")) }
                                th scope="col" { (locale.text("profile.project_role")) }
                                th.numeric scope="col" { (locale.text("profile.project_contribution")) }
                            }
                        }
                        tbody {
                            @for participation in &profile.participations {
                                tr {
                                    th scope="row" { (participation.acronym) }
                                    td { (participation.title) }
                                    td { (participation.programme) }
                                    td { (participation.role) }
                                    td.numeric {
                                        @if let Some(cents) = participation.ec_contribution_cents {
                                            (format_money(locale, &MoneyView { cents, currency: participation.currency.clone() }))
                                        } @else { "—" }
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

/// A website address that is safe to link: only `http` and `https`.
fn safe_website(website: &str) -> Option<&str> {
    let lower = website.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(website.trim())
}

fn contact(locale: Locale, profile: &OrganisationProfile) -> Markup {
    let website = profile.website.as_deref().and_then(safe_website);
    let email = profile
        .email
        .as_deref()
        .filter(|email| email.contains('@') && !email.contains(['?', '&', ' ', ':']));
    html! {
        section.panel aria-labelledby="contact-title" {
            h2 #contact-title { (locale.text("profile.contact")) }
            dl.fact-list {
                @if let Some(website) = website {
                    div { dt { (locale.text("profile.website")) }
                        dd { a href=(website) rel="noopener nofollow ugc" { (website.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/')) } } }
                }
                @if let Some(email) = email {
                    div { dt { (locale.text("profile.email")) } dd { a href={ "mailto:" (email) } { (email) } } }
                }
                @if let Some(pic) = &profile.pic {
                    div { dt { abbr title=(locale.text("profile.pic_long")) { "PIC" } } dd { (pic) } }
                }
                @if let Some(vat) = &profile.vat {
                    div { dt { (locale.text("profile.vat")) } dd { (vat) } }
                }
            }
            @if website.is_none() && email.is_none() && profile.pic.is_none() && profile.vat.is_none() {
                p.muted { (locale.text("profile.none_stated")) }
            }
        }
    }
}

fn location(locale: Locale, profile: &OrganisationProfile) -> Markup {
    let regions: Vec<&str> = profile
        .nuts
        .iter()
        .flat_map(|nuts| {
            std::iter::once(nuts.name.as_str()).chain(
                nuts.ancestry
                    .iter()
                    .filter(|region| region.level > 0)
                    .map(|region| region.name.as_str()),
            )
        })
        .collect();
    let point = match (profile.lat, profile.lon) {
        (Some(lat), Some(lon)) => Some((lon, lat)),
        _ => profile.nuts.as_ref().and_then(|nuts| nuts.centroid),
    };
    html! {
        section.panel aria-labelledby="location-title" {
            h2 #location-title { (locale.text("profile.location")) }
            p.location-line {
                @if let Some(city) = &profile.city { strong { (city) } ", " }
                (profile.country.name)
            }
            @if !regions.is_empty() {
                p.region-path {
                    span.visually-hidden { (locale.text("profile.regions")) " " }
                    @for (index, region) in regions.iter().enumerate() {
                        @if index > 0 { span.region-separator aria-hidden="true" { " ‹ " } }
                        span { (region) }
                    }
                }
            }
            (country_map(locale, profile, point))
        }
    }
}

fn facts(locale: Locale, profile: &OrganisationProfile) -> Markup {
    html! {
        section.panel aria-labelledby="facts-title" {
            h2 #facts-title { (locale.text("profile.facts")) }
            dl.fact-list {
                div { dt { (locale.text("profile.type")) } dd { (profile.kind.name) } }
                @if let Some(founded) = profile.founded {
                    div { dt { (locale.text("profile.founded")) } dd { (founded) } }
                }
                @if let Some(band) = &profile.staff_band {
                    div { dt { (locale.text("profile.staff")) } dd { (band.name) } }
                }
                @if let Some(turnover) = &profile.turnover {
                    div { dt { (locale.text("profile.turnover")) } dd { (format_money(locale, turnover)) } }
                }
                @if let Some(balance_sheet) = &profile.balance_sheet {
                    div { dt { (locale.text("profile.balance_sheet")) } dd { (format_money(locale, balance_sheet)) } }
                }
                div { dt { (locale.text("profile.sme_status")) } dd { (profile.sme_status.name) } }
                @if let Some(label) = &profile.label {
                    div { dt { (locale.text("profile.label")) }
                        dd {
                            (label.name)
                            @if let Some(awarded) = &label.awarded { " · " (locale.format("profile.label_awarded", &[("date", awarded)])) }
                        }
                    }
                }
            }
        }
    }
}

/// An amount in whole units where it has no cents, with the grouping of the page's language.
pub fn format_money(locale: Locale, money: &MoneyView) -> String {
    let whole = money.cents / 100;
    let cents = (money.cents % 100).abs();
    let decimal_separator = if locale.code() == "en" { "." } else { "," };
    if cents == 0 {
        format!("{} {}", locale.number(whole), money.currency)
    } else {
        format!(
            "{}{decimal_separator}{cents:02} {}",
            locale.number(whole),
            money.currency
        )
    }
}

/// Today's date in UTC as `YYYY-MM-DD`, from the system clock.
fn today_iso() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    // Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The country's outline with a dot at the organisation, as inline SVG; nothing when the
/// country has no NUTS shape.
fn country_map(locale: Locale, profile: &OrganisationProfile, point: Option<(f64, f64)>) -> Markup {
    let reference = clusterhub_reference::Reference::get();
    let nuts_country = reference
        .countries()
        .by_any_code(&profile.country.id)
        .map_or_else(
            || profile.country.id.clone(),
            |country| country.eu_code.clone(),
        );
    let Some(rings) = country_shapes()
        .get(&nuts_country)
        .filter(|rings| !rings.is_empty())
    else {
        return html! {};
    };
    // The frame is the country's main body and what lies near it, so that overseas regions do
    // not shrink the mainland to a speck; an organisation overseas gets a frame around itself.
    let main = rings
        .iter()
        .max_by(|left, right| left.area.total_cmp(&right.area))
        .map_or((0.0, 0.0, 0.0, 0.0), |ring| ring.bbox);
    let (pad_x, pad_y) = ((main.2 - main.0) * 0.35, (main.3 - main.1) * 0.35);
    let near = (
        main.0 - pad_x,
        main.1 - pad_y,
        main.2 + pad_x,
        main.3 + pad_y,
    );
    let mut frame = main;
    let point_is_near = point.is_none_or(|(lon, lat)| boxes_overlap(near, (lon, lat, lon, lat)));
    let focus = if point_is_near {
        near
    } else {
        let (lon, lat) = point.unwrap_or_default();
        frame = (lon, lat, lon, lat);
        (lon - 1.5, lat - 1.5, lon + 1.5, lat + 1.5)
    };
    for ring in rings.iter().filter(|ring| boxes_overlap(ring.bbox, focus)) {
        frame = (
            frame.0.min(ring.bbox.0),
            frame.1.min(ring.bbox.1),
            frame.2.max(ring.bbox.2),
            frame.3.max(ring.bbox.3),
        );
    }
    if let Some((lon, lat)) = point {
        frame = (
            frame.0.min(lon),
            frame.1.min(lat),
            frame.2.max(lon),
            frame.3.max(lat),
        );
    }
    let middle_latitude = ((frame.1 + frame.3) / 2.0).to_radians().cos().max(0.2);
    let frame_width = ((frame.2 - frame.0) * middle_latitude).max(0.01);
    let frame_height = (frame.3 - frame.1).max(0.01);
    let margin = 10.0;
    let scale = ((MAP_WIDTH - 2.0 * margin) / frame_width)
        .min((MAP_MAX_HEIGHT - 2.0 * margin) / frame_height);
    let width = frame_width * scale + 2.0 * margin;
    let height = frame_height * scale + 2.0 * margin;
    let project = |(lon, lat): (f64, f64)| {
        (
            margin + (lon - frame.0) * middle_latitude * scale,
            margin + (frame.3 - lat) * scale,
        )
    };
    let mut path = String::new();
    for ring in rings.iter().filter(|ring| boxes_overlap(ring.bbox, frame)) {
        let mut last: Option<(f64, f64)> = None;
        let mut drawn = 0;
        for &position in &ring.points {
            let (x, y) = project(position);
            if let Some((last_x, last_y)) = last
                && (x - last_x).abs() + (y - last_y).abs() < 0.8
            {
                continue;
            }
            path.push_str(if drawn == 0 { "M" } else { "L" });
            path.push_str(&format!("{x:.1} {y:.1}"));
            last = Some((x, y));
            drawn += 1;
        }
        if drawn > 0 {
            path.push('Z');
        }
    }
    let place = profile
        .city
        .clone()
        .unwrap_or_else(|| profile.country.name.clone());
    let description = if point.is_some() {
        locale.format(
            "profile.map_alt",
            &[("place", &place), ("country", &profile.country.name)],
        )
    } else {
        locale.format(
            "profile.map_alt_country",
            &[("country", &profile.country.name)],
        )
    };
    html! {
        figure.profile-map {
            svg.country-map viewBox={ "0 0 " (format!("{width:.0}")) " " (format!("{height:.0}")) }
                role="img" aria-labelledby="profile-map-title" focusable="false" {
                title #profile-map-title { (description) }
                path.map-country d=(path) {}
                @if let Some(position) = point {
                    @let (x, y) = project(position);
                    circle.map-halo cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="11" {}
                    circle.map-dot cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="5" {}
                }
            }
            figcaption.map-caption { (locale.text("profile.map_source")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_shapes_decode_with_their_main_bodies() {
        let shapes = country_shapes();
        for code in ["DE", "FR", "EL", "PT", "MT"] {
            let rings = shapes
                .get(code)
                .unwrap_or_else(|| panic!("{code} has a shape"));
            assert!(!rings.is_empty(), "{code}");
        }
        let germany = shapes
            .get("DE")
            .and_then(|rings| rings.iter().max_by(|a, b| a.area.total_cmp(&b.area)))
            .expect("Germany's main body");
        // Germany lies roughly between 5.8° and 15.1° east and 47.2° and 55.1° north.
        assert!(
            germany.bbox.0 > 5.0 && germany.bbox.2 < 16.0,
            "{:?}",
            germany.bbox
        );
        assert!(
            germany.bbox.1 > 47.0 && germany.bbox.3 < 55.5,
            "{:?}",
            germany.bbox
        );
    }

    #[test]
    fn today_is_a_plausible_date() {
        let today = today_iso();
        assert_eq!(today.len(), 10);
        assert!(today.as_str() > "2024-01-01", "{today}");
    }
}
