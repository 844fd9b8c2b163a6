//! The profile page's "regional strength" panel: the stars of the organisation's region in the
//! organisation's sectors. The region is its NUTS-2 region when the observatory has figures for
//! it, else the finest level that has; the sectors are the NACE A*10 groups of the NACE sections
//! of its activities (`clusterhub_observatory::nace_a10_sectors_of_section`), or, when it states
//! none, the region's starred sectors.

use clusterhub_observatory::{SectorRole, nace_a10_sectors_of_section};
use clusterhub_reference::Reference;
use maud::{Markup, html};

use super::{decimal, region_href, region_name, sector_href, sector_short, stars};
use crate::AppState;
use crate::api::observatory::data_of;
use crate::api::organisations::OrganisationProfile;
use crate::i18n::Locale;
use crate::observatory::{Method, ObservatoryData};

/// What the panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionalStrength {
    pub region: String,
    pub level: u8,
    pub year: u16,
    /// Whether the sectors are the organisation's own (else the region's starred sectors).
    pub own_sectors: bool,
    /// Sector code, stars, location quotient.
    pub sectors: Vec<(String, u8, Option<f64>)>,
}

/// The region the panel is about: among the organisation's region and the regions above it,
/// the NUTS-2 one if the observatory has figures for it, else the finest that has.
fn chosen_region(data: &ObservatoryData, codes: &[String]) -> Option<(usize, u16)> {
    let with_figures = |code: &String| {
        let position = data.table.region_position(code)?;
        data.latest_year_of(position).map(|year| (position, year))
    };
    let level_of = |code: &String| code.len().saturating_sub(2);
    codes
        .iter()
        .find(|code| level_of(code) == 2)
        .and_then(with_figures)
        .or_else(|| {
            let mut finest_first: Vec<&String> = codes.iter().collect();
            finest_first.sort_by_key(|code| std::cmp::Reverse(level_of(code)));
            finest_first.into_iter().find_map(with_figures)
        })
}

/// The NACE A*10 sectors of NACE codes (sections, divisions, groups or classes): the partition
/// member and the sub-group of each code's section, without repeats, in the classification's
/// order.
pub fn sectors_of_nace(data: &ObservatoryData, nace_codes: &[String]) -> Vec<usize> {
    let reference = Reference::get();
    let classification = data.table.classification();
    let mut positions: Vec<usize> = nace_codes
        .iter()
        .filter_map(|code| reference.nace().section_of(code))
        .flat_map(|section| nace_a10_sectors_of_section(&section.code).iter())
        .filter_map(|code| classification.position(code))
        .filter(|&position| !matches!(classification.role(position), SectorRole::Aggregate(_)))
        .collect();
    positions.sort_unstable();
    positions.dedup();
    positions
}

/// The panel's content for a profile, or `None` when the observatory has no figures for its
/// region (or none at all).
pub fn regional_strength(
    data: &ObservatoryData,
    profile: &OrganisationProfile,
) -> Option<RegionalStrength> {
    let nuts = profile.nuts.as_ref()?;
    let mut codes: Vec<String> = vec![nuts.code.clone()];
    codes.extend(nuts.ancestry.iter().map(|region| region.code.clone()));
    let (region, year) = chosen_region(data, &codes)?;
    let year_position = data.table.year_position(year)?;
    let nace_codes: Vec<String> = profile.nace.iter().map(|nace| nace.id.clone()).collect();
    let own = sectors_of_nace(data, &nace_codes);
    let method = Method::Eco;
    let entry = |sector: usize| {
        let cell = data.cell(region, sector, year_position)?;
        Some((
            data.table.classification().sectors()[sector].code.clone(),
            method.stars(cell),
            cell.lq,
        ))
    };
    let (own_sectors, sectors) = if own.is_empty() {
        let mut starred: Vec<(String, u8, Option<f64>)> = data
            .table
            .classification()
            .partition()
            .filter_map(entry)
            .filter(|(_, stars, _)| *stars > 0)
            .collect();
        starred.sort_by_key(|(_, stars, _)| std::cmp::Reverse(*stars));
        (false, starred)
    } else {
        (true, own.into_iter().filter_map(entry).collect())
    };
    Some(RegionalStrength {
        region: data.table.regions()[region].code.clone(),
        level: data.table.regions()[region].level,
        year,
        own_sectors,
        sectors,
    })
}

