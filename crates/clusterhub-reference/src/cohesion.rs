//! Cohesion-policy categories of NUTS level-2 regions (less developed, transition, more
//! developed) for 2014–2020 and 2021–2027, as the Commission's implementing decisions list them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ReferenceError;
use crate::csv_text::read_rows;
use crate::nuts::{NutsTable, NutsTranslation, RecodingStep};

/// A programming period of EU cohesion policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CohesionPeriod {
    /// 2014–2020: Commission Implementing Decision 2014/99/EU, on NUTS 2006 level-2 regions.
    #[serde(rename = "2014-2020")]
    P2014_2020,
    /// 2021–2027: Commission Implementing Decision (EU) 2021/1130, on NUTS 2016 level-2 regions.
    #[serde(rename = "2021-2027")]
    P2021_2027,
}

impl CohesionPeriod {
    /// Both periods, oldest first.
    pub const ALL: [CohesionPeriod; 2] = [CohesionPeriod::P2014_2020, CohesionPeriod::P2021_2027];

    /// The period as written in the data file and the API: `2014-2020` or `2021-2027`.
    pub fn as_str(self) -> &'static str {
        match self {
            CohesionPeriod::P2014_2020 => "2014-2020",
            CohesionPeriod::P2021_2027 => "2021-2027",
        }
    }

    /// The legal act that lists the regions of each category.
    pub fn source(self) -> &'static str {
        match self {
            CohesionPeriod::P2014_2020 => {
                "Commission Implementing Decision 2014/99/EU of 18 February 2014 setting out the list of regions \
                 eligible for funding from the European Regional Development Fund and the European Social Fund and \
                 of Member States eligible for funding from the Cohesion Fund for the period 2014-2020 (notified \
                 under document C(2014) 974), OJ L 50, 20.2.2014, p. 22"
            }
            CohesionPeriod::P2021_2027 => {
                "Commission Implementing Decision (EU) 2021/1130 of 5 July 2021 setting out the list of regions \
                 eligible for funding from the European Regional Development Fund and the European Social Fund Plus \
                 and of Member States eligible for funding from the Cohesion Fund for the period 2021-2027 \
                 (notified under document C(2021) 4894), OJ L 244, 9.7.2021, p. 10"
            }
        }
    }

    /// How many relabelling steps of `nuts_recoded.json` lie between NUTS 2021 and the version
    /// of the decision's codes (2006 for 2014–2020, 2016 for 2021–2027).
    fn steps_back_from_2021(self) -> usize {
        match self {
            CohesionPeriod::P2014_2020 => 4,
            CohesionPeriod::P2021_2027 => 1,
        }
    }

    fn parse(text: &str) -> Option<CohesionPeriod> {
        CohesionPeriod::ALL
            .into_iter()
            .find(|period| period.as_str() == text)
    }
}

/// The category of a NUTS level-2 region under cohesion policy, by GDP per head in PPS against
/// the EU average.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionCategory {
    /// Below 75 % of the EU average.
    LessDeveloped,
    /// 75–90 % (2014–2020) or 75–100 % (2021–2027) of the EU average.
    Transition,
    /// Above the transition band.
    MoreDeveloped,
}

impl RegionCategory {
    /// The category as written in the data file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionCategory::LessDeveloped => "less_developed",
            RegionCategory::Transition => "transition",
            RegionCategory::MoreDeveloped => "more_developed",
        }
    }

    fn parse(text: &str) -> Option<RegionCategory> {
        [
            RegionCategory::LessDeveloped,
            RegionCategory::Transition,
            RegionCategory::MoreDeveloped,
        ]
        .into_iter()
        .find(|category| category.as_str() == text)
    }
}

/// One line of a decision's annexes: a level-2 region, with its code as the decision writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohesionRegion {
    /// The programming period.
    pub period: CohesionPeriod,
    /// The NUTS code in the decision's NUTS version (2006 for 2014–2020, 2016 for 2021–2027).
    pub nuts: String,
    /// The region's name as the decision gives it.
    pub name: String,
    /// The category.
    pub category: RegionCategory,
}

#[derive(Deserialize)]
struct CohesionRow {
    period: String,
    nuts: String,
    name: String,
    category: String,
}

/// The transcribed annexes, and the category of every NUTS 2021 level-2 and level-3 region they
/// determine.
#[derive(Debug, Clone)]
pub(crate) struct CohesionTable {
    regions: Vec<CohesionRegion>,
    category_by_nuts_2021: HashMap<(CohesionPeriod, String), RegionCategory>,
}

