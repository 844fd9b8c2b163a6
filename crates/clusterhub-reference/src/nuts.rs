//! NUTS regions (versions 2016 and 2021) and the translation of older codes to NUTS 2021.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::csv_text::read_rows;
use crate::{EmbeddedFile, ReferenceError};

/// A version of the NUTS classification that the platform carries in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NutsVersion {
    /// NUTS 2016 (Commission Regulation (EU) 2016/2066), used by CORDIS and the 2021–2027
    /// cohesion-policy decision.
    #[serde(rename = "2016")]
    V2016,
    /// NUTS 2021 (Commission Delegated Regulation (EU) 2019/1755), the platform's current version.
    #[serde(rename = "2021")]
    V2021,
}

impl NutsVersion {
    /// Every version, oldest first.
    pub const ALL: [NutsVersion; 2] = [NutsVersion::V2016, NutsVersion::V2021];

    /// The year the version is named after.
    pub fn year(self) -> u16 {
        match self {
            NutsVersion::V2016 => 2016,
            NutsVersion::V2021 => 2021,
        }
    }
}

impl fmt::Display for NutsVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.year())
    }
}

/// One region of a NUTS version, at any level from 0 (country) to 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NutsRegion {
    /// The NUTS code, e.g. `DE212`; countries are written as NUTS writes them (`EL`, `UK`).
    pub code: String,
    /// 0 for a country, then 1, 2 and 3 (the code's length minus 2).
    pub level: u8,
    /// The region one level up; `None` for a country.
    pub parent: Option<String>,
    /// The NUTS country code (`EL` for Greece, `UK` for the United Kingdom).
    pub country: String,
    /// The name in Latin script.
    pub name: String,
    /// The name in the national language and script.
    pub name_national: String,
    /// The centroid as (longitude, latitude) in WGS 84, from the NUTS 2021 shapes; `None` for a
    /// NUTS 2016 code that no longer exists in 2021.
    pub centroid: Option<(f64, f64)>,
}

/// All regions of one NUTS version, in code order.
#[derive(Debug, Clone, Serialize)]
pub struct NutsTable {
    version: NutsVersion,
    regions: Vec<NutsRegion>,
    #[serde(skip)]
    position_by_code: HashMap<String, usize>,
    #[serde(skip)]
    children_by_code: HashMap<String, Vec<usize>>,
}

#[derive(Deserialize)]
struct NutsRow {
    code: String,
    level: u8,
    parent: Option<String>,
    country: String,
    name: String,
    name_national: String,
    lon: Option<f64>,
    lat: Option<f64>,
}

