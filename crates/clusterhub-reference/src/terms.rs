//! Short controlled vocabularies with labels in three languages: emerging industries, technology
//! fields and S3 priority areas.

use serde::{Deserialize, Serialize};

use crate::csv_text::read_rows;
use crate::{Lang, ReferenceError};

/// One entry of a controlled vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// A stable snake_case identifier, safe to store and to put in URLs.
    pub id: String,
    /// The English label.
    pub label_en: String,
    /// The French label.
    pub label_fr: String,
    /// The German label.
    pub label_de: String,
    /// A one-line description in English.
    pub description: String,
}

impl Term {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.label_en,
            Lang::Fr => &self.label_fr,
            Lang::De => &self.label_de,
        }
    }
}

pub(crate) fn parse_terms(file: &'static str, text: &str) -> Result<Vec<Term>, ReferenceError> {
    let terms: Vec<Term> = read_rows(file, text)?;
    let mut seen = std::collections::HashSet::new();
    for term in &terms {
        let is_slug = !term.id.is_empty()
            && term
                .id
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
        if !is_slug {
            return Err(ReferenceError::invalid(
                file,
                format!("{:?} is not a snake_case identifier", term.id),
            ));
        }
        if !seen.insert(term.id.as_str()) {
            return Err(ReferenceError::invalid(
                file,
                format!("duplicate identifier {}", term.id),
            ));
        }
        if [
            &term.label_en,
            &term.label_fr,
            &term.label_de,
            &term.description,
        ]
        .iter()
        .any(|text| text.trim().is_empty())
        {
            return Err(ReferenceError::invalid(
                file,
                format!("{} lacks a label or its description", term.id),
            ));
        }
    }
    Ok(terms)
}
