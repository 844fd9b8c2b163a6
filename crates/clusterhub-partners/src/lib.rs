//! Partner suggestions with explained scores (DESIGN C2): for an organisation or a free-text
//! need, each candidate gets a score that is exactly the sum of the components it shows, each
//! with the reason in data (a kind, whole points and the facts behind them).
//!
//! The components, each from 0 to its weight in [`Weights`]:
//!
//! | kind | gives points when |
//! |---|---|
//! | `offers_what_you_request` | one of the candidate's offers covers one of the seeker's requests: weight × the rarity-weighted share of the request's terms the offer has, when they share at least two terms (all of a shorter request) and a quarter of the weight (both configurable) |
//! | `requests_what_you_offer` | the same, the candidate's requests against the seeker's offers |
//! | `complementary_sector` | a sector of the candidate that the seeker does not work in is linked to one of the seeker's along value chains: weight × (the pair's input–output relatedness percentile + 1 − m) / (100 − m), from a configurable percentile m on (90 by default, the top tenth of pairs) (Delgado, Porter and Stern 2016, from `clusterhub-reference`) |
//! | `shared_technologies` | both work with a technology field: weight × shared / min(3, the seeker's count) |
//! | `in_your_target_country` | the candidate is in a country the seeker targets |
//! | `targets_your_country` | the candidate targets the seeker's country |
//! | `size_fit` | the size classes complement each other ([`SizeClass::fit_percent`]) |
//! | `cross_border` | the candidate is in another country |
//! | `cross_sectoral` | the candidate works in none of the seeker's sectors |
//!
//! The last three are bonuses: they count only on top of one of the others, so that nobody is
//! suggested just for being abroad, in another sector or of another size.
//!
//! Why text relevance is a term overlap computed here rather than the search engine's BM25
//! score: the index holds a profile's descriptions, offers and requests in one field, so BM25
//! cannot tell a candidate that *offers* what the seeker requests from one that *requests* the
//! same thing (a competitor); BM25 is unbounded and relative to each query, so it cannot be a
//! share of a fixed weight; and it cannot say which words matched. The overlap here pairs one
//! request with one offer, weighs shared terms by their rarity in the directory (BM25's inverse
//! document frequency, [`TermRarity`], from the index's document frequencies), and names the
//! offer and the shared words. The search engine's relevance is used where it is good: picking
//! the few hundred candidates worth scoring out of the whole directory.
//!
//! The crate does no I/O: the caller reads the profiles, analyses texts with the search
//! analyser ([`Statement::new`]) and passes term frequencies in.
//!
//! ```
//! use clusterhub_partners::{Candidate, Profile, Seeker, SizeClass, Statement, TermRarity, Weights, rank};
//!
//! let words = |word: &str| Some(word.to_lowercase());
//! let seeker = Seeker {
//!     id: Some(1),
//!     profile: Profile {
//!         country: Some(String::from("FR")),
//!         size: SizeClass::Sme,
//!         requests: vec![Statement::new("hydrogen storage tanks", words)],
//!         ..Profile::default()
//!     },
//! };
//! let candidate = Candidate {
//!     id: 2,
//!     profile: Profile {
//!         country: Some(String::from("DE")),
//!         size: SizeClass::Large,
//!         offers: vec![Statement::new("Hydrogen storage tanks", words)],
//!         ..Profile::default()
//!     },
//! };
//! let suggestions = rank(&seeker, &[candidate], &Weights::default(), &TermRarity::uniform(), 10);
//! let best = &suggestions[0];
//! assert_eq!(best.id, 2);
//! assert_eq!(best.score, best.components.iter().map(|component| component.points).sum::<i64>());
//! assert_eq!(best.score, 350 + 75 + 50); // the text, size fit and cross-border
//! ```

pub mod consortia;
mod profile;
mod score;
mod weights;

pub use profile::{Candidate, Profile, Seeker, SizeClass, Statement, TermRarity};
pub use score::{Component, ComponentKind, Reason, Suggestion, TextMatch, rank, score};
pub use weights::{MAX_WEIGHT, Weights, WeightsError};

#[cfg(test)]
mod tests;