/// What the cohesion table needs from the NUTS tables.
pub(crate) struct NutsContext<'a> {
    pub(crate) nuts_2016: &'a NutsTable,
    pub(crate) nuts_2021: &'a NutsTable,
    pub(crate) translations: &'a HashMap<String, NutsTranslation>,
    /// The relabelling steps, oldest first.
    pub(crate) steps: &'a [RecodingStep],
}

impl CohesionTable {
    pub(crate) fn parse(
        file: &'static str,
        text: &str,
        nuts: &NutsContext<'_>,
    ) -> Result<CohesionTable, ReferenceError> {
        let rows: Vec<CohesionRow> = read_rows(file, text)?;
        let mut regions = Vec::with_capacity(rows.len());
        let mut listed: HashMap<(CohesionPeriod, String), RegionCategory> = HashMap::new();
        for row in rows {
            let period = CohesionPeriod::parse(&row.period).ok_or_else(|| {
                ReferenceError::invalid(file, format!("unknown period {}", row.period))
            })?;
            let category = RegionCategory::parse(&row.category).ok_or_else(|| {
                ReferenceError::invalid(file, format!("unknown category {}", row.category))
            })?;
            let known = match period {
                CohesionPeriod::P2021_2027 => nuts
                    .nuts_2016
                    .get(&row.nuts)
                    .is_some_and(|region| region.level == 2),
                CohesionPeriod::P2014_2020 => {
                    row.nuts.len() == 4
                        && (nuts.nuts_2021.contains(&row.nuts)
                            || nuts
                                .translations
                                .get(&row.nuts)
                                .is_some_and(|translation| translation.nuts_2021.is_some()))
                }
            };
            if !known {
                return Err(ReferenceError::invalid(
                    file,
                    format!(
                        "{} ({}) is not a level-2 region of the decision's NUTS version",
                        row.nuts, row.period
                    ),
                ));
            }
            if listed
                .insert((period, row.nuts.clone()), category)
                .is_some()
            {
                return Err(ReferenceError::invalid(
                    file,
                    format!("{} is listed twice for {}", row.nuts, row.period),
                ));
            }
            regions.push(CohesionRegion {
                period,
                nuts: row.nuts,
                name: row.name,
                category,
            });
        }

        // Each listed region's NUTS 2021 counterpart (itself, relabelled, or the common ancestor
        // of what it was split into), with the categories of every listed region behind it.
        let mut categories_by_translation: HashMap<(CohesionPeriod, String), Vec<RegionCategory>> =
            HashMap::new();
        for ((period, code), &category) in &listed {
            let translated = if nuts.nuts_2021.contains(code) {
                Some(code.clone())
            } else {
                nuts.translations
                    .get(code)
                    .and_then(|translation| translation.nuts_2021.clone())
            };
            if let Some(translated) = translated {
                categories_by_translation
                    .entry((*period, translated))
                    .or_default()
                    .push(category);
            }
        }

        let mut category_by_nuts_2021 = HashMap::new();
        for period in CohesionPeriod::ALL {
            for region in nuts.nuts_2021.at_level(3) {
                let chain =
                    codes_back_in_time(&region.code, nuts.steps, period.steps_back_from_2021());
                let category = category_of_chain(&listed, period, &chain)
                    .or_else(|| {
                        category_of_translated_ancestor(
                            &categories_by_translation,
                            period,
                            nuts.nuts_2021,
                            &region.code,
                        )
                    })
                    .or_else(|| category_of_level_1(&listed, period, &chain));
                if let Some(category) = category {
                    category_by_nuts_2021.insert((period, region.code.clone()), category);
                }
            }
            for region in nuts.nuts_2021.at_level(2) {
                let mut categories = nuts.nuts_2021.children(&region.code).map(|child| {
                    category_by_nuts_2021
                        .get(&(period, child.code.clone()))
                        .copied()
                });
                let first = categories.next().flatten();
                if let Some(category) = first
                    && categories.all(|other| other == Some(category))
                {
                    category_by_nuts_2021.insert((period, region.code.clone()), category);
                }
            }
        }
        Ok(CohesionTable {
            regions,
            category_by_nuts_2021,
        })
    }

    /// The category of a NUTS 2021 level-2 or level-3 region.
    pub(crate) fn category(
        &self,
        period: CohesionPeriod,
        nuts_2021_code: &str,
    ) -> Option<RegionCategory> {
        self.category_by_nuts_2021
            .get(&(period, nuts_2021_code.to_owned()))
            .copied()
    }

    /// The regions a decision lists, in file order.
    pub(crate) fn regions(&self, period: CohesionPeriod) -> impl Iterator<Item = &CohesionRegion> {
        self.regions
            .iter()
            .filter(move |region| region.period == period)
    }
}

