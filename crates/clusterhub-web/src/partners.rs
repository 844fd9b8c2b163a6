//! Partner suggestions for the API and the profile page: candidates from the search index,
//! never all pairs, scored by `clusterhub-partners`, and the reasons put into words.
//!
//! For an organisation (or a free-text need):
//! 1. the candidate query: the words of its requests and offers, the sectors related to its own
//!    along value chains (input–output relatedness at or above the configured percentile, its
//!    own sectors left out) and its technology fields, any of them enough (an OR);
//! 2. the index's [`CANDIDATES`] best profiles for it, the organisation itself excluded;
//! 3. their stored profiles, in one read, and how rare each of their terms is in the index;
//! 4. the pure scoring, which keeps the best `limit`.

use std::collections::{BTreeSet, HashMap};

use clusterhub_domain::{OrgType, SmeStatus};
use clusterhub_partners::{
    Candidate, Profile, Reason, Seeker, SizeClass, Statement, Suggestion, TermRarity, Weights, rank,
};
use clusterhub_reference::Reference;
use clusterhub_search::{CandidateQuery, SearchError, SearchIndex, analyse};
use clusterhub_storage::{OrganisationImport, StorageError, StoredOrganisation};

use crate::AppState;
use crate::i18n::Locale;

/// How many candidates the index proposes for scoring.
pub const CANDIDATES: usize = 200;

/// Suggestions shown when the caller does not say how many.
pub const DEFAULT_LIMIT: usize = 10;

/// The most suggestions one request may ask for.
pub const MAX_LIMIT: usize = 50;

/// The longest quoted offer or request in a reason, in characters.
const QUOTE_MAX_CHARS: usize = 120;

/// Why suggestions could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PartnersError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("a partner search task stopped: {0}")]
    Task(String),
}

impl From<PartnersError> for crate::ApiError {
    fn from(error: PartnersError) -> crate::ApiError {
        crate::ApiError::internal(error)
    }
}

/// A suggested organisation: who it is and its scored suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedPartner {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The organisation type slug.
    pub kind: String,
    /// The score and the components it is the sum of.
    pub suggestion: Suggestion,
}

/// A free-text need: what is sought, the seeker's sectors and technologies, and the countries
/// where partners are wanted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Need {
    pub text: String,
    /// Cluster category ids, 1 to 51.
    pub sectors: Vec<u8>,
    /// Technology field ids.
    pub technologies: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
}

/// A word's term as the search analyser makes it; `None` for a word it drops.
fn term_of(word: &str) -> Option<String> {
    analyse(word).into_iter().next()
}

fn statements(texts: &[String]) -> Vec<Statement> {
    texts
        .iter()
        .map(|text| Statement::new(text, term_of))
        .collect()
}

/// What scoring knows about a stored organisation.
pub fn profile_of(profile: &OrganisationImport) -> Profile {
    let kind = OrgType::from_slug(&profile.kind).unwrap_or(OrgType::Other);
    let status = SmeStatus::from_slug(&profile.sme_status).unwrap_or(SmeStatus::Undeclared);
    let mut target_countries: Vec<String> = Vec::new();
    for country in profile
        .target_international
        .iter()
        .chain(&profile.target_transnational)
    {
        if !target_countries.contains(country) {
            target_countries.push(country.clone());
        }
    }
    Profile {
        country: Some(profile.country.clone()),
        size: SizeClass::of(kind, status),
        sectors: profile
            .sectors
            .iter()
            .filter_map(|sector| sector.parse::<u8>().ok())
            .collect(),
        technologies: profile.technologies.clone(),
        target_countries,
        offers: statements(&profile.offers),
        requests: statements(&profile.requests),
    }
}

