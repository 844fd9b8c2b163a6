//! Opening an index, writing profiles into it and searching it.

use std::path::Path;
use std::sync::Arc;

use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::store::Compressor;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy};

use crate::SearchError;
use crate::document::OrganisationDocument;
use crate::facets::{FacetCache, FacetWarmer};
use crate::profiles::{IdQuery, OpenColumns, ProfileColumns, ProfilesPlugin};
use crate::query::{SearchQuery, SearchResults};
use crate::schema::{self, Fields, IndexDocument};
use crate::text::{ANALYSER_NAME, analyser};

/// Indexing memory of the writer that [`SearchIndex::writer`] returns.
const INCREMENTAL_WRITER_BYTES: usize = 50_000_000;

/// Indexing threads and memory of a rebuild's writer ([`SearchIndex::rebuild_writer`]). With
/// one commit at the end, each thread writes one segment until its share of the memory is full:
/// 300 MB holds more than 500,000 profiles (texts and profile columns), so a million profiles
/// make two segments and need no merge. (Measured at 1 M on 2 cores: 200 MB per thread
/// gave 3 segments and a merge that took 1.4 s of a 9.1 s build; 100 MB per thread gave 12
/// segments and a merge into 2 that cost 12% more CPU in all; a commit every 100,000 profiles
/// gave 20 segments whose merge into one took a third of the build.)
pub const REBUILD_THREADS: usize = 2;
pub const REBUILD_MEMORY_BYTES: usize = 600_000_000;

/// How many segments a rebuild merges into (if it wrote more): one per core, so that the merges
/// run side by side. Searches over two segments measured as fast as over one at 1 M profiles.
pub const REBUILD_SEGMENTS: usize = 2;

/// How an index handle works; the defaults suit every deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexOptions {
    /// Segments with at least this many documents get ready-made sets and counts for their
    /// frequent keywords and filter values (memory for speed on broad searches); smaller
    /// segments are cheap to count directly.
    pub base_min_docs: u32,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            base_min_docs: 65_536,
        }
    }
}

/// An organisation index, on disk or in memory. Cheap to clone: clones share the index, its
/// reader and its facet tables. Searches may run on any number of threads at once.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    cache: Arc<FacetCache>,
    /// Keeps the warmer alive: the reader holds it only weakly.
    _warmer: Arc<FacetWarmer>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndex")
            .field("documents", &self.num_documents())
            .finish()
    }
}

impl SearchIndex {
    /// Creates an empty index in `path` (made if missing; it must not hold an index yet).
    pub fn create_in_dir(path: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(path)?;
        let index = Index::builder()
            .schema(schema::schema())
            .settings(settings())
            .register_plugin(Arc::new(ProfilesPlugin))
            .create_in_dir(path)?;
        SearchIndex::from_index(index, IndexOptions::default())
    }

    /// Opens the index in `path`; fails if it was written with another layout (an older
    /// version's), which must be rebuilt.
    pub fn open_in_dir(path: &Path) -> Result<SearchIndex, SearchError> {
        let mut index = Index::open_in_dir(path)?;
        if index.schema() != schema::schema() {
            return Err(SearchError::Layout);
        }
        index.register_plugin(Arc::new(ProfilesPlugin));
        SearchIndex::from_index(index, IndexOptions::default())
    }

    /// Opens the index in `path`, or creates an empty one there if there is none.
    pub fn open_or_create_in_dir(path: &Path) -> Result<SearchIndex, SearchError> {
        let has_index = path.join("meta.json").exists();
        if has_index {
            SearchIndex::open_in_dir(path)
        } else {
            SearchIndex::create_in_dir(path)
        }
    }

    /// Creates an empty index in memory (for tests and small demos).
    pub fn create_in_ram() -> Result<SearchIndex, SearchError> {
        SearchIndex::create_in_ram_with(IndexOptions::default())
    }

    /// Creates an empty index in memory that works as `options` say.
    pub fn create_in_ram_with(options: IndexOptions) -> Result<SearchIndex, SearchError> {
        let index = Index::builder()
            .schema(schema::schema())
            .settings(settings())
            .register_plugin(Arc::new(ProfilesPlugin))
            .create_in_ram()?;
        SearchIndex::from_index(index, options)
    }