/// The code of a NUTS 2021 region in each earlier version, oldest first, following the
/// relabellings backwards (a code not relabelled in a step keeps its code).
fn codes_back_in_time(code_2021: &str, steps: &[RecodingStep], step_count: usize) -> Vec<String> {
    let mut chain = vec![code_2021.to_owned()];
    let mut code = code_2021.to_owned();
    for step in steps.iter().rev().take(step_count) {
        if let Some(old_code) = step.old_code_by_new_code.get(&code) {
            code = old_code.clone();
        }
        chain.push(code.clone());
    }
    chain.reverse();
    chain
}

/// The category of a level-3 region from its codes over time: the first listed level-2 prefix,
/// oldest version first.
fn category_of_chain(
    listed: &HashMap<(CohesionPeriod, String), RegionCategory>,
    period: CohesionPeriod,
    chain: &[String],
) -> Option<RegionCategory> {
    chain.iter().find_map(|code| {
        let prefix = code.get(..4)?;
        listed.get(&(period, prefix.to_owned())).copied()
    })
}

/// The category of a level-3 region from the listed regions whose NUTS 2021 counterpart is its
/// nearest ancestor (a region whose sub-regions were reorganised, such as DED1 Chemnitz, which
/// became DED4 with new districts), when they all agree.
fn category_of_translated_ancestor(
    categories_by_translation: &HashMap<(CohesionPeriod, String), Vec<RegionCategory>>,
    period: CohesionPeriod,
    nuts_2021: &NutsTable,
    code: &str,
) -> Option<RegionCategory> {
    let categories = nuts_2021
        .ancestors(code)
        .into_iter()
        .find_map(|ancestor| categories_by_translation.get(&(period, ancestor.code.clone())))?;
    let first = *categories.first()?;
    categories
        .iter()
        .all(|&other| other == first)
        .then_some(first)
}

/// The category shared by every listed region of the same level-1 prefix as one of the codes
/// (which covers NUTS 2016's Northern Irish codes UKN10..UKN16 under UKN0).
fn category_of_level_1(
    listed: &HashMap<(CohesionPeriod, String), RegionCategory>,
    period: CohesionPeriod,
    chain: &[String],
) -> Option<RegionCategory> {
    for code in chain {
        let Some(prefix) = code.get(..3) else {
            continue;
        };
        let mut categories = listed
            .iter()
            .filter(|((listed_period, listed_code), _)| {
                *listed_period == period && listed_code.starts_with(prefix)
            })
            .map(|(_, &category)| category);
        if let Some(first) = categories.next()
            && categories.all(|other| other == first)
        {
            return Some(first);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(from: &str, to: &str, pairs: &[(&str, &str)]) -> RecodingStep {
        RecodingStep {
            from: from.to_owned(),
            to: to.to_owned(),
            old_code_by_new_code: pairs
                .iter()
                .map(|(new, old)| ((*new).to_owned(), (*old).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn follows_codes_back_in_time_oldest_first() {
        let steps = [
            step("2013", "2016", &[("FRK26", "FR716")]),
            step("2016", "2021", &[]),
        ];
        assert_eq!(
            codes_back_in_time("FRK26", &steps, 2),
            vec!["FR716", "FRK26", "FRK26"]
        );
        assert_eq!(
            codes_back_in_time("FRK26", &steps, 1),
            vec!["FRK26", "FRK26"]
        );
    }

    #[test]
    fn level_1_fallback_needs_agreement() {
        let period = CohesionPeriod::P2014_2020;
        let mut listed = HashMap::new();
        listed.insert((period, "UKN0".to_owned()), RegionCategory::Transition);
        let chain = vec!["UKN10".to_owned()];
        assert_eq!(category_of_chain(&listed, period, &chain), None);
        assert_eq!(
            category_of_level_1(&listed, period, &chain),
            Some(RegionCategory::Transition)
        );
        listed.insert((period, "UKN1".to_owned()), RegionCategory::MoreDeveloped);
        assert_eq!(
            category_of_chain(&listed, period, &chain),
            Some(RegionCategory::MoreDeveloped)
        );
        listed.insert((period, "UKN2".to_owned()), RegionCategory::LessDeveloped);
        let other_chain = vec!["UKN30".to_owned()];
        assert_eq!(category_of_level_1(&listed, period, &other_chain), None);
    }

    #[test]
    fn periods_and_categories_round_trip_through_text() {
        for period in CohesionPeriod::ALL {
            assert_eq!(CohesionPeriod::parse(period.as_str()), Some(period));
        }
        assert_eq!(
            RegionCategory::parse("transition"),
            Some(RegionCategory::Transition)
        );
        assert_eq!(RegionCategory::parse("rich"), None);
        assert_eq!(
            serde_json::to_string(&CohesionPeriod::P2021_2027).unwrap(),
            "\"2021-2027\""
        );
    }
}
