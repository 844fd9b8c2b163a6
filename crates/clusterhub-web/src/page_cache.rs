//! Rendered parts of search pages (and whole JSON search answers), kept for the search-index
//! generation they were made from.
//!
//! A directory page is a pure function of the search (as its canonical query string), the
//! page's language and the index's contents (plus the stored descriptions of its hits, which
//! reach the index through the change feed within a second of any edit, and so always come with
//! a new generation). The main part of the page is therefore rendered once per (generation,
//! language, search) and reused until the index changes: a visitor's own header (signed in or
//! not) is rendered around it on every request. An entry made from an older generation is never
//! served once a newer one is searchable, so a cached page is never staler than the index.
//!
//! The JSON search (`GET /api/v1/organisations`) keeps its serialised answers the same way,
//! under its own path and no language.
//!
//! The cache holds at most [`CAPACITY`] entries (least recently used goes first): the popular
//! searches (the landing page, one country, one sector) stay, the long tail is rendered each time.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

/// How many rendered parts are kept. Directory pages run to about 300 KB, so the cache holds
/// at most ~75 MB.
pub const CAPACITY: usize = 256;

/// What a rendered part depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// Which page (its path).
    pub page: &'static str,
    /// The search index's generation the part was rendered from.
    pub generation: u64,
    /// The page's language.
    pub language: &'static str,
    /// The search, as its canonical query string.
    pub search: String,
}

/// Rendered page parts by [`PageKey`]; shared by every request (cheap to clone).
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<LruCache<PageKey, Arc<str>>>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PageCache")
            .field("entries", &self.len())
            .finish()
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_capacity(CAPACITY)
    }
}

impl PageCache {
    /// A cache of at most `capacity` parts (at least one).
    pub fn with_capacity(capacity: usize) -> PageCache {
        let capacity = NonZeroUsize::new(capacity.max(1)).unwrap_or(NonZeroUsize::MIN);
        PageCache {
            entries: Arc::new(Mutex::new(LruCache::new(capacity))),
        }
    }

    /// The part rendered for `key`, if it is still kept.
    pub fn get(&self, key: &PageKey) -> Option<Arc<str>> {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| {
            // A panic while holding the lock leaves nothing half-written: entries are whole.
            poisoned.into_inner()
        });
        entries.get(key).cloned()
    }

    /// Keeps `part` for `key`; parts of older generations of the same page go first, as no
    /// request can ask for them again once a newer generation is being served.
    pub fn insert(&self, key: PageKey, part: Arc<str>) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stale: Vec<PageKey> = entries
            .iter()
            .filter(|(kept, _)| kept.page == key.page && kept.generation < key.generation)
            .map(|(kept, _)| kept.clone())
            .collect();
        for kept in stale {
            entries.pop(&kept);
        }
        entries.put(key, part);
    }

    /// How many parts are kept.
    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(generation: u64, search: &str) -> PageKey {
        PageKey {
            page: "/organisations",
            generation,
            language: "en",
            search: search.to_owned(),
        }
    }

    #[test]
    fn a_part_is_served_for_its_own_generation_language_and_search_only() {
        let cache = PageCache::with_capacity(8);
        cache.insert(key(1, "country=DE"), Arc::from("<p>DE</p>"));
        assert_eq!(
            cache.get(&key(1, "country=DE")).as_deref(),
            Some("<p>DE</p>")
        );
        assert!(cache.get(&key(2, "country=DE")).is_none());
        assert!(cache.get(&key(1, "country=FR")).is_none());
        let mut french = key(1, "country=DE");
        french.language = "fr";
        assert!(cache.get(&french).is_none());
    }

    #[test]
    fn a_newer_generation_drops_the_older_parts_of_the_same_page() {
        let cache = PageCache::with_capacity(8);
        cache.insert(key(1, "a"), Arc::from("1a"));
        cache.insert(key(1, "b"), Arc::from("1b"));
        let mut other_page = key(1, "a");
        other_page.page = "/elsewhere";
        cache.insert(other_page.clone(), Arc::from("other"));
        cache.insert(key(2, "a"), Arc::from("2a"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&key(1, "b")).is_none());
        assert_eq!(cache.get(&other_page).as_deref(), Some("other"));
    }

    #[test]
    fn the_least_recently_used_part_goes_first_when_full() {
        let cache = PageCache::with_capacity(2);
        cache.insert(key(1, "a"), Arc::from("a"));
        cache.insert(key(1, "b"), Arc::from("b"));
        assert!(cache.get(&key(1, "a")).is_some());
        cache.insert(key(1, "c"), Arc::from("c"));
        assert!(cache.get(&key(1, "b")).is_none());
        assert!(cache.get(&key(1, "a")).is_some());
        assert!(cache.get(&key(1, "c")).is_some());
    }
}