    fn from_index(index: Index, options: IndexOptions) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(ANALYSER_NAME, analyser());
        let fields = Fields::resolve(&index.schema())?;
        let cache = Arc::new(FacetCache::new(fields, options.base_min_docs));
        let warmer = Arc::new(FacetWarmer(cache.clone()));
        let weak_warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&warmer) as _;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .warmers(vec![weak_warmer])
            .num_warming_threads(1)
            .doc_store_cache_num_blocks(64)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                cache,
                _warmer: warmer,
            }),
        })
    }

    /// A writer for everyday changes (one indexing thread, 50 MB). Only one writer may be open
    /// on an index at a time, across processes.
    pub fn writer(&self) -> Result<IndexWriter, SearchError> {
        self.writer_with(1, INCREMENTAL_WRITER_BYTES)
    }

    /// A writer for a rebuild: `threads` indexing threads sharing `memory_bytes` of indexing
    /// memory (at least 15 MB per thread).
    pub fn writer_with(
        &self,
        threads: usize,
        memory_bytes: usize,
    ) -> Result<IndexWriter, SearchError> {
        let threads = threads.max(1);
        let memory_bytes = memory_bytes.max(threads * 15_000_000);
        let writer = self
            .inner
            .index
            .writer_with_num_threads(threads, memory_bytes)?;
        Ok(IndexWriter {
            index: self.clone(),
            writer,
            reload_on_commit: true,
            deleting: Arc::default(),
        })
    }

    /// A writer for a rebuild of the whole index ([`REBUILD_THREADS`], [`REBUILD_MEMORY_BYTES`]),
    /// with background merges and reloads off: write everything, commit, then
    /// [`IndexWriter::merge_down_to`] [`REBUILD_SEGMENTS`].
    pub fn rebuild_writer(&self) -> Result<IndexWriter, SearchError> {
        let mut writer = self.writer_with(REBUILD_THREADS, REBUILD_MEMORY_BYTES)?;
        writer.set_background_merges(false);
        writer.set_reload_on_commit(false);
        Ok(writer)
    }

    /// Runs a search on the latest committed state.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let searcher = self.inner.reader.searcher();
        crate::search::run(&searcher, &self.inner.cache, &self.inner.fields, query)
    }

    /// Runs `visit` over the searcher, the fields and every segment's documents matching
    /// `query` (see `search::for_each_match`); the map layer counts them by place.
    pub(crate) fn with_matches(
        &self,
        query: &SearchQuery,
        visit: &mut crate::map::MatchVisitor<'_>,
    ) -> Result<(), SearchError> {
        let searcher = self.inner.reader.searcher();
        let fields = &self.inner.fields;
        crate::search::for_each_match(
            &searcher,
            &self.inner.cache,
            fields,
            query,
            &mut |segment, matches| visit(&searcher, fields, segment, matches),
        )
    }

    /// The facet tables of every segment of `searcher` (built where missing).
    pub(crate) fn prepared<'a>(
        &self,
        searcher: &'a tantivy::Searcher,
    ) -> Result<Vec<crate::facets::PreparedSegment<'a>>, SearchError> {
        Ok(self.inner.cache.prepare(searcher)?)
    }

    /// The fields of the index's schema.
    pub(crate) fn fields(&self) -> Fields {
        self.inner.fields
    }

    /// A searcher over the latest committed state this handle has loaded.
    pub(crate) fn searcher(&self) -> tantivy::Searcher {
        self.inner.reader.searcher()
    }

    /// Which state of the index searches see: a number that grows whenever a reload makes
    /// new commits searchable. What is derived from search results may be kept for as long as
    /// this number stays the same.
    pub fn generation(&self) -> u64 {
        self.inner.reader.searcher().generation().generation_id()
    }

    /// Picks up commits made by another handle or process on the same directory.
    pub fn reload(&self) -> Result<(), SearchError> {
        self.inner.reader.reload()?;
        Ok(())
    }

    /// The payload of the last commit (see [`IndexWriter::commit_with_payload`]), if it had
    /// one: where a follower of the database records how far the index is current.
    pub fn commit_payload(&self) -> Result<Option<String>, SearchError> {
        Ok(self.inner.index.load_metas()?.payload)
    }

    /// How many organisations the index holds.
    pub fn num_documents(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// How many segments the index is made of (fewer is faster to search).
    pub fn num_segments(&self) -> usize {
        self.inner.reader.searcher().segment_readers().len()
    }

    /// How many segments the last commit on disk holds, whether or not this handle has loaded
    /// it (a rebuild's writer does not reload).
    pub fn committed_segments(&self) -> Result<usize, SearchError> {
        Ok(self.inner.index.searchable_segment_metas()?.len())
    }

    /// Bytes of memory held by the in-memory facet tables.
    pub fn facet_memory_bytes(&self) -> usize {
        self.inner.cache.memory_bytes()
    }

    /// The revision the index holds for an organisation, if it holds it at all.
    pub fn revision(&self, id: i64) -> Result<Option<i64>, SearchError> {
        let searcher = self.inner.reader.searcher();
        for reader in searcher.segment_readers() {
            let columns = ProfileColumns::open(reader)?;
            if let Some(doc) = columns
                .docs_with_id(id)
                .filter(|&doc| !reader.is_deleted(doc))
                .last()
            {
                return Ok(Some(columns.revision(doc)));
            }
        }
        Ok(None)
    }
}

