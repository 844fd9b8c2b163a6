//! The generator's view of Europe, derived once from the embedded reference data: the cities that
//! lie in a NUTS region (with local names, coordinates in whole microdegrees and population
//! weights), the NUTS-2 regions they belong to, the countries, the cluster categories with the NACE
//! classes they cover and the categories most related to each, and the vocabularies.
//!
//! Everything here is independent of the seed, so it is built once per process and shared. The
//! arithmetic avoids transcendental functions (`cos` comes from a short polynomial) because their
//! results may differ in the last bit between platforms, and the output must be identical
//! everywhere.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use clusterhub_reference::{NutsVersion, Reference};

use crate::alias::AliasTable;
use crate::countries::{self, LegalForms, PORT_CITIES, SUPPORTED_COUNTRIES};
use crate::languages::Language;
use crate::random::Dice;
use crate::template::Patterns;
use crate::themes::{THEME_COUNT, Theme};
use crate::vat::VatScheme;

/// Languages whose code the import layout accepts (the official EU languages the generator
/// writes). Names in other languages (Turkish, Serbian, …) go without a language code, which the
/// importer reads as English.
const EU_LANGUAGE_CODES: [&str; 22] = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hr", "hu", "it", "lt", "lv", "nl",
    "pl", "pt", "ro", "sk", "sl", "sv",
];

/// How far organisations in one city spread around its centre, in microdegrees of latitude
/// (3,500 µ° ≈ 390 m).
const JITTER_MICRODEGREES: f64 = 3_500.0;

/// A city that organisations can be placed in.
#[derive(Debug)]
pub(crate) struct WorldCity {
    /// The name organisations show: the local spelling, or the big city a district belongs to.
    pub(crate) name: &'static str,
    /// Index into [`World::countries`].
    pub(crate) country: u8,
    /// Index into [`World::regions`] (the NUTS-2 region).
    pub(crate) region: u16,
    /// The NUTS 2021 level-3 code.
    pub(crate) nuts3: &'static str,
    /// The NUTS-3 region's name, without administrative suffixes ("Augsburg", not "Augsburg,
    /// Landkreis").
    pub(crate) district: &'static str,
    pub(crate) language: &'static Language,
    pub(crate) lat_microdegrees: i64,
    pub(crate) lon_microdegrees: i64,
    /// The largest longitude offset of the jitter, wider than the latitude's towards the poles so
    /// that organisations spread over the same distance east–west as north–south.
    pub(crate) lon_jitter_microdegrees: i64,
    /// Whether the language is one of the EU's official ones, which the import layout can name.
    pub(crate) eu_language: bool,
    /// The legal forms of companies there.
    pub(crate) forms: LegalForms,
    /// The language's name and sentence patterns, compiled.
    pub(crate) patterns: &'static Patterns,
    /// Whether the city (or the big city it is a district of) has 300,000 inhabitants or more,
    /// too many organisations for names made of the city and a sector word alone.
    pub(crate) big: bool,
    /// The population of the city (or of the big city it is a district of).
    pub(crate) population: u32,
}

/// A NUTS-2 region.
#[derive(Debug)]
pub(crate) struct WorldRegion {
    /// The region's name without alternative spellings ("Provincia Autonoma di Bolzano").
    pub(crate) name: &'static str,
    /// Whether one of the big seaports lies in the region.
    pub(crate) maritime: bool,
}

/// A country organisations can be placed in.
#[derive(Debug)]
pub(crate) struct WorldCountry {
    pub(crate) alpha2: &'static str,
    /// The English name.
    pub(crate) name: &'static str,
    /// The cluster categories the country is known for.
    pub(crate) strengths: &'static [u8],
    /// The domain suffix of its websites.
    pub(crate) web_suffix: &'static str,
    /// How its VAT numbers are made, if the generator makes any.
    pub(crate) vat: Option<VatScheme>,
    /// Whether organisations there often have names in a second national language.
    pub(crate) multilingual: bool,
}

