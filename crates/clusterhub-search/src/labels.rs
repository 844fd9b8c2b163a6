//! Keywords that name an activity or a sector, matched through the profile's codes.
//!
//! A profile is found by the words of its NACE activities' labels and its cluster categories'
//! names, in English, French and German. Writing those labels into every document would make
//! indexing twice as slow (they are half of a profile's words), so they are matched at query
//! time instead: a keyword becomes "the keyword in the texts, or any NACE code whose label has
//! it, or any cluster category whose name has it", and the codes are looked up in the filter
//! values every document already has (each segment lists their documents, see `value_docs`).
//! A NACE label matches the code and everything below it (a code's filter values carry its
//! ancestry), so "manufacture" finds every manufacturer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use clusterhub_reference::{Lang, Reference};

use crate::query::FacetGroup;
use crate::schema::{nace_ancestry, tagged};
use crate::text::analyse;

/// For every term of a label: the filter terms of the codes whose label has it.
#[derive(Debug, Default)]
struct Vocabulary {
    filter_terms: BTreeMap<String, Vec<String>>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(build)
}

fn build() -> Vocabulary {
    let reference = Reference::get();
    let mut nace_codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for activity in reference.nace().iter() {
        for lang in Lang::ALL {
            for term in analyse(activity.label(lang)) {
                nace_codes
                    .entry(term)
                    .or_default()
                    .insert(activity.code.clone());
            }
        }
    }
    let mut filter_terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (term, codes) in nace_codes {
        // A code below another code of the same term adds nothing: the ancestor's filter term
        // already matches it.
        let kept = codes.iter().filter(|code| {
            !nace_ancestry(code)
                .iter()
                .any(|ancestor| ancestor != *code && codes.contains(ancestor))
        });
        filter_terms
            .entry(term)
            .or_default()
            .extend(kept.map(|code| tagged(FacetGroup::Nace, code)));
    }
    for category in reference.cluster_categories() {
        let mut terms: BTreeSet<String> = BTreeSet::new();
        for lang in Lang::ALL {
            terms.extend(analyse(category.name(lang)));
        }
        for term in terms {
            filter_terms
                .entry(term)
                .or_default()
                .push(tagged(FacetGroup::Sector, &category.id.to_string()));
        }
    }
    Vocabulary { filter_terms }
}

/// Every label term with the filter terms it leads to.
pub(crate) fn all() -> impl Iterator<Item = (&'static str, &'static [String])> {
    vocabulary()
        .filter_terms
        .iter()
        .map(|(word, terms)| (word.as_str(), terms.as_slice()))
}

/// The filter terms of the NACE codes and cluster categories whose labels have `term`.
pub(crate) fn filter_terms_for(term: &str) -> &'static [String] {
    vocabulary()
        .filter_terms
        .get(term)
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_words_lead_to_codes_in_three_languages() {
        // 62.01 is computer programming; its division 62 says "programming" too and covers it.
        let covering: Vec<String> = nace_ancestry("62.01")
            .iter()
            .map(|code| tagged(FacetGroup::Nace, code))
            .collect();
        for word in ["programming", "programmation", "programmierungstatigkeiten"] {
            assert!(
                filter_terms_for(word)
                    .iter()
                    .any(|term| covering.contains(term)),
                "{word}: {:?}",
                filter_terms_for(word)
            );
        }
        let automotive = Reference::get()
            .cluster_categories()
            .iter()
            .find(|category| category.name(Lang::En).contains("Automotive"))
            .expect("an automotive category");
        assert!(
            filter_terms_for("automotive")
                .contains(&tagged(FacetGroup::Sector, &automotive.id.to_string()))
        );
        assert!(filter_terms_for("zzzz").is_empty());
    }

    #[test]
    fn codes_below_a_matching_code_are_left_out() {
        // Division 10 is "Manufacture of food products": its groups and classes that also say
        // "manufacture" are covered by it.
        let terms = filter_terms_for("manufacture");
        assert!(terms.contains(&String::from("a:10")), "{terms:?}");
        assert!(
            !terms.iter().any(|term| term.starts_with("a:10.")),
            "{terms:?}"
        );
    }
}
