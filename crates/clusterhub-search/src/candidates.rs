//! Candidate retrieval for partner suggestions and value-chain stages: the profiles most worth
//! scoring for a seeker, found by an OR of its keywords, sectors, NACE codes and technologies (unlike the directory search, where
//! every keyword must match), and how many profiles each term occurs in.
//!
//! A profile's relevance is the BM25 score of the keywords it has in its texts (descriptions,
//! offers, requests) plus a constant for each listed sector and technology it works in. The
//! scoring of partners proper (which offer answers which request, and why) happens in
//! `clusterhub-partners`; this only keeps that from looking at the whole directory.

use std::cmp::Ordering;

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, BooleanQuery, BoostQuery, ConstScorer, EnableScoring, Explanation, Occur, Query,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocAddress, DocId, Score, SegmentReader, TantivyError, Term};

use crate::SearchError;
use crate::facets::SegmentFacets;
use crate::index::SearchIndex;
use crate::profiles::IdQuery;
use crate::query::FacetGroup;
use crate::schema::tagged;
use crate::text::query_terms;

/// What a profile's sector counts for in the candidate score, beside a keyword's BM25 score
/// (typically 1 to 10).
pub const SECTOR_BOOST: f32 = 2.0;

/// What a profile's technology counts for in the candidate score.
pub const TECHNOLOGY_BOOST: f32 = 1.0;

/// What a profile's NACE activity (the code asked, or one within it) counts for.
pub const NACE_BOOST: f32 = 2.0;

/// The most candidates one retrieval may return.
pub const MAX_CANDIDATES: usize = 10_000;

/// Who may be a partner: any profile with at least one of the keywords, sectors or technologies.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CandidateQuery {
    /// Keywords, analysed like the search box; any of them may match.
    pub text: String,
    /// Cluster category ids (`"45"`) whose profiles count [`SECTOR_BOOST`] each.
    pub sectors: Vec<String>,
    /// Technology field ids whose profiles count [`TECHNOLOGY_BOOST`] each.
    pub technologies: Vec<String>,
    /// NACE Rev. 2 codes of any level whose profiles (with the code or one within it) count
    /// [`NACE_BOOST`] each.
    pub nace: Vec<String>,
    /// An organisation never to return (the seeker itself).
    pub exclude: Option<i64>,
    /// How many candidates to return, at most [`MAX_CANDIDATES`].
    pub limit: usize,
}

/// A profile found for a [`CandidateQuery`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateHit {
    pub id: i64,
    /// Its relevance: higher is better.
    pub score: f32,
}

/// How many profiles hold each of some terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermFrequencies {
    /// How many profiles the index holds.
    pub documents: u64,
    /// For each term asked, in order, in how many profiles' texts it occurs (deleted profiles
    /// not yet merged away included, as in BM25).
    pub frequencies: Vec<u64>,
}

/// The documents having a filter value (`tag:value`), from each segment's value lists (see
/// `value_docs`), each scoring 1. The segments' tables are those prepared for the search.
#[derive(Debug, Clone)]
struct ListsQuery {
    term: String,
    segments: Arc<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl Query for ListsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl ListsQuery {
    fn listed(&self, reader: &SegmentReader) -> &[DocId] {
        self.segments
            .get(&reader.segment_id())
            .map_or(&[], |facets| facets.value_docs.docs(&self.term))
    }
}

impl Weight for ListsQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for &doc in self.listed(reader) {
            docs.insert(doc);
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.listed(reader).binary_search(&doc).is_ok() {
            Ok(Explanation::new("listed", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not listed"
            )))
        }
    }
}