/// A cluster category with what the generator needs of it.
#[derive(Debug)]
pub(crate) struct WorldCategory {
    pub(crate) name_en: &'static str,
    /// The NACE Rev. 2 classes (level 4) the category covers.
    pub(crate) nace_classes: Vec<&'static str>,
    /// The English, French and German labels of those classes, in the same order.
    pub(crate) nace_labels: Vec<[&'static str; 3]>,
    /// The five categories most related to this one along value chains, strongest first.
    pub(crate) related: Vec<u8>,
}

/// A controlled vocabulary with, per theme, the entries that fit it.
#[derive(Debug)]
pub(crate) struct Vocabulary {
    pub(crate) ids: Vec<&'static str>,
    pub(crate) labels_en: Vec<&'static str>,
    /// Per theme, indices into `ids` whose label or description mentions one of the theme's
    /// keywords; all entries when none does.
    pub(crate) by_theme: Vec<Vec<u16>>,
}

/// Everything the generator derives from the reference data.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) cities: Vec<WorldCity>,
    /// Draws a city with probability proportional to its (country-weighted) population.
    pub(crate) city_table: AliasTable,
    pub(crate) regions: Vec<WorldRegion>,
    pub(crate) countries: Vec<WorldCountry>,
    /// Indexed by category id − 1.
    pub(crate) categories: Vec<WorldCategory>,
    pub(crate) technology_fields: Vocabulary,
    pub(crate) s3_areas: Vocabulary,
    pub(crate) emerging_industries: Vocabulary,
    /// ISO codes of target countries outside Europe.
    pub(crate) international_targets: Vec<&'static str>,
    /// Their English names, in the same order.
    pub(crate) international_target_names: Vec<&'static str>,
    /// ISO codes of target countries inside Europe: the supported countries, in the order of
    /// [`World::countries`].
    pub(crate) transnational_targets: Vec<&'static str>,
}

/// Target markets outside Europe that European clusters name most.
const INTERNATIONAL_TARGETS: [&str; 28] = [
    "US", "CA", "CN", "JP", "KR", "IN", "BR", "MX", "ZA", "MA", "TN", "EG", "IL", "SG", "AU", "CL",
    "VN", "AE", "TW", "AR", "CO", "NG", "KE", "TH", "ID", "SA", "NZ", "MY",
];

impl World {
    /// The world, built on first use.
    pub(crate) fn get() -> &'static World {
        static WORLD: OnceLock<World> = OnceLock::new();
        WORLD.get_or_init(|| World::build(Reference::get()))
    }

    fn build(reference: &'static Reference) -> World {
        let countries: Vec<WorldCountry> = SUPPORTED_COUNTRIES
            .iter()
            .map(|alpha2| WorldCountry {
                alpha2,
                strengths: countries::national_strengths(alpha2),
                web_suffix: countries::web_domain_suffix(alpha2),
                vat: VatScheme::of_country(alpha2),
                multilingual: matches!(*alpha2, "BE" | "CH" | "LU"),
                name: reference
                    .countries()
                    .by_alpha2(alpha2)
                    .map_or(alpha2, |country| country.name.as_str()),
            })
            .collect();
        let international: Vec<&'static clusterhub_reference::Country> = INTERNATIONAL_TARGETS
            .iter()
            .filter_map(|code| reference.countries().by_alpha2(code))
            .collect();
        let (cities, regions) = build_cities(reference);
        let weights: Vec<u64> = cities
            .iter()
            .map(|(city, population)| {
                population * country_weight_percent(SUPPORTED_COUNTRIES[usize::from(city.country)])
                    / 100
            })
            .collect();
        let cities = cities.into_iter().map(|(city, _)| city).collect();
        World {
            cities,
            city_table: AliasTable::new(&weights),
            regions,
            countries,
            categories: build_categories(reference),
            technology_fields: build_vocabulary(reference.technology_fields()),
            s3_areas: build_vocabulary(reference.s3_priority_areas()),
            emerging_industries: build_vocabulary(reference.emerging_industries()),
            international_targets: international
                .iter()
                .map(|country| country.alpha2.as_str())
                .collect(),
            international_target_names: international
                .iter()
                .map(|country| country.name.as_str())
                .collect(),
            transnational_targets: SUPPORTED_COUNTRIES.to_vec(),
        }
    }

    /// The category with this id (1 to 51).
    pub(crate) fn category(&self, id: u8) -> &WorldCategory {
        &self.categories[usize::from(id.clamp(1, 51)) - 1]
    }

    /// Draws a city, in proportion to population.
    pub(crate) fn draw_city(&self, dice: &mut Dice) -> u32 {
        self.city_table.draw(dice)
    }

    /// Draws a city of at least `minimum` inhabitants where possible (a few draws, then whatever
    /// came): universities and cluster organisations sit in towns of some size.
    pub(crate) fn draw_city_of_size(&self, dice: &mut Dice, minimum: u32) -> u32 {
        let mut city = self.draw_city(dice);
        for _ in 0..4 {
            if self.cities[city as usize].population >= minimum {
                break;
            }
            city = self.draw_city(dice);
        }
        city
    }
}