fn settings() -> IndexSettings {
    IndexSettings {
        // Nothing is stored (a hit's name and city are in the profile columns); were anything
        // stored, compressing it would cost a decompression per hit.
        docstore_compression: Compressor::None,
        ..IndexSettings::default()
    }
}

/// Writes profiles into a [`SearchIndex`]. Changes become visible to searches at
/// [`IndexWriter::commit`].
pub struct IndexWriter {
    index: SearchIndex,
    writer: tantivy::IndexWriter<IndexDocument>,
    reload_on_commit: bool,
    /// Segments' columns opened by this writer's deletions since the last commit.
    deleting: Arc<OpenColumns>,
}

impl std::fmt::Debug for IndexWriter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("IndexWriter")
            .finish_non_exhaustive()
    }
}

impl IndexWriter {
    /// Adds a profile, replacing the one with the same id if the index holds it.
    pub fn upsert(&mut self, document: &OrganisationDocument) -> Result<(), SearchError> {
        self.delete(document.id)?;
        self.insert(document)
    }

    /// Adds a profile that the index does not hold yet (a rebuild into an empty index): faster
    /// than [`IndexWriter::upsert`] because nothing needs deleting.
    pub fn insert(&mut self, document: &OrganisationDocument) -> Result<(), SearchError> {
        let fields = self.index.inner.fields;
        self.writer
            .add_document(IndexDocument::new(fields, document))?;
        Ok(())
    }

    /// Removes an organisation.
    pub fn delete(&mut self, id: i64) -> Result<(), SearchError> {
        self.writer.delete_query(Box::new(IdQuery {
            id,
            columns: self.deleting.clone(),
        }))?;
        Ok(())
    }

    /// Removes every organisation (the first step of a rebuild in place).
    pub fn delete_all(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.deleting.clear();
        if self.reload_on_commit {
            self.index.reload()?;
        }
        Ok(())
    }