/// Suggestions for a stored organisation; `None` if no organisation has `id`.
pub async fn for_organisation(
    state: &AppState,
    id: i64,
    limit: usize,
) -> Result<Option<(StoredOrganisation, Vec<SuggestedPartner>)>, PartnersError> {
    let Some(stored) = state.storage().organisation(id).await? else {
        return Ok(None);
    };
    let seeker = Seeker {
        id: Some(id),
        profile: profile_of(&stored.profile),
    };
    let suggestions = suggest(state, &seeker, limit).await?;
    Ok(Some((stored, suggestions)))
}

/// Suggestions for a free-text need.
pub async fn for_need(
    state: &AppState,
    need: &Need,
    limit: usize,
) -> Result<Vec<SuggestedPartner>, PartnersError> {
    let seeker = Seeker::need(
        Statement::new(&need.text, term_of),
        need.sectors.clone(),
        need.technologies.clone(),
        need.countries.clone(),
    );
    suggest(state, &seeker, limit).await
}

/// The candidate query of a seeker: its texts, the sectors related to its own and its
/// technologies.
pub fn candidate_query(
    seeker: &Seeker,
    weights: &Weights,
    reference: &Reference,
    limit: usize,
) -> CandidateQuery {
    let profile = &seeker.profile;
    let text: Vec<&str> = profile
        .requests
        .iter()
        .chain(&profile.offers)
        .map(|statement| statement.text.as_str())
        .collect();
    let mut related: BTreeSet<u8> = BTreeSet::new();
    for &sector in &profile.sectors {
        for category in reference.cluster_categories() {
            let is_related =
                reference
                    .relatedness(sector, category.id)
                    .is_some_and(|relatedness| {
                        u32::from(relatedness.cr_io_pc) >= weights.min_sector_percentile
                    });
            if is_related && !profile.sectors.contains(&category.id) {
                related.insert(category.id);
            }
        }
    }
    CandidateQuery {
        text: text.join("\n"),
        sectors: related.iter().map(u8::to_string).collect(),
        technologies: profile.technologies.clone(),
        nace: Vec::new(),
        exclude: seeker.id,
        limit,
    }
}

async fn on_index<T, F>(index: &SearchIndex, work: F) -> Result<T, PartnersError>
where
    T: Send + 'static,
    F: FnOnce(&SearchIndex) -> Result<T, SearchError> + Send + 'static,
{
    let index = index.clone();
    tokio::task::spawn_blocking(move || work(&index))
        .await
        .map_err(|error| PartnersError::Task(error.to_string()))?
        .map_err(PartnersError::from)
}

/// Candidates from the index, their profiles from the database, the rarity of their terms from
/// the index, then the scoring.
async fn suggest(
    state: &AppState,
    seeker: &Seeker,
    limit: usize,
) -> Result<Vec<SuggestedPartner>, PartnersError> {
    let weights = *state.partner_weights();
    let query = candidate_query(seeker, &weights, state.reference(), CANDIDATES);
    let hits = on_index(state.search(), move |index| index.candidates(&query)).await?;
    let ids: Vec<i64> = hits.iter().map(|hit| hit.id).collect();
    let stored = state.storage().organisations_by_ids(&ids).await?;
    let candidates: Vec<Candidate> = stored
        .iter()
        .map(|organisation| Candidate {
            id: organisation.id,
            profile: profile_of(&organisation.profile),
        })
        .collect();

    let mut terms: BTreeSet<&str> = BTreeSet::new();
    for profile in std::iter::once(&seeker.profile).chain(candidates.iter().map(|c| &c.profile)) {
        for statement in profile.requests.iter().chain(&profile.offers) {
            terms.extend(statement.terms.iter().map(String::as_str));
        }
    }
    let terms: Vec<String> = terms.into_iter().map(str::to_owned).collect();
    let (terms, counted) = on_index(state.search(), move |index| {
        let counted = index.term_frequencies(&terms)?;
        Ok((terms, counted))
    })
    .await?;
    let frequencies: HashMap<String, u64> = terms.into_iter().zip(counted.frequencies).collect();
    let rarity = TermRarity::from_frequencies(counted.documents, frequencies);

    let ranked = rank(seeker, &candidates, &weights, &rarity, limit);
    let by_id: HashMap<i64, &StoredOrganisation> = stored
        .iter()
        .map(|organisation| (organisation.id, organisation))
        .collect();
    Ok(ranked
        .into_iter()
        .filter_map(|suggestion| {
            let organisation = by_id.get(&suggestion.id)?;
            Some(SuggestedPartner {
                id: organisation.id,
                name: organisation.profile.name.clone(),
                country: organisation.profile.country.clone(),
                kind: organisation.profile.kind.clone(),
                suggestion,
            })
        })
        .collect())
}