/// The panel for a profile, empty when there is nothing to show. Reading the statistics may
/// compute them (after an import); a failure leaves the panel out and is logged.
pub async fn panel(state: &AppState, locale: Locale, profile: &OrganisationProfile) -> Markup {
    let data = match data_of(state).await {
        Ok(data) => data,
        Err(error) => {
            tracing::warn!(detail = error.detail(), "the observatory panel is left out");
            return html! {};
        }
    };
    match regional_strength(&data, profile) {
        Some(strength) => render(locale, &strength),
        None => html! {},
    }
}

/// The panel.
pub fn render(locale: Locale, strength: &RegionalStrength) -> Markup {
    let method = Method::Eco;
    let name = region_name(locale, &strength.region);
    let year = strength.year.to_string();
    let region_text = format!("{name} ({})", strength.region);
    html! {
        section.panel.obs-profile-panel #regional-strength aria-labelledby="regional-strength-title" {
            h2 #regional-strength-title { (locale.text("observatory.profile.heading")) }
            @if strength.own_sectors {
                p { (locale.format("observatory.profile.intro", &[("region", &region_text), ("year", &year)])) }
            } @else {
                p { (locale.format("observatory.profile.intro_region", &[("region", &region_text), ("year", &year)])) }
            }
            @if strength.sectors.is_empty() {
                p.muted { (locale.text("observatory.profile.none")) }
            } @else {
                ul.obs-profile-sectors {
                    @for (code, count, lq) in &strength.sectors {
                        li {
                            a href=(sector_href(code, strength.level, Some(strength.year), method)) { (sector_short(locale, code)) }
                            span.obs-profile-figures {
                                (stars(locale, method, *count))
                                @if let Some(lq) = lq {
                                    " " span.obs-lq { (locale.text("observatory.table.lq_short")) " " (decimal(locale, *lq, 2)) }
                                }
                            }
                        }
                    }
                }
            }
            p { a href=(region_href(&strength.region, Some(strength.year), method)) { (locale.format("observatory.profile.link", &[("region", &name)])) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use clusterhub_storage::EmploymentCell;

    use super::*;

    fn data() -> ObservatoryData {
        let mut rows = Vec::new();
        // Two countries and two NUTS-2 regions of the first; AA has no level-2 figures in 2001.
        for (region, manufacturing, total) in [
            ("AT", 300, 1_000),
            ("DE", 100, 1_000),
            ("AT13", 20, 100),
            ("AT21", 60, 100),
        ] {
            for (sector, persons) in [
                ("B-E", manufacturing + 10),
                ("C", manufacturing),
                ("TOTAL", total),
            ] {
                rows.push(EmploymentCell {
                    region: String::from(region),
                    sector: String::from(sector),
                    year: 2000,
                    persons: Some(persons),
                });
            }
        }
        ObservatoryData::from_rows(1, &rows)
    }

    #[test]
    fn nace_codes_become_a10_sectors_without_aggregates() {
        let data = data();
        let classification = data.table.classification();
        let codes = |positions: Vec<usize>| -> Vec<String> {
            positions
                .into_iter()
                .map(|position| classification.sectors()[position].code.clone())
                .collect()
        };
        // 62.01 is in J; 29 (motor vehicles) in C; 10.1 also in C; an unknown code is ignored.
        let found = sectors_of_nace(
            &data,
            &[
                String::from("62.01"),
                String::from("29"),
                String::from("10.1"),
                String::from("99.99"),
            ],
        );
        assert_eq!(codes(found), ["B-E", "C", "J"]);
    }

    #[test]
    fn the_nuts_2_region_is_preferred_then_the_finest_with_figures() {
        let data = data();
        let position = |code: &str| data.table.region_position(code).unwrap();
        let codes =
            |list: &[&str]| -> Vec<String> { list.iter().map(|c| (*c).to_owned()).collect() };
        // A NUTS-3 organisation in AT130: its NUTS-2 region AT13 has figures.
        assert_eq!(
            chosen_region(&data, &codes(&["AT130", "AT13", "AT1", "AT"])),
            Some((position("AT13"), 2000))
        );
        // In AT22 (no figures): the finest above it with figures is the country.
        assert_eq!(
            chosen_region(&data, &codes(&["AT223", "AT22", "AT2", "AT"])),
            Some((position("AT"), 2000))
        );
        assert_eq!(
            chosen_region(&data, &codes(&["FR101", "FR10", "FR1", "FR"])),
            None
        );
    }
}