impl SearchIndex {
    /// The `limit` profiles most relevant to `query`, best first (ties by ascending id). Empty
    /// when the query has no keyword, sector or technology.
    pub fn candidates(&self, query: &CandidateQuery) -> Result<Vec<CandidateHit>, SearchError> {
        if query.limit == 0 || query.limit > MAX_CANDIDATES {
            return Err(SearchError::InvalidQuery(format!(
                "a candidate retrieval returns 1 to {MAX_CANDIDATES} profiles"
            )));
        }
        let fields = self.fields();
        let searcher = self.searcher();
        let segments: Arc<HashMap<SegmentId, Arc<SegmentFacets>>> = Arc::new(
            self.prepared(&searcher)?
                .into_iter()
                .map(|segment| (segment.reader.segment_id(), segment.facets))
                .collect(),
        );
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut terms = query_terms(&query.text);
        terms.sort_unstable();
        terms.dedup();
        for term in &terms {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.body, term),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
        for (group, values, boost) in [
            (FacetGroup::Sector, &query.sectors, SECTOR_BOOST),
            (
                FacetGroup::Technology,
                &query.technologies,
                TECHNOLOGY_BOOST,
            ),
            (FacetGroup::Nace, &query.nace, NACE_BOOST),
        ] {
            for value in values {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(ListsQuery {
                            term: tagged(group, value),
                            segments: segments.clone(),
                        }),
                        boost,
                    )),
                ));
            }
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(id) = query.exclude {
            let columns = Arc::default();
            clauses.push((Occur::MustNot, Box::new(IdQuery { id, columns })));
        }
        // One more than asked, so that ties at the cut can be broken by id.
        let found: Vec<(f32, DocAddress)> = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(query.limit + 1).order_by_score(),
        )?;
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let reader = searcher.segment_reader(address.segment_ord);
            if let Some(facets) = segments.get(&reader.segment_id()) {
                let id = facets.ids[address.doc_id as usize];
                hits.push(CandidateHit { id, score });
            }
        }
        hits.sort_by(|left, right| {
            right
                .score
                .partial_cmp(&left.score)
                .unwrap_or(Ordering::Equal)
                .then(left.id.cmp(&right.id))
        });
        hits.truncate(query.limit);
        Ok(hits)
    }

    /// In how many profiles' texts (descriptions, offers, requests, city) each term occurs.
    /// Terms are given as the analyser makes them ([`crate::analyse`]).
    pub fn term_frequencies(&self, terms: &[String]) -> Result<TermFrequencies, SearchError> {
        let fields = self.fields();
        let searcher = self.searcher();
        let frequencies = terms
            .iter()
            .map(|term| searcher.doc_freq(&Term::from_field_text(fields.body, term)))
            .collect::<tantivy::Result<Vec<u64>>>()?;
        Ok(TermFrequencies {
            documents: searcher.num_docs(),
            frequencies,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{CandidateQuery, OrganisationDocument, SearchIndex, analyse};

    fn index() -> SearchIndex {
        let index = SearchIndex::create_in_ram().expect("an index");
        let mut writer = index.writer().expect("a writer");
        let mut hydrogen = OrganisationDocument::new(1, 1, "H2 Tanks", "sme", "DE");
        hydrogen.offers = vec![String::from("Hydrogen storage tanks")];
        hydrogen.sectors = vec![String::from("4")];
        hydrogen.nace = vec![String::from("28.29")];
        let mut logistics = OrganisationDocument::new(2, 1, "Fast Freight", "sme", "FR");
        logistics.offers = vec![String::from("Road freight")];
        logistics.sectors = vec![String::from("45")];
        logistics.technologies = vec![String::from("internet_of_things")];
        let mut both = OrganisationDocument::new(3, 1, "Hydrogen Trucks", "large_enterprise", "IT");
        both.descriptions = vec![String::from(
            "Hydrogen trucks for freight, hydrogen storage.",
        )];
        both.sectors = vec![String::from("45")];
        let unrelated = OrganisationDocument::new(4, 1, "Opera House", "other", "AT");
        for document in [hydrogen, logistics, both, unrelated] {
            writer.upsert(&document).expect("upsert");
        }
        writer.commit().expect("commit");
        index
    }

    fn ids(index: &SearchIndex, query: &CandidateQuery) -> Vec<i64> {
        index
            .candidates(query)
            .expect("candidates")
            .iter()
            .map(|hit| hit.id)
            .collect()
    }

    #[test]
    fn any_keyword_sector_or_technology_makes_a_candidate() {
        let index = index();
        let query = CandidateQuery {
            text: String::from("hydrogen storage"),
            sectors: vec![String::from("45")],
            technologies: vec![String::from("internet_of_things")],
            limit: 10,
            ..CandidateQuery::default()
        };
        let found = ids(&index, &query);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(!found.contains(&4), "the opera house has none of them");
        assert_eq!(found[0], 3, "keywords and a sector beat keywords alone");
        let only_sector = CandidateQuery {
            sectors: vec![String::from("45")],
            limit: 10,
            ..CandidateQuery::default()
        };
        assert_eq!(
            ids(&index, &only_sector),
            [2, 3],
            "equal scores in id order"
        );
        let only_nace = CandidateQuery {
            nace: vec![String::from("28")],
            limit: 10,
            ..CandidateQuery::default()
        };
        assert_eq!(ids(&index, &only_nace), [1], "a division finds its classes");
    }

    #[test]
    fn the_seeker_is_excluded_and_the_limit_holds() {
        let index = index();
        let query = CandidateQuery {
            text: String::from("hydrogen freight"),
            exclude: Some(3),
            limit: 1,
            ..CandidateQuery::default()
        };
        let found = ids(&index, &query);
        assert_eq!(found.len(), 1);
        assert_ne!(found[0], 3);
        assert!(
            index
                .candidates(&CandidateQuery::default())
                .is_err_and(|error| error.to_string().contains("1 to")),
            "a limit of 0 is refused"
        );
        let nothing = CandidateQuery {
            text: String::from("the and of"),
            limit: 5,
            ..CandidateQuery::default()
        };
        assert_eq!(ids(&index, &nothing), Vec::<i64>::new());
    }

    #[test]
    fn term_frequencies_count_profiles() {
        let index = index();
        let terms = [analyse("Hydrogen"), analyse("freight"), analyse("absent")].concat();
        let counted = index.term_frequencies(&terms).expect("frequencies");
        assert_eq!(counted.documents, 4);
        assert_eq!(counted.frequencies, [2, 2, 0]);
    }
}