/// How strongly a country's population counts when placing organisations, in per cent: the
/// platform serves the EU first, so EU members count fully, the EEA countries, Switzerland and the
/// United Kingdom half, and the candidate countries a quarter (Türkiye alone would otherwise hold
/// one organisation in seven).
fn country_weight_percent(country: &str) -> u64 {
    match country {
        "CH" | "GB" | "IS" | "LI" | "NO" => 50,
        "AL" | "ME" | "MK" | "RS" | "TR" => 25,
        _ => 100,
    }
}

/// `cos` of an angle in degrees between −90 and 90, from its Taylor polynomial (error below 1e-6
/// up to 72°, enough for spreading markers). Plain arithmetic keeps it bit-identical everywhere.
fn cos_degrees(degrees: f64) -> f64 {
    let x = degrees.abs().min(89.0) * std::f64::consts::PI / 180.0;
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for step in 1..10 {
        let step = f64::from(step);
        term *= -x2 / ((2.0 * step - 1.0) * (2.0 * step));
        sum += term;
    }
    sum.max(0.02)
}

/// The distance in kilometres between two points close to each other (equirectangular).
fn distance_km(lat_a: f64, lon_a: f64, lat_b: f64, lon_b: f64) -> f64 {
    let north = (lat_a - lat_b) * 110.57;
    let east = (lon_a - lon_b) * 111.32 * cos_degrees((lat_a + lat_b) / 2.0);
    (north * north + east * east).sqrt()
}

/// The area in which a place can be a district of a big city: the big city's own NUTS-3 region
/// (the towns around Paris are not Paris), except in London, whose boroughs make up the several
/// NUTS-3 regions of Inner and Outer London (`UKI…`).
fn city_area(nuts3: &str) -> &str {
    if nuts3.starts_with("UKI") {
        "UKI"
    } else {
        nuts3
    }
}

/// A city's name without the quarter GeoNames adds to some ("Zürich (Kreis 11) / Oerlikon" is
/// Zürich) and with the first of two official spellings ("Donostia / San Sebastián").
fn plain_city_name(name: &str) -> &str {
    let first = name.split(" / ").next().unwrap_or(name);
    match first.find(" (Kreis") {
        Some(cut) => &first[..cut],
        None => first,
    }
}

/// The first spelling of a name that lists several ("Bolzano/Bozen", "Bursa, Eskişehir,
/// Bilecik"), without administrative prefixes ("Arr. Antwerpen").
fn short_region_name(name: &str) -> &str {
    let first = name.split(['/', ',']).next().unwrap_or(name).trim();
    let first = first.strip_prefix("Arr. ").unwrap_or(first);
    if first.is_empty() { name } else { first }
}