impl NutsTable {
    pub(crate) fn parse(
        version: NutsVersion,
        file: &'static str,
        text: &str,
    ) -> Result<NutsTable, ReferenceError> {
        let rows: Vec<NutsRow> = read_rows(file, text)?;
        let mut regions: Vec<NutsRegion> = rows
            .into_iter()
            .map(|row| NutsRegion {
                centroid: row.lon.zip(row.lat),
                code: row.code,
                level: row.level,
                parent: row.parent,
                country: row.country,
                name: row.name,
                name_national: row.name_national,
            })
            .collect();
        regions.sort_by(|left, right| left.code.cmp(&right.code));

        let mut position_by_code = HashMap::with_capacity(regions.len());
        for (position, region) in regions.iter().enumerate() {
            if position_by_code
                .insert(region.code.clone(), position)
                .is_some()
            {
                return Err(ReferenceError::invalid(
                    file,
                    format!("duplicate code {}", region.code),
                ));
            }
        }
        let mut children_by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, region) in regions.iter().enumerate() {
            let expected_level = region.code.len().checked_sub(2);
            if expected_level != Some(usize::from(region.level))
                || !region.code.starts_with(&region.country)
            {
                return Err(ReferenceError::invalid(
                    file,
                    format!(
                        "{} has level {} and country {}",
                        region.code, region.level, region.country
                    ),
                ));
            }
            match &region.parent {
                None if region.level == 0 => {}
                Some(parent) if region.level > 0 => {
                    let parent_level = position_by_code
                        .get(parent)
                        .map(|&index| regions[index].level);
                    if parent_level != Some(region.level - 1) {
                        return Err(ReferenceError::invalid(
                            file,
                            format!(
                                "the parent {parent} of {} is missing or at the wrong level",
                                region.code
                            ),
                        ));
                    }
                    children_by_code
                        .entry(parent.clone())
                        .or_default()
                        .push(position);
                }
                _ => {
                    return Err(ReferenceError::invalid(
                        file,
                        format!(
                            "{} at level {} has parent {:?}",
                            region.code, region.level, region.parent
                        ),
                    ));
                }
            }
        }
        Ok(NutsTable {
            version,
            regions,
            position_by_code,
            children_by_code,
        })
    }

    /// The version of the classification this table holds.
    pub fn version(&self) -> NutsVersion {
        self.version
    }

    /// The region with this code, if it exists in this version.
    pub fn get(&self, code: &str) -> Option<&NutsRegion> {
        self.position_by_code
            .get(code)
            .map(|&position| &self.regions[position])
    }

    /// Whether this version has a region with this code.
    pub fn contains(&self, code: &str) -> bool {
        self.position_by_code.contains_key(code)
    }

    /// Every region, in code order.
    pub fn iter(&self) -> impl Iterator<Item = &NutsRegion> {
        self.regions.iter()
    }

    /// The number of regions, all levels together.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// Whether the table has no regions (never true for the embedded data).
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// Every region of one level (0 to 3), in code order.
    pub fn at_level(&self, level: u8) -> impl Iterator<Item = &NutsRegion> {
        self.regions
            .iter()
            .filter(move |region| region.level == level)
    }

    /// The regions one level below this code, in code order; nothing for an unknown code.
    pub fn children(&self, code: &str) -> impl Iterator<Item = &NutsRegion> {
        self.children_by_code
            .get(code)
            .into_iter()
            .flatten()
            .map(|&position| &self.regions[position])
    }

    /// The region itself first, then its parent and so on up to the country (level 0); empty for
    /// an unknown code.
    pub fn ancestors(&self, code: &str) -> Vec<&NutsRegion> {
        let mut chain = Vec::with_capacity(4);
        let mut next = self.get(code);
        while let Some(region) = next {
            chain.push(region);
            next = region.parent.as_deref().and_then(|parent| self.get(parent));
        }
        chain
    }

    /// The region of the given level that contains this code (the code itself at its own level).
    pub fn ancestor_at_level(&self, code: &str, level: u8) -> Option<&NutsRegion> {
        self.ancestors(code)
            .into_iter()
            .find(|region| region.level == level)
    }
}

/// How an old NUTS code was carried over to NUTS 2021.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NutsTranslationMethod {
    /// The region was only relabelled, one or several times, and its last code is valid in 2021.
    Recoded,
    /// An Extra-Regio code (`CCZ`, `CCZZ`, `CCZZZ`), translated to its country.
    ExtraRegio,
    /// The region was split or merged: the result is the longest common ancestor, existing in
    /// 2021, of what its known sub-regions became, never more detailed than the old code.
    CommonAncestor,
    /// Nothing is known about the region's successors: the result is the translation of its
    /// parent region, the smallest 2021 region known to contain it.
    Parent,
    /// No 2021 region can be named.
    NoSuccessor,
}

/// The NUTS 2021 region that an old code (NUTS 2003 to 2016) corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NutsTranslation {
    /// The old code.
    pub code: String,
    /// The NUTS 2021 code, if any.
    pub nuts_2021: Option<String>,
    /// How the translation was derived.
    pub method: NutsTranslationMethod,
}

#[derive(Deserialize)]
struct TranslationRow {
    code: String,
    nuts_2021: Option<String>,
    method: String,
}

pub(crate) fn parse_translations(
    file: &'static str,
    text: &str,
    nuts_2021: &NutsTable,
) -> Result<HashMap<String, NutsTranslation>, ReferenceError> {
    let rows: Vec<TranslationRow> = read_rows(file, text)?;
    let mut translations = HashMap::with_capacity(rows.len());
    for row in rows {
        let method = match row.method.as_str() {
            "recoded" => NutsTranslationMethod::Recoded,
            "extra_regio" => NutsTranslationMethod::ExtraRegio,
            "common_ancestor" => NutsTranslationMethod::CommonAncestor,
            "parent" => NutsTranslationMethod::Parent,
            "none" => NutsTranslationMethod::NoSuccessor,
            other => {
                return Err(ReferenceError::invalid(
                    file,
                    format!("unknown method {other}"),
                ));
            }
        };
        if nuts_2021.contains(&row.code) {
            return Err(ReferenceError::invalid(
                file,
                format!("{} is a NUTS 2021 code", row.code),
            ));
        }
        if let Some(target) = &row.nuts_2021
            && !nuts_2021.contains(target)
        {
            return Err(ReferenceError::invalid(
                file,
                format!("{target} is not a NUTS 2021 code"),
            ));
        }
        if row.nuts_2021.is_none() != (method == NutsTranslationMethod::NoSuccessor) {
            return Err(ReferenceError::invalid(
                file,
                format!("{} has an inconsistent method", row.code),
            ));
        }
        let translation = NutsTranslation {
            code: row.code.clone(),
            nuts_2021: row.nuts_2021,
            method,
        };
        translations.insert(row.code, translation);
    }
    Ok(translations)
}