    /// Like [`IndexWriter::commit`], and stores `payload` with the commit in the same atomic
    /// step, so that it always describes exactly the committed documents; read it back with
    /// [`SearchIndex::commit_payload`]. Background merges keep it; a later commit replaces it.
    pub fn commit_with_payload(&mut self, payload: &str) -> Result<(), SearchError> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(payload);
        prepared.commit()?;
        self.deleting.clear();
        if self.reload_on_commit {
            self.index.reload()?;
        }
        Ok(())
    }

    /// Whether a commit makes the changes visible to the searches of this handle at once (the
    /// default). A rebuild turns it off, so that the facet tables of intermediate segments are
    /// never built, and reloads once at the end (or opens the index afresh).
    pub fn set_reload_on_commit(&mut self, enabled: bool) {
        self.reload_on_commit = enabled;
    }

    /// Drops every change since the last commit.
    pub fn rollback(&mut self) -> Result<(), SearchError> {
        self.writer.rollback()?;
        self.deleting.clear();
        Ok(())
    }

    /// Waits for background merges to end and releases the index for another writer. Call it
    /// after a rebuild so searches run on few, large segments.
    pub fn finish(self) -> Result<(), SearchError> {
        let index = self.index.clone();
        let reload = self.reload_on_commit;
        self.writer.wait_merging_threads()?;
        if reload {
            index.reload()?;
        }
        Ok(())
    }

    /// Turns the merging of segments in the background on (the default) or off. A rebuild turns
    /// it off ([`SearchIndex::rebuild_writer`]), writes everything, commits, and merges down to
    /// [`REBUILD_SEGMENTS`] once.
    pub fn set_background_merges(&mut self, enabled: bool) {
        if enabled {
            self.writer
                .set_merge_policy(Box::new(LogMergePolicy::default()));
        } else {
            self.writer.set_merge_policy(Box::new(NoMergePolicy));
        }
    }

    /// Merges every segment into one (after a rebuild; slow on big indexes) and commits.
    pub fn merge_all(&mut self) -> Result<(), SearchError> {
        self.merge_down_to(1)
    }

    /// Merges the committed segments into at most `segments` segments of about equal size and
    /// commits. The merges run at the same time, one thread each, so merging into as many
    /// segments as there are cores takes about 1/cores of the time of [`IndexWriter::merge_all`].
    pub fn merge_down_to(&mut self, segments: usize) -> Result<(), SearchError> {
        let mut metas = self.index.inner.index.searchable_segment_metas()?;
        let groups = segments.max(1);
        if metas.len() > groups {
            // Largest first, each into the group with the fewest documents so far.
            metas.sort_by_key(|meta| std::cmp::Reverse(meta.num_docs()));
            let mut plan: Vec<(u64, Vec<tantivy::index::SegmentId>)> =
                vec![(0, Vec::new()); groups];
            for meta in &metas {
                if let Some(lightest) = plan.iter_mut().min_by_key(|(docs, _)| *docs) {
                    lightest.0 += u64::from(meta.num_docs());
                    lightest.1.push(meta.id());
                }
            }
            let merges: Vec<_> = plan
                .iter()
                .filter(|(_, ids)| ids.len() > 1)
                .map(|(_, ids)| self.writer.merge(ids))
                .collect();
            for merge in merges {
                merge.wait()?;
            }
        }
        self.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_of_another_layout_is_refused_and_ours_opens() -> Result<(), SearchError> {
        let directory = tempfile::tempdir()?;
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_text_field("names", tantivy::schema::TEXT);
        Index::create_in_dir(directory.path(), builder.build())?;
        assert!(matches!(
            SearchIndex::open_in_dir(directory.path()),
            Err(SearchError::Layout)
        ));

        let ours = tempfile::tempdir()?;
        SearchIndex::create_in_dir(ours.path())?;
        assert_eq!(SearchIndex::open_in_dir(ours.path())?.num_documents(), 0);
        Ok(())
    }

    #[test]
    fn replacing_and_deleting_by_id_within_and_across_segments() -> Result<(), SearchError> {
        let index = SearchIndex::create_in_ram()?;
        let mut writer = index.writer()?;
        let profile = |id: i64, revision: i64| {
            OrganisationDocument::new(id, revision, format!("Org {id}"), "sme", "DE")
        };
        // Three revisions of one profile and its neighbours in one uncommitted segment: each
        // upsert deletes only what was written before it.
        for revision in 1..=3 {
            writer.upsert(&profile(5, revision))?;
            writer.upsert(&profile(4 + revision, 1))?;
        }
        writer.commit()?;
        assert_eq!(index.num_documents(), 3);
        assert_eq!(index.revision(5)?, Some(3));
        assert_eq!(index.revision(6)?, Some(1));
        assert_eq!(index.revision(8)?, None);
        // Across segments: the new revision lives in a new segment, the old one is deleted.
        writer.upsert(&profile(6, 2))?;
        writer.commit()?;
        assert_eq!(index.num_documents(), 3);
        assert_eq!(index.revision(6)?, Some(2));
        writer.delete(5)?;
        writer.delete(99)?;
        writer.commit()?;
        assert_eq!(index.num_documents(), 2);
        assert_eq!(index.revision(5)?, None);
        assert_eq!(index.revision(7)?, Some(1));
        Ok(())
    }
}