/// The cities inside a supported country's NUTS region with their populations, and the NUTS-2
/// regions that have cities.
fn build_cities(reference: &'static Reference) -> (Vec<(WorldCity, u64)>, Vec<WorldRegion>) {
    let nuts = reference.nuts(NutsVersion::V2021);
    let mut regions: Vec<WorldRegion> = Vec::new();
    let mut region_codes: Vec<&'static str> = Vec::new();
    let mut cities = Vec::new();
    let mut district_population: BTreeMap<u32, u64> = BTreeMap::new();
    // Districts of big cities (London boroughs, Bucharest's sectors, Istanbul's districts) carry
    // the big city's name; their own coordinates stay, so markers spread over the whole city.
    let mut big_cities: BTreeMap<&str, Vec<&clusterhub_reference::City>> = BTreeMap::new();
    for city in reference
        .cities()
        .iter()
        .filter(|city| city.population >= 500_000)
    {
        if let Some(nuts3) = city.nuts3.as_deref() {
            big_cities.entry(city_area(nuts3)).or_default().push(city);
        }
    }
    for city in reference.cities() {
        let Some(nuts3) = city.nuts3.as_deref() else {
            continue;
        };
        let Some(country) = SUPPORTED_COUNTRIES
            .iter()
            .position(|code| *code == city.country)
        else {
            continue;
        };
        if nuts3.len() != 5 {
            continue;
        }
        let region_code = &nuts3[..4];
        if let Err(position) = region_codes.binary_search(&region_code) {
            region_codes.insert(position, region_code);
        }
        let language = countries::language_of(&city.country, nuts3);
        let parent = big_cities
            .get(city_area(nuts3))
            .into_iter()
            .flatten()
            .filter(|parent| {
                parent.geonameid != city.geonameid
                    && city.population.saturating_mul(3) < parent.population
                    && distance_km(city.lat, city.lon, parent.lat, parent.lon)
                        < f64::from(parent.population).sqrt() / 110.0
            })
            .max_by_key(|parent| parent.population);
        if let Some(parent) = parent {
            *district_population.entry(parent.geonameid).or_default() += u64::from(city.population);
        }
        let own = parent.copied().unwrap_or(city);
        let name = countries::local_city_name(&own.country, &own.name, language)
            .unwrap_or_else(|| plain_city_name(&own.name));
        let district = nuts
            .get(nuts3)
            .map_or(name, |region| short_region_name(&region.name));
        let lat_microdegrees = (city.lat * 1_000_000.0).round() as i64;
        let lon_microdegrees = (city.lon * 1_000_000.0).round() as i64;
        let lon_jitter_microdegrees = (JITTER_MICRODEGREES / cos_degrees(city.lat)).round() as i64;
        cities.push((
            WorldCity {
                name,
                country: country as u8,
                region: 0,
                nuts3,
                district,
                language,
                lat_microdegrees,
                lon_microdegrees,
                lon_jitter_microdegrees,
                big: own.population >= 300_000,
                population: own.population,
                eu_language: EU_LANGUAGE_CODES.contains(&language.code),
                forms: countries::legal_forms(&city.country, language),
                patterns: Patterns::of(language),
            },
            (
                city.geonameid,
                parent.map(|parent| parent.geonameid),
                u64::from(city.population),
            ),
        ));
    }
    // GeoNames counts the people of a big city's districts in the city too, and lists both the
    // districts and their quarters: a big city and its districts together weigh what the city
    // does, a tenth of it at the centre and the rest spread over the districts in proportion to
    // their populations.
    let population_of: BTreeMap<u32, u64> = cities
        .iter()
        .map(|(_, (geonameid, _, population))| (*geonameid, *population))
        .collect();
    let mut cities: Vec<(WorldCity, u64)> = cities
        .into_iter()
        .map(
            |(city, (geonameid, parent, population)): (WorldCity, (u32, Option<u32>, u64))| {
                let weight = match parent {
                    Some(parent) => {
                        let city_population =
                            population_of.get(&parent).copied().unwrap_or(population);
                        let in_districts = district_population
                            .get(&parent)
                            .copied()
                            .unwrap_or(population)
                            .max(1);
                        let for_districts = (city_population * 9 / 10).min(in_districts);
                        population * for_districts / in_districts
                    }
                    None => {
                        let in_districts =
                            district_population.get(&geonameid).copied().unwrap_or(0);
                        population.saturating_sub(in_districts).max(population / 10)
                    }
                };
                (city, weight)
            },
        )
        .collect();
    // Regions in code order, so their indices do not depend on the order cities come in.
    for code in &region_codes {
        let region = nuts.get(code);
        regions.push(WorldRegion {
            name: region.map_or(code, |region| short_region_name(&region.name)),
            maritime: false,
        });
    }
    for (city, _) in &mut cities {
        city.region = region_codes.binary_search(&&city.nuts3[..4]).unwrap_or(0) as u16;
    }
    let ports: std::collections::BTreeSet<(&str, &str)> = PORT_CITIES.iter().copied().collect();
    for city in reference.cities() {
        let is_port = ports.contains(&(city.country.as_str(), city.name.as_str()));
        if let (true, Some(nuts3)) = (is_port, city.nuts3.as_deref())
            && let Ok(index) = region_codes.binary_search(&&nuts3[..4.min(nuts3.len())])
        {
            regions[index].maritime = true;
        }
    }
    (cities, regions)
}

fn build_categories(reference: &'static Reference) -> Vec<WorldCategory> {
    let nace = reference.nace();
    let classes: Vec<&'static clusterhub_reference::NaceActivity> = nace.at_level(4).collect();
    reference
        .cluster_categories()
        .iter()
        .map(|category| {
            let mut covered: Vec<&'static clusterhub_reference::NaceActivity> = classes
                .iter()
                .copied()
                // NACE codes nest by prefix below the sections ("62.01" lies in "62.0" and "62"),
                // and categories name divisions, groups and classes only.
                .filter(|class| {
                    category
                        .nace
                        .iter()
                        .any(|code| class.code.starts_with(code.as_str()))
                })
                .collect();
            covered.sort_by(|left, right| left.code.cmp(&right.code));
            covered.dedup_by(|left, right| left.code == right.code);
            WorldCategory {
                name_en: &category.name_en,
                nace_classes: covered.iter().map(|class| class.code.as_str()).collect(),
                nace_labels: covered
                    .iter()
                    .map(|class| {
                        [
                            class.label_en.as_str(),
                            class.label_fr.as_str(),
                            class.label_de.as_str(),
                        ]
                    })
                    .collect(),
                related: reference
                    .related_categories(category.id)
                    .iter()
                    .take(5)
                    .map(|(related, _)| related.id)
                    .collect(),
            }
        })
        .collect()
}