/// One relabelling step of `nuts_recoded.json`: from one version to the next, each new code
/// with the old code it replaced.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RecodingStep {
    pub(crate) from: String,
    pub(crate) to: String,
    #[serde(rename = "newIdToOldId")]
    pub(crate) old_code_by_new_code: HashMap<String, String>,
}

/// Reads the relabelling steps of `nuts_recoded.json`, merges in the hand-written supplement
/// (changes the file lacks, see `data/README.md`) and returns them oldest first.
pub(crate) fn parse_recoding_steps(
    recoded: &EmbeddedFile,
    supplement: &EmbeddedFile,
) -> Result<Vec<RecodingStep>, ReferenceError> {
    let mut steps: Vec<RecodingStep> = serde_json::from_str(recoded.text)
        .map_err(|error| ReferenceError::invalid(recoded.name, error.to_string()))?;
    let extra_steps: Vec<RecodingStep> = serde_json::from_str(supplement.text)
        .map_err(|error| ReferenceError::invalid(supplement.name, error.to_string()))?;
    for extra in extra_steps {
        let step = steps
            .iter_mut()
            .find(|step| step.from == extra.from && step.to == extra.to)
            .ok_or_else(|| {
                ReferenceError::invalid(
                    supplement.name,
                    format!("no step {}-{}", extra.from, extra.to),
                )
            })?;
        for (new_code, old_code) in extra.old_code_by_new_code {
            if step.old_code_by_new_code.contains_key(&new_code) {
                return Err(ReferenceError::invalid(
                    supplement.name,
                    format!("{new_code} is already recoded"),
                ));
            }
            step.old_code_by_new_code.insert(new_code, old_code);
        }
    }
    steps.sort_by(|left, right| left.from.cmp(&right.from));
    if steps.last().is_none_or(|step| step.to != "2021") {
        return Err(ReferenceError::invalid(
            recoded.name,
            "the last step must end in 2021".to_owned(),
        ));
    }
    Ok(steps)
}

/// Normalises a code as users and files write it: trimmed and in capitals.
pub(crate) fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,level,parent,country,name,name_national,lon,lat\n";

    fn parse(rows: &str) -> Result<NutsTable, ReferenceError> {
        NutsTable::parse(NutsVersion::V2021, "test.csv", &format!("{HEADER}{rows}"))
    }

    #[test]
    fn builds_the_hierarchy_in_code_order() {
        let table = parse("DE1,1,DE,DE,Baden,Baden,9,48\nDE,0,,DE,Deutschland,Deutschland,10,51\n")
            .unwrap();
        let codes: Vec<&str> = table.iter().map(|region| region.code.as_str()).collect();
        assert_eq!(codes, vec!["DE", "DE1"]);
        assert_eq!(table.get("DE1").unwrap().centroid, Some((9.0, 48.0)));
        assert_eq!(table.children("DE").count(), 1);
        assert_eq!(table.ancestors("DE1").len(), 2);
    }

    #[test]
    fn rejects_a_missing_parent_a_wrong_level_and_duplicates() {
        assert!(parse("DE1,1,DE,DE,Baden,Baden,,\n").is_err());
        assert!(parse("DE,0,,DE,Deutschland,Deutschland,,\nDE1,2,DE,DE,Baden,Baden,,\n").is_err());
        assert!(
            parse("DE,0,,DE,Deutschland,Deutschland,,\nDE,0,,DE,Deutschland,Deutschland,,\n")
                .is_err()
        );
    }

    #[test]
    fn normalises_codes() {
        assert_eq!(normalise_code(" de21a "), "DE21A");
    }
}
