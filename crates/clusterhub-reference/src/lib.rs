//! Reference data shipped with Clusterhub — NUTS, NACE, countries, cities, cluster categories,
//! vocabularies and cohesion-policy region categories — embedded in the binary and parsed once.
//!
//! The crate does no I/O: every file under `data/` that it needs is compiled in with
//! `include_str!` and parsed into typed tables on first use of [`Reference::get`]. Where each
//! file comes from and how the derived ones were made is written in `data/README.md`.

mod cities;
mod clusters;
mod cohesion;
mod countries;
mod csv_text;
mod nace;
mod nuts;
mod terms;

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use cities::City;
pub use clusters::{CLUSTER_CATEGORY_COUNT, ClusterCategory, Relatedness};
pub use cohesion::{CohesionPeriod, CohesionRegion, RegionCategory};
pub use countries::{Countries, Country};
pub use nace::{NaceActivity, NaceTable};
pub use nuts::{NutsRegion, NutsTable, NutsTranslation, NutsTranslationMethod, NutsVersion};
pub use terms::Term;

use clusters::RelatednessMatrix;
use cohesion::{CohesionTable, NutsContext};

/// Embeds a file of the repository's `data/` folder as text.
macro_rules! data_file {
    ($path:literal) => {
        EmbeddedFile {
            name: $path,
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/", $path)),
        }
    };
}

pub(crate) struct EmbeddedFile {
    pub(crate) name: &'static str,
    pub(crate) text: &'static str,
}

const NUTS_2016: EmbeddedFile = data_file!("reference/nuts/nuts_regions_2016.csv");
const NUTS_2021: EmbeddedFile = data_file!("reference/nuts/nuts_regions_2021.csv");
const NUTS_TO_2021: EmbeddedFile = data_file!("reference/nuts/nuts_to_2021.csv");
const NUTS_RECODED: EmbeddedFile = data_file!("reference/nuts/nuts_recoded.json");
const NUTS_RECODED_SUPPLEMENT: EmbeddedFile =
    data_file!("reference/nuts/nuts_recoded_supplement.json");
const NACE: EmbeddedFile = data_file!("reference/nace/nace2.csv");
const COUNTRIES: EmbeddedFile = data_file!("reference/countries/countries.csv");
const CITIES: EmbeddedFile = data_file!("reference/geo/cities.csv");
const CLUSTER_CATEGORIES: EmbeddedFile = data_file!("reference/clusters/cluster_categories.csv");
const CLUSTER_RELATEDNESS: EmbeddedFile = data_file!("reference/clusters/cluster_relatedness.csv");
const EMERGING_INDUSTRIES: EmbeddedFile =
    data_file!("reference/taxonomies/emerging_industries.csv");
const TECHNOLOGY_FIELDS: EmbeddedFile = data_file!("reference/taxonomies/technology_fields.csv");
const S3_PRIORITY_AREAS: EmbeddedFile = data_file!("reference/taxonomies/s3_priority_areas.csv");
const COHESION: EmbeddedFile = data_file!("reference/cohesion/region_categories.csv");

/// A user-interface language for which the data carries labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
}

impl Lang {
    /// Every language with labels, English first.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::De];

    /// The ISO 639-1 code: `en`, `fr` or `de`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
        }
    }

    /// The language with this ISO 639-1 code, in any letter case.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// An embedded file that does not parse or breaks an invariant (only possible after a bad edit of
/// `data/`; the tests catch it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ReferenceError {
    /// The file's path under `data/`.
    pub file: &'static str,
    /// What is wrong, with the line where known.
    pub message: String,
}

impl ReferenceError {
    pub(crate) fn invalid(file: &'static str, message: String) -> ReferenceError {
        ReferenceError { file, message }
    }

    pub(crate) fn from_csv(file: &'static str, error: &csv::Error) -> ReferenceError {
        let message = match error.position() {
            Some(position) => format!("line {}: {error}", position.line()),
            None => error.to_string(),
        };
        ReferenceError { file, message }
    }
}

