//! The directory's embedded search: full-text and faceted search over organisation profiles,
//! with disjunctive facet counts, a map box and distance order.
//!
//! The index is a derived view: the database is the source of truth, and the index can be rebuilt
//! from it at any time (one [`OrganisationDocument`] per profile). It sits in a directory beside
//! the database (or in memory for tests) and is searched in-process.
//!
//! ```
//! use clusterhub_search::{FacetGroup, OrganisationDocument, SearchIndex, SearchQuery};
//!
//! let index = SearchIndex::create_in_ram()?;
//! let mut writer = index.writer()?;
//! let mut document = OrganisationDocument::new(1, 1, "Bayern Innovativ", "cluster", "DE");
//! document.nuts = Some(String::from("DE212"));
//! document.descriptions = vec![String::from("Cluster für Wasserstoff in München")];
//! writer.upsert(&document)?;
//! writer.commit()?;
//!
//! let mut query = SearchQuery::default();
//! query.text = Some(String::from("Munchen"));
//! query.filters.nuts = vec![String::from("DE2")];
//! let results = index.search(&query)?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.facets[&FacetGroup::Nuts]["DE21"], 1);
//! # Ok::<(), clusterhub_search::SearchError>(())
//! ```
//!
//! How it works: tantivy holds the inverted index of the texts, our own segment plugin
//! (`profiles`) holds everything else about each document (organisation id and revision,
//! coordinates, facet values, name and city), and the `facets` module turns those into
//! in-memory tables per segment (with each filter value's documents, `value_docs`) so that
//! counting every facet group is a tight loop; the `search` module runs one pass for the query
//! and one per active filter group.

mod candidates;
mod document;
mod facets;
mod geo;
mod index;
mod labels;
mod map;
mod profiles;
mod query;
mod reference;
mod schema;
mod search;
mod selection;
mod text;
mod value_docs;

pub use candidates::{
    CandidateHit, CandidateQuery, MAX_CANDIDATES, SECTOR_BOOST, TECHNOLOGY_BOOST, TermFrequencies,
};
pub use document::OrganisationDocument;
pub use geo::distance_km;
pub use index::{
    IndexOptions, IndexWriter, REBUILD_MEMORY_BYTES, REBUILD_SEGMENTS, REBUILD_THREADS, SearchIndex,
};
pub use map::{MAX_MAP_LEVEL, MapCluster, MapClusters};
pub use query::{BoundingBox, FacetGroup, Filters, Hit, SearchQuery, SearchResults, Sort};
pub use reference::TextOnlyIndex;
pub use search::MAX_RESULT_WINDOW;
pub use text::analyse;

/// Why a search or an index operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query asks for something impossible (a page too deep, a distance order without a
    /// point, a malformed box).
    #[error("invalid search: {0}")]
    InvalidQuery(String),
    /// The index could not be read or written.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index was written with another layout (by another version) and must be rebuilt.
    #[error("search index: written with another layout; it must be rebuilt")]
    Layout,
    /// The index directory could not be created or read.
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
}
