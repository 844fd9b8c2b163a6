//! The state every handler shares: the database, the search index, the observatory's statistics,
//! the reference data, when the process started and which version it runs.

use std::sync::Arc;
use std::time::Instant;

use clusterhub_partners::Weights;
use clusterhub_reference::Reference;
use clusterhub_search::SearchIndex;
use clusterhub_storage::Storage;

use crate::auth::Security;
use crate::observatory::ObservatoryState;
use crate::page_cache::PageCache;

/// What the handlers share; cheap to clone (the database handle is a pool, the rest is shared).
#[derive(Clone)]
pub struct AppState {
    storage: Storage,
    search: SearchIndex,
    observatory: ObservatoryState,
    security: Arc<Security>,
    reference: &'static Reference,
    partner_weights: Weights,
    started_at: Instant,
    version: Arc<str>,
    page_cache: PageCache,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The reference data is large and says nothing about this instance, so it is left out.
        formatter
            .debug_struct("AppState")
            .field("storage", &self.storage)
            .field("search", &self.search)
            .field("observatory", &self.observatory)
            .field("started_at", &self.started_at)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an opened (and migrated) database, the directory's search index (a derived
    /// view of that database, kept current by whoever made it) and the embedded reference data.
    /// The version shown is this crate's until [`AppState::with_version`] sets the binary's.
    pub fn new(storage: Storage, search: SearchIndex, reference: &'static Reference) -> AppState {
        AppState {
            storage,
            search,
            observatory: ObservatoryState::new(),
            security: Arc::new(Security::new("http://127.0.0.1:8080")),
            reference,
            partner_weights: Weights::default(),
            started_at: Instant::now(),
            version: Arc::from(env!("CARGO_PKG_VERSION")),
            page_cache: PageCache::default(),
        }
    }

    /// Sets the version shown by the health endpoint and the page footer.
    pub fn with_version(mut self, version: impl Into<String>) -> AppState {
        self.version = Arc::from(version.into());
        self
    }

    /// The database.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The directory's search index.
    pub fn search(&self) -> &SearchIndex {
        &self.search
    }

    /// Rendered parts of search pages, per search-index generation.
    pub(crate) fn page_cache(&self) -> &PageCache {
        &self.page_cache
    }

    /// The observatory's statistics, computed from the stored employment rows on first use and
    /// again after an import changed them.
    pub fn observatory(&self) -> &ObservatoryState {
        &self.observatory
    }

    /// Sets the site's public address (links in e-mails; `https://` turns on `Secure` cookies
    /// and HSTS).
    pub fn with_public_url(mut self, public_url: &str) -> AppState {
        let forms_per_minute = self.security.forms_per_minute;
        self.security = Arc::new(Security::new(public_url).with_form_limit(forms_per_minute));
        self
    }

    /// Sets how many state-changing requests (forms, API calls with a session) one client
    /// address may make a minute (default [`crate::auth::FORMS_PER_MINUTE`]).
    pub fn with_form_rate_limit(mut self, per_minute: usize) -> AppState {
        self.security =
            Arc::new(Security::new(&self.security.public_url).with_form_limit(per_minute));
        self
    }

    /// The security settings and rate limiters.
    pub fn security(&self) -> &Security {
        &self.security
    }

    /// Sets the weights of partner suggestions (the defaults otherwise).
    pub fn with_partner_weights(mut self, weights: Weights) -> AppState {
        self.partner_weights = weights;
        self
    }

    /// The weights of partner suggestions.
    pub fn partner_weights(&self) -> &Weights {
        &self.partner_weights
    }

    /// The reference data (NUTS, NACE, countries, vocabularies).
    pub fn reference(&self) -> &'static Reference {
        self.reference
    }

    /// When this state was made, which is when the server started.
    pub fn started_at(&self) -> Instant {
        self.started_at
    }

    /// The version of the running software.
    pub fn version(&self) -> &str {
        &self.version
    }
}