/// All reference data, parsed.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    nuts_2016: NutsTable,
    nuts_2021: NutsTable,
    #[serde(skip)]
    nuts_translations: HashMap<String, NutsTranslation>,
    nace: NaceTable,
    countries: Countries,
    cities: Vec<City>,
    cluster_categories: Vec<ClusterCategory>,
    #[serde(skip)]
    relatedness: RelatednessMatrix,
    emerging_industries: Vec<Term>,
    technology_fields: Vec<Term>,
    s3_priority_areas: Vec<Term>,
    #[serde(skip)]
    cohesion: CohesionTable,
}

static REFERENCE: LazyLock<Reference> = LazyLock::new(|| {
    Reference::parse().unwrap_or_else(|error| panic!("embedded reference data is invalid: {error}"))
});

impl Reference {
    /// The reference data, parsed on first use and shared for the life of the process.
    pub fn get() -> &'static Reference {
        &REFERENCE
    }

    /// Parses every embedded file; [`Reference::get`] does this once.
    pub fn parse() -> Result<Reference, ReferenceError> {
        let nuts_2016 = NutsTable::parse(NutsVersion::V2016, NUTS_2016.name, NUTS_2016.text)?;
        let nuts_2021 = NutsTable::parse(NutsVersion::V2021, NUTS_2021.name, NUTS_2021.text)?;
        let nuts_translations =
            nuts::parse_translations(NUTS_TO_2021.name, NUTS_TO_2021.text, &nuts_2021)?;
        let steps = nuts::parse_recoding_steps(&NUTS_RECODED, &NUTS_RECODED_SUPPLEMENT)?;
        let nace = NaceTable::parse(NACE.name, NACE.text)?;
        let countries = Countries::parse(COUNTRIES.name, COUNTRIES.text)?;
        let cities = cities::parse_cities(CITIES.name, CITIES.text)?;
        let cluster_categories =
            clusters::parse_categories(CLUSTER_CATEGORIES.name, CLUSTER_CATEGORIES.text, &nace)?;
        let relatedness =
            RelatednessMatrix::parse(CLUSTER_RELATEDNESS.name, CLUSTER_RELATEDNESS.text)?;
        let emerging_industries =
            terms::parse_terms(EMERGING_INDUSTRIES.name, EMERGING_INDUSTRIES.text)?;
        let technology_fields = terms::parse_terms(TECHNOLOGY_FIELDS.name, TECHNOLOGY_FIELDS.text)?;
        let s3_priority_areas = terms::parse_terms(S3_PRIORITY_AREAS.name, S3_PRIORITY_AREAS.text)?;
        let cohesion = CohesionTable::parse(
            COHESION.name,
            COHESION.text,
            &NutsContext {
                nuts_2016: &nuts_2016,
                nuts_2021: &nuts_2021,
                translations: &nuts_translations,
                steps: &steps,
            },
        )?;
        Ok(Reference {
            nuts_2016,
            nuts_2021,
            nuts_translations,
            nace,
            countries,
            cities,
            cluster_categories,
            relatedness,
            emerging_industries,
            technology_fields,
            s3_priority_areas,
            cohesion,
        })
    }

    /// The regions of one NUTS version.
    pub fn nuts(&self, version: NutsVersion) -> &NutsTable {
        match version {
            NutsVersion::V2016 => &self.nuts_2016,
            NutsVersion::V2021 => &self.nuts_2021,
        }
    }

    /// The NUTS 2021 code for a code of any version from 2003 to 2021 (trimmed, any letter case):
    /// the code itself if it is valid in 2021, else its documented translation (see
    /// [`Reference::nuts_translation`]); `None` for an unknown code or one with no successor.
    pub fn translate_nuts_to_2021(&self, code: &str) -> Option<String> {
        let code = nuts::normalise_code(code);
        if self.nuts_2021.contains(&code) {
            return Some(code);
        }
        self.nuts_translations
            .get(&code)
            .and_then(|translation| translation.nuts_2021.clone())
    }

    /// How an old code (not valid in NUTS 2021) was translated, or `None` for a code that is
    /// valid in 2021 or unknown.
    pub fn nuts_translation(&self, code: &str) -> Option<&NutsTranslation> {
        self.nuts_translations.get(&nuts::normalise_code(code))
    }

    /// NACE Rev. 2.
    pub fn nace(&self) -> &NaceTable {
        &self.nace
    }

    /// The countries.
    pub fn countries(&self) -> &Countries {
        &self.countries
    }

    /// The cities, in GeoNames identifier order.
    pub fn cities(&self) -> &[City] {
        &self.cities
    }

    /// The city with this GeoNames identifier.
    pub fn city(&self, geonameid: u32) -> Option<&City> {
        cities::find_city(&self.cities, geonameid)
    }

    /// The 51 traded cluster categories, in identifier order.
    pub fn cluster_categories(&self) -> &[ClusterCategory] {
        &self.cluster_categories
    }

    /// The cluster category with this identifier (1 to 51).
    pub fn cluster_category(&self, id: u8) -> Option<&ClusterCategory> {
        let index = usize::from(id).checked_sub(1)?;
        self.cluster_categories.get(index)
    }

    /// The categories whose NACE codes overlap this NACE code: a category code equal to it, above
    /// it (the category names group 10.1 and the code is class 10.11) or below it (the code is
    /// division 10).
    pub fn cluster_categories_for_nace(&self, nace_code: &str) -> Vec<&ClusterCategory> {
        let nace_code = nace_code.trim();
        self.cluster_categories
            .iter()
            .filter(|category| {
                category.nace.iter().any(|code| {
                    self.nace.is_within(nace_code, code) || self.nace.is_within(code, nace_code)
                })
            })
            .collect()
    }

    /// How related category `a` is to category `b` (1 to 51 each).
    pub fn relatedness(&self, a: u8, b: u8) -> Option<Relatedness> {
        self.relatedness.get(a, b)
    }

    /// The other categories most related to `id`, strongest combined relatedness first.
    pub fn related_categories(&self, id: u8) -> Vec<(&ClusterCategory, Relatedness)> {
        let mut related: Vec<(&ClusterCategory, Relatedness)> = self
            .cluster_categories
            .iter()
            .filter(|category| category.id != id)
            .filter_map(|category| {
                self.relatedness(id, category.id)
                    .map(|relatedness| (category, relatedness))
            })
            .collect();
        related.sort_by(|left, right| right.1.cr_all.total_cmp(&left.1.cr_all));
        related
    }

    /// The ten emerging industries of the European Cluster Observatory.
    pub fn emerging_industries(&self) -> &[Term] {
        &self.emerging_industries
    }

    /// The technology fields (the Commission's Advanced Technologies for Industry).
    pub fn technology_fields(&self) -> &[Term] {
        &self.technology_fields
    }

    /// The S3 EU priority areas used as a filter by the European Cluster Collaboration Platform.
    pub fn s3_priority_areas(&self) -> &[Term] {
        &self.s3_priority_areas
    }

    /// The cohesion-policy category of a region in a period. The code is a NUTS 2021 code of level
    /// 2 or 3 (older codes are translated first); its region in the decision's NUTS version
    /// decides. A level-2 region whose level-3 regions fall in different categories (possible for
    /// 2014–2020 after boundary changes, for example IE06) has none: ask with its level-3 regions.
    pub fn region_category(
        &self,
        period: CohesionPeriod,
        nuts_2021_code: &str,
    ) -> Option<RegionCategory> {
        let code = self.translate_nuts_to_2021(nuts_2021_code)?;
        self.cohesion.category(period, &code)
    }

    /// The regions a decision lists, with codes and names as the decision writes them.
    pub fn cohesion_regions(&self, period: CohesionPeriod) -> Vec<&CohesionRegion> {
        self.cohesion.regions(period).collect()
    }

    /// The legal citation of the decision that lists the regions of each category.
    pub fn cohesion_source(&self, period: CohesionPeriod) -> &'static str {
        period.source()
    }
}

#[cfg(test)]
mod tests;
