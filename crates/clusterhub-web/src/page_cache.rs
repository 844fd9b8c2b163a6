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
//! Browsers ask for gzip, and compressing a 300 KB page costs several times more than serving
//! it from here, so each entry may also be kept [`Form::Gzipped`]: for the JSON search the
//! answer compressed, for the directory page the whole page of a visitor who is not signed in
//! (the frame around the main part is then the same for everyone) compressed.
//!
//! The cache holds at most [`CAPACITY`] entries (least recently used goes first): the popular
//! searches (the landing page, one country, one sector) stay, the long tail is rendered each time.

use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use lru::LruCache;

/// How many rendered parts are kept. Directory pages run to about 300 KB (80 KB gzipped), so the
/// cache holds at most ~75 MB.
pub const CAPACITY: usize = 256;

/// The gzip level of every compressed answer (the compression layer's and the kept pages'):
/// level 2 is about as fast as level 1, whose static Huffman codes left directory pages a third
/// larger.
pub const GZIP_LEVEL: u32 = 2;

/// Which form of an answer an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// As rendered: the main part of a directory page, the JSON search's whole answer.
    Plain,
    /// Gzipped: the whole directory page of a visitor who is not signed in, the JSON search's
    /// whole answer.
    Gzipped,
}

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
    /// Which form is kept.
    pub form: Form,
}

impl PageKey {
    /// The same key for the other form.
    pub fn with_form(&self, form: Form) -> PageKey {
        PageKey {
            form,
            ..self.clone()
        }
    }
}

/// Whether the request's `Accept-Encoding` takes gzip (`gzip` or `*`, without `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|parameter| {
                parameter
                    .strip_prefix("q=")
                    .and_then(|quality| quality.trim().parse::<f32>().ok())
                    .is_some_and(|quality| quality <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `bytes` gzipped at [`GZIP_LEVEL`].
fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

/// What is kept: rendered text ([`Form::Plain`]), used as it is, or gzipped bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kept {
    Text(Arc<str>),
    Gzipped(Bytes),
}

/// Rendered page parts by [`PageKey`]; shared by every request (cheap to clone).
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<LruCache<PageKey, Kept>>>,
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

    /// The rendered text kept for `key` (a [`Form::Plain`] key), if it is still kept.
    pub fn text(&self, key: &PageKey) -> Option<Arc<str>> {
        match self.get(key)? {
            Kept::Text(text) => Some(text),
            Kept::Gzipped(_) => None,
        }
    }

    /// The gzipped bytes kept for `key` (a [`Form::Gzipped`] key), if they are still kept.
    pub fn gzipped(&self, key: &PageKey) -> Option<Bytes> {
        match self.get(key)? {
            Kept::Gzipped(bytes) => Some(bytes),
            Kept::Text(_) => None,
        }
    }

    /// Keeps `text` for `key` (a [`Form::Plain`] key) and gives it back as kept.
    pub fn keep_text(&self, key: PageKey, text: &str) -> Arc<str> {
        let text: Arc<str> = Arc::from(text);
        self.insert(key, Kept::Text(text.clone()));
        text
    }

    /// Gzips `bytes`, keeps them for `key` (a [`Form::Gzipped`] key) and gives them back.
    /// Compressing a whole page takes milliseconds: call it off the async threads for those.
    pub fn keep_gzipped(&self, key: PageKey, bytes: &[u8]) -> Bytes {
        let compressed = gzip(bytes);
        self.insert(key, Kept::Gzipped(compressed.clone()));
        compressed
    }

    /// The part rendered for `key`, if it is still kept.
    fn get(&self, key: &PageKey) -> Option<Kept> {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| {
            // A panic while holding the lock leaves nothing half-written: entries are whole.
            poisoned.into_inner()
        });
        entries.get(key).cloned()
    }

    /// Keeps `part` for `key`; parts of older generations of the same page go first, as no
    /// request can ask for them again once a newer generation is being served.
    fn insert(&self, key: PageKey, part: Kept) {
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
            form: Form::Plain,
        }
    }

    fn part(text: &'static str) -> Kept {
        Kept::Text(Arc::from(text))
    }

    #[test]
    fn a_part_is_served_for_its_own_generation_language_and_search_only() {
        let cache = PageCache::with_capacity(8);
        cache.insert(key(1, "country=DE"), part("<p>DE</p>"));
        assert_eq!(
            cache.text(&key(1, "country=DE")).as_deref(),
            Some("<p>DE</p>")
        );
        assert!(
            cache
                .get(&key(1, "country=DE").with_form(Form::Gzipped))
                .is_none()
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
        cache.insert(key(1, "a"), part("1a"));
        cache.insert(key(1, "b"), part("1b"));
        let mut other_page = key(1, "a");
        other_page.page = "/elsewhere";
        cache.insert(other_page.clone(), part("other"));
        cache.insert(key(2, "a"), part("2a"));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&key(1, "b")).is_none());
        assert_eq!(cache.text(&other_page).as_deref(), Some("other"));
    }

    #[test]
    fn the_least_recently_used_part_goes_first_when_full() {
        let cache = PageCache::with_capacity(2);
        cache.insert(key(1, "a"), part("a"));
        cache.insert(key(1, "b"), part("b"));
        assert!(cache.get(&key(1, "a")).is_some());
        cache.insert(key(1, "c"), part("c"));
        assert!(cache.get(&key(1, "b")).is_none());
        assert!(cache.get(&key(1, "a")).is_some());
        assert!(cache.get(&key(1, "c")).is_some());
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        let accepts = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                value.parse().expect("a header value"),
            );
            accepts_gzip(&headers)
        };
        assert!(accepts("gzip"));
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip; q=0.0, br"));
        assert!(!accepts("identity"));
        assert!(!accepts("deflate, br"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn gzipped_bytes_unzip_to_the_original() {
        use std::io::Read;
        let text = "<p>Cluster für Wasserstoff</p>".repeat(100);
        let compressed = gzip(text.as_bytes());
        assert!(compressed.len() < text.len() / 5);
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_string(&mut unzipped)
            .expect("gzip");
        assert_eq!(unzipped, text);
    }
}
