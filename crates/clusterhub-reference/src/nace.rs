//! NACE Rev. 2, the EU's statistical classification of economic activities, in three languages.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::csv_text::read_rows;
use crate::{Lang, ReferenceError};

/// One NACE Rev. 2 activity: a section, division, group or class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaceActivity {
    /// `A` (section), `01` (division), `01.1` (group) or `01.11` (class).
    pub code: String,
    /// 1 for a section, 2 for a division, 3 for a group, 4 for a class.
    pub level: u8,
    /// The activity one level up; `None` for a section.
    pub parent: Option<String>,
    /// The English label.
    pub label_en: String,
    /// The French label.
    pub label_fr: String,
    /// The German label.
    pub label_de: String,
}

impl NaceActivity {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.label_en,
            Lang::Fr => &self.label_fr,
            Lang::De => &self.label_de,
        }
    }
}

/// The whole classification, in reading order (each section followed by its divisions, groups
/// and classes).
#[derive(Debug, Clone, Serialize)]
pub struct NaceTable {
    activities: Vec<NaceActivity>,
    #[serde(skip)]
    position_by_code: HashMap<String, usize>,
    #[serde(skip)]
    children_by_code: HashMap<String, Vec<usize>>,
}

impl NaceTable {
    pub(crate) fn parse(file: &'static str, text: &str) -> Result<NaceTable, ReferenceError> {
        let activities: Vec<NaceActivity> = read_rows(file, text)?;
        let mut position_by_code = HashMap::with_capacity(activities.len());
        let mut children_by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, activity) in activities.iter().enumerate() {
            let expected_level = match activity.code.len() {
                1 => 1,
                2 => 2,
                4 => 3,
                5 => 4,
                _ => 0,
            };
            if expected_level != activity.level {
                return Err(ReferenceError::invalid(
                    file,
                    format!("{} has level {}", activity.code, activity.level),
                ));
            }
            if position_by_code
                .insert(activity.code.clone(), position)
                .is_some()
            {
                return Err(ReferenceError::invalid(
                    file,
                    format!("duplicate code {}", activity.code),
                ));
            }
            match &activity.parent {
                None if activity.level == 1 => {}
                Some(parent) if activity.level > 1 => {
                    // The file is in reading order, so a parent always comes before its children.
                    let parent_level = position_by_code
                        .get(parent)
                        .map(|&index| activities[index].level);
                    if parent_level != Some(activity.level - 1) {
                        return Err(ReferenceError::invalid(
                            file,
                            format!(
                                "the parent {parent} of {} is missing or out of order",
                                activity.code
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
                        format!("{} has a wrong parent", activity.code),
                    ));
                }
            }
        }
        Ok(NaceTable {
            activities,
            position_by_code,
            children_by_code,
        })
    }

    /// The activity with this code (`C`, `10`, `10.1`, `10.11`).
    pub fn get(&self, code: &str) -> Option<&NaceActivity> {
        self.position_by_code
            .get(code)
            .map(|&position| &self.activities[position])
    }

    /// Every activity, in reading order.
    pub fn iter(&self) -> impl Iterator<Item = &NaceActivity> {
        self.activities.iter()
    }

    /// The number of activities, all levels together.
    pub fn len(&self) -> usize {
        self.activities.len()
    }

    /// Whether the table is empty (never true for the embedded data).
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
    }

    /// Every activity of one level (1 section, 2 division, 3 group, 4 class), in reading order.
    pub fn at_level(&self, level: u8) -> impl Iterator<Item = &NaceActivity> {
        self.activities
            .iter()
            .filter(move |activity| activity.level == level)
    }

    /// The activities one level below this code, in code order.
    pub fn children(&self, code: &str) -> impl Iterator<Item = &NaceActivity> {
        self.children_by_code
            .get(code)
            .into_iter()
            .flatten()
            .map(|&position| &self.activities[position])
    }

    /// The activity itself first, then its parent and so on up to its section.
    pub fn ancestors(&self, code: &str) -> Vec<&NaceActivity> {
        let mut chain = Vec::with_capacity(4);
        let mut next = self.get(code);
        while let Some(activity) = next {
            chain.push(activity);
            next = activity
                .parent
                .as_deref()
                .and_then(|parent| self.get(parent));
        }
        chain
    }

    /// The section (`A` to `U`) an activity belongs to.
    pub fn section_of(&self, code: &str) -> Option<&NaceActivity> {
        self.ancestors(code).pop()
    }

    /// Whether `ancestor` is `code` itself or one of the activities above it.
    pub fn is_within(&self, code: &str, ancestor: &str) -> bool {
        self.ancestors(code)
            .iter()
            .any(|activity| activity.code == ancestor)
    }
}
