//! The build benchmark's reference: tantivy indexing only the texts of the same profiles.

use std::path::Path;

use tantivy::{Index, TantivyDocument};

use crate::SearchError;
use crate::document::OrganisationDocument;
use crate::index::{REBUILD_MEMORY_BYTES, REBUILD_THREADS};
use crate::schema::{Fields, schema, write_texts};
use crate::text::{ANALYSER_NAME, analyser};

/// Tantivy writing only what our index's two text fields hold (names; descriptions, offers,
/// requests and city), with the same schema, analyser, threads and memory as a rebuild, and one
/// commit: no profile columns (ids, revisions, coordinates, facet values, names shown). `clusterhub bench
/// search` builds it from the same profiles beside our index, so the share of the build that
/// is tantivy's own text indexing shows in the same run. The product never uses it.
pub struct TextOnlyIndex {
    writer: tantivy::IndexWriter<TantivyDocument>,
    fields: Fields,
}

impl std::fmt::Debug for TextOnlyIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TextOnlyIndex")
    }
}

impl TextOnlyIndex {
    /// Creates the reference index in `path` (made if missing; it must not hold an index yet).
    pub fn create_in_dir(path: &Path) -> Result<TextOnlyIndex, SearchError> {
        std::fs::create_dir_all(path)?;
        let index = Index::create_in_dir(path, schema())?;
        let fields = Fields::resolve(&index.schema())?;
        index.tokenizers().register(ANALYSER_NAME, analyser());
        let writer = index.writer_with_num_threads(REBUILD_THREADS, REBUILD_MEMORY_BYTES)?;
        writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        Ok(TextOnlyIndex { writer, fields })
    }

    /// Adds a profile's texts.
    pub fn insert(&mut self, document: &OrganisationDocument) -> Result<(), SearchError> {
        let mut texts = String::new();
        let names_end = write_texts(document, &mut texts);
        let (names, body) = texts.split_at(names_end);
        let mut out = TantivyDocument::new();
        out.add_text(self.fields.names, names);
        if !body.is_empty() {
            out.add_text(self.fields.body, body);
        }
        self.writer.add_document(out)?;
        Ok(())
    }

    /// Commits everything written and waits for the indexing threads to finish.
    pub fn finish(mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}