/// The message key of a size class's name.
fn size_key(size: SizeClass) -> String {
    format!("partners.size.{}", size.slug())
}

/// The name of a cluster category in the locale's language (its number if unknown).
pub fn sector_name(locale: Locale, reference: &Reference, id: u8) -> String {
    reference.cluster_category(id).map_or_else(
        || id.to_string(),
        |category| category.name(locale.reference_lang()).to_owned(),
    )
}

/// The label of a technology field in the locale's language (its id if unknown).
pub fn technology_name(locale: Locale, reference: &Reference, id: &str) -> String {
    reference
        .technology_fields()
        .iter()
        .find(|term| term.id == id)
        .map_or_else(
            || id.to_owned(),
            |term| term.label(locale.reference_lang()).to_owned(),
        )
}

/// A statement shortened for a reason, at a word boundary, with an ellipsis if cut.
fn quote(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    match text.char_indices().nth(QUOTE_MAX_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rfind(' ').map_or(head, |space| &head[..space]);
            format!("{}…", head.trim_end())
        }
    }
}

/// A reason in words, in the locale's language: "Offers what you request: hydrogen, storage
/// (“Design of hydrogen storage systems”)", "Complementary sector: Automotive → Transportation
/// and Logistics", "Cross-border: FR ↔ DE", ...
pub fn reason_text(locale: Locale, reference: &Reference, reason: &Reason) -> String {
    let key = format!("partners.reason.{}", reason.kind().slug());
    match reason {
        Reason::OffersWhatYouRequest(found) => locale.format(
            &key,
            &[
                ("words", &found.words.join(", ")),
                ("offer", &quote(&found.provided)),
            ],
        ),
        Reason::RequestsWhatYouOffer(found) => locale.format(
            &key,
            &[
                ("words", &found.words.join(", ")),
                ("request", &quote(&found.wanted)),
            ],
        ),
        Reason::ComplementarySector { yours, theirs, .. } => locale.format(
            &key,
            &[
                ("yours", &sector_name(locale, reference, *yours)),
                ("theirs", &sector_name(locale, reference, *theirs)),
            ],
        ),
        Reason::SharedTechnologies { technologies } => {
            let names: Vec<String> = technologies
                .iter()
                .map(|id| technology_name(locale, reference, id))
                .collect();
            locale.format(&key, &[("technologies", &names.join(", "))])
        }
        Reason::InYourTargetCountry { country } | Reason::TargetsYourCountry { country } => {
            locale.format(&key, &[("country", &locale.country_name(country))])
        }
        Reason::SizeFit { yours, theirs } => locale.format(
            &key,
            &[
                ("yours", locale.text(&size_key(*yours))),
                ("theirs", locale.text(&size_key(*theirs))),
            ],
        ),
        Reason::CrossBorder { yours, theirs } => {
            locale.format(&key, &[("yours", yours), ("theirs", theirs)])
        }
        Reason::CrossSectoral { yours, theirs } => locale.format(
            &key,
            &[
                ("yours", &sector_name(locale, reference, *yours)),
                ("theirs", &sector_name(locale, reference, *theirs)),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use clusterhub_partners::TextMatch;

    use super::*;

    #[test]
    fn stored_profiles_become_scoring_profiles() {
        let stored = OrganisationImport {
            kind: String::from("sme"),
            country: String::from("FR"),
            sme_status: String::from("micro"),
            sectors: vec![String::from("4"), String::from("45")],
            technologies: vec![String::from("robotics")],
            target_international: vec![String::from("US"), String::from("DE")],
            target_transnational: vec![String::from("DE"), String::from("IT")],
            offers: vec![String::from("Wasserstoff-Speicher für München")],
            ..OrganisationImport::default()
        };
        let profile = profile_of(&stored);
        assert_eq!(profile.country.as_deref(), Some("FR"));
        assert_eq!(profile.size, SizeClass::Sme);
        assert_eq!(profile.sectors, [4, 45]);
        assert_eq!(profile.target_countries, ["US", "DE", "IT"]);
        assert_eq!(
            profile.offers[0].terms,
            ["wasserstoff", "speicher", "munchen"],
            "the search analyser's terms: folded, function words dropped"
        );
        assert_eq!(profile.offers[0].word_of("munchen"), Some("München"));
    }

    #[test]
    fn the_candidate_query_asks_for_related_sectors_but_not_the_seekers_own() {
        let reference = Reference::get();
        let seeker = Seeker {
            id: Some(9),
            profile: Profile {
                sectors: vec![4],
                technologies: vec![String::from("robotics")],
                requests: statements(&[String::from("battery cells")]),
                offers: statements(&[String::from("wire harnesses")]),
                ..Profile::default()
            },
        };
        let query = candidate_query(&seeker, &Weights::default(), reference, 200);
        assert_eq!(query.exclude, Some(9));
        assert_eq!(query.limit, 200);
        assert_eq!(query.text, "battery cells\nwire harnesses");
        assert_eq!(query.technologies, ["robotics"]);
        assert!(query.sectors.contains(&String::from("45")), "{query:?}");
        assert!(!query.sectors.contains(&String::from("4")));
        assert!(
            !query.sectors.contains(&String::from("33")),
            "music is unrelated"
        );
    }

    #[test]
    fn reasons_read_as_sentences_in_every_language() {
        let reference = Reference::get();
        let reasons = [
            Reason::OffersWhatYouRequest(TextMatch {
                wanted: String::from("hydrogen storage"),
                provided: String::from("Design of hydrogen storage systems."),
                words: vec![String::from("hydrogen"), String::from("storage")],
                coverage_percent: 100,
            }),
            Reason::ComplementarySector {
                yours: 4,
                theirs: 45,
                percentile: 90,
            },
            Reason::CrossBorder {
                yours: String::from("FR"),
                theirs: String::from("DE"),
            },
            Reason::SizeFit {
                yours: SizeClass::Sme,
                theirs: SizeClass::Large,
            },
        ];
        let english: Vec<String> = reasons
            .iter()
            .map(|reason| reason_text(Locale::default(), reference, reason))
            .collect();
        assert_eq!(
            english[0],
            "Offers what you request: hydrogen, storage (“Design of hydrogen storage systems”)"
        );
        assert_eq!(
            english[1],
            "Complementary sector: Automotive → Transportation and Logistics"
        );
        assert_eq!(english[2], "Cross-border: FR ↔ DE");
        assert_eq!(english[3], "Size fit: SME ↔ large enterprise");
        for locale in Locale::all() {
            for reason in &reasons {
                let text = reason_text(locale, reference, reason);
                assert!(!text.contains('{'), "{}: {text}", locale.code());
            }
        }
        let french = reason_text(
            Locale::from_code("fr").expect("French"),
            reference,
            &reasons[1],
        );
        assert!(french.starts_with("Secteur complémentaire"), "{french}");
    }

    #[test]
    fn long_statements_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let quoted = quote(&long);
        assert!(quoted.ends_with("word…"), "{quoted}");
        assert!(quoted.chars().count() <= QUOTE_MAX_CHARS + 1);
        assert_eq!(quote("Short offer."), "Short offer");
    }
}