fn build_vocabulary(terms: &'static [clusterhub_reference::Term]) -> Vocabulary {
    let texts: Vec<String> = terms
        .iter()
        .map(|term| format!("{} {}", term.label_en, term.description).to_lowercase())
        .collect();
    let by_theme = (0..THEME_COUNT)
        .map(|theme| {
            let keywords = Theme(theme as u8).english().keywords;
            let matching: Vec<u16> = texts
                .iter()
                .enumerate()
                .filter(|(_, text)| keywords.iter().any(|keyword| text.contains(keyword)))
                .map(|(index, _)| index as u16)
                .collect();
            if matching.is_empty() {
                (0..terms.len() as u16).collect()
            } else {
                matching
            }
        })
        .collect();
    Vocabulary {
        ids: terms.iter().map(|term| term.id.as_str()).collect(),
        labels_en: terms.iter().map(|term| term.label_en.as_str()).collect(),
        by_theme,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_world_has_cities_regions_and_categories() {
        let world = World::get();
        assert!(world.cities.len() > 15_000, "{} cities", world.cities.len());
        assert!(world.regions.len() > 250, "{} regions", world.regions.len());
        assert_eq!(world.categories.len(), 51);
        for category in &world.categories {
            assert!(
                !category.nace_classes.is_empty(),
                "{} has no NACE class",
                category.name_en
            );
            assert_eq!(category.related.len(), 5);
        }
        let maritime = world
            .regions
            .iter()
            .filter(|region| region.maritime)
            .count();
        assert!(maritime > 60, "{maritime} maritime regions");
        let mut region_codes = vec![""; world.regions.len()];
        for city in &world.cities {
            let code = &mut region_codes[usize::from(city.region)];
            if code.is_empty() {
                *code = &city.nuts3[..4];
            }
            assert_eq!(
                *code,
                &city.nuts3[..4],
                "every city of a region shares its NUTS-2 code"
            );
        }
        let mut sorted = region_codes.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), region_codes.len(), "regions are distinct");
    }

    #[test]
    fn districts_carry_their_big_citys_local_name() {
        let world = World::get();
        let names_in = |nuts3: &str| -> Vec<&str> {
            world
                .cities
                .iter()
                .filter(|city| city.nuts3 == nuts3)
                .map(|city| city.name)
                .collect()
        };
        assert!(
            names_in("RO321").iter().all(|name| *name == "București"),
            "{:?}",
            names_in("RO321")
        );
        assert!(names_in("DE212").contains(&"München"));
        let budapest = names_in("HU110");
        assert!(budapest.contains(&"Budapest"));
        for district in ["Pest", "Buda", "Újpest", "Zugló", "Budapest XI. kerület"] {
            assert!(
                !budapest.contains(&district),
                "{district} is still a city name"
            );
        }
        assert!(
            world
                .cities
                .iter()
                .all(|city| !city.name.starts_with("Sector "))
        );
    }

    #[test]
    fn cosine_is_accurate_enough() {
        assert!((cos_degrees(0.0) - 1.0).abs() < 1e-9);
        assert!((cos_degrees(60.0) - 0.5).abs() < 1e-6);
        assert!((cos_degrees(-45.0) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!((cos_degrees(71.0) - 0.325_568_154).abs() < 1e-5);
    }

    #[test]
    fn city_names_lose_their_quarters() {
        assert_eq!(plain_city_name("Zürich (Kreis 11) / Oerlikon"), "Zürich");
        assert_eq!(plain_city_name("Veltheim (Kreis 5)"), "Veltheim");
        assert_eq!(plain_city_name("Donostia / San Sebastián"), "Donostia");
        assert_eq!(plain_city_name("Halle (Saale)"), "Halle (Saale)");
        assert!(
            World::get()
                .cities
                .iter()
                .all(|city| !city.name.contains(" / ") && !city.name.contains("(Kreis"))
        );
    }

    #[test]
    fn region_names_are_short() {
        assert_eq!(
            short_region_name("Provincia Autonoma di Bolzano/Bozen"),
            "Provincia Autonoma di Bolzano"
        );
        assert_eq!(short_region_name("Bursa, Eskişehir, Bilecik"), "Bursa");
        assert_eq!(short_region_name("Arr. Antwerpen"), "Antwerpen");
        assert_eq!(short_region_name("Augsburg, Landkreis"), "Augsburg");
    }
}
