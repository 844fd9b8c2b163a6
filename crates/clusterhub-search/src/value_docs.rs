//! Each filter value's documents in a segment (`c:DE`, `n:DE2`, `a:62.0`, ...), worked out from
//! the profile columns when the segment is warmed: the postings a filter field would hold,
//! without the filter field. A profile has about thirty filter values (its facet values, and
//! every NUTS and NACE ancestor of its codes) against some fifty-five text tokens, so indexing
//! them through tantivy was a third of all postings work of a build; counting them here is two
//! passes over the value numbers of the segment's documents.
//!
//! Deleted documents are included, as in postings: searches leave them out with the segment's
//! live set.

use std::collections::HashMap;

use tantivy::DocId;

use crate::profiles::ProfileColumns;
use crate::query::FacetGroup;
use crate::schema::{nuts_ancestry, split_tagged, tagged, visit_nace_ancestry};

/// Every filter value of a segment and its documents, in document order.
#[derive(Debug, Default)]
pub(crate) struct ValueDocs {
    numbers: HashMap<String, u32>,
    terms: Vec<String>,
    offsets: Vec<u32>,
    docs: Vec<DocId>,
}

impl ValueDocs {
    /// Reads every document's facet values and lists each filter value's documents.
    pub(crate) fn build(profiles: &ProfileColumns, max_doc: DocId) -> ValueDocs {
        let mut values = ValueDocs::default();
        // The filter values each facet value stands for.
        let expansions: Vec<Vec<u32>> = (0..profiles.num_terms() as u32)
            .map(|ordinal| {
                let term = String::from_utf8_lossy(profiles.term(ordinal)).into_owned();
                let mut numbers = Vec::new();
                visit_filter_terms(&term, |filter_term| {
                    numbers.push(values.number(filter_term));
                });
                numbers
            })
            .collect();
        let mut scratch: Vec<u32> = Vec::new();
        let doc_values = |doc: DocId, scratch: &mut Vec<u32>| {
            scratch.clear();
            for ordinal in profiles.ords(doc) {
                if let Some(numbers) = expansions.get(ordinal as usize) {
                    scratch.extend_from_slice(numbers);
                }
            }
            // Two NACE codes of one division share their ancestors.
            scratch.sort_unstable();
            scratch.dedup();
        };
        let mut offsets = vec![0u32; values.terms.len() + 1];
        for doc in 0..max_doc {
            doc_values(doc, &mut scratch);
            for &number in &scratch {
                offsets[number as usize + 1] += 1;
            }
        }
        for index in 1..offsets.len() {
            offsets[index] += offsets[index - 1];
        }
        let mut cursors = offsets.clone();
        let mut docs = vec![0; offsets.last().copied().unwrap_or(0) as usize];
        for doc in 0..max_doc {
            doc_values(doc, &mut scratch);
            for &number in &scratch {
                let cursor = &mut cursors[number as usize];
                docs[*cursor as usize] = doc;
                *cursor += 1;
            }
        }
        values.offsets = offsets;
        values.docs = docs;
        values
    }

    fn number(&mut self, term: &str) -> u32 {
        if let Some(&number) = self.numbers.get(term) {
            return number;
        }
        let number = self.terms.len() as u32;
        self.terms.push(term.to_owned());
        self.numbers.insert(term.to_owned(), number);
        number
    }

    /// The documents having a filter value (`tag:value`), in order; none for a value the
    /// segment does not have.
    pub(crate) fn docs(&self, term: &str) -> &[DocId] {
        match self.numbers.get(term) {
            Some(&number) => self.docs_of(number as usize),
            None => &[],
        }
    }

    fn docs_of(&self, number: usize) -> &[DocId] {
        let start = self.offsets[number] as usize;
        let end = self.offsets[number + 1] as usize;
        &self.docs[start..end]
    }

    /// Every filter value with its documents.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &[DocId])> {
        self.terms
            .iter()
            .enumerate()
            .map(|(number, term)| (term.as_str(), self.docs_of(number)))
    }

    /// Bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.terms
            .iter()
            .map(|term| 2 * term.len() + 80)
            .sum::<usize>()
            + (self.offsets.len() + self.docs.len()) * 4
    }
}

/// Calls `visit` with every filter value a facet value (`tag:value`) stands for: itself, or for
/// a NUTS region and a NACE code, it and every ancestor.
fn visit_filter_terms(term: &str, mut visit: impl FnMut(&str)) {
    match split_tagged(term) {
        Some((FacetGroup::Nuts, code)) => {
            for ancestor in nuts_ancestry(code) {
                visit(&tagged(FacetGroup::Nuts, ancestor));
            }
        }
        Some((FacetGroup::Nace, code)) => {
            visit_nace_ancestry(code, |ancestor| visit(&tagged(FacetGroup::Nace, ancestor)));
        }
        _ => visit(term),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nuts_and_nace_values_stand_for_their_ancestors() {
        let mut seen = Vec::new();
        for term in ["n:DE212", "a:62.01", "c:DE", "weird"] {
            visit_filter_terms(term, |filter_term| seen.push(filter_term.to_owned()));
        }
        assert_eq!(
            seen,
            [
                "n:DE", "n:DE2", "n:DE21", "n:DE212", "a:J", "a:62", "a:62.0", "a:62.01", "c:DE",
                "weird"
            ]
        );
    }
}
