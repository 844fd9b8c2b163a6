//! The score of one candidate, component by component, and the ranking of many.
//!
//! Every component gives whole points from 0 to its weight, computed with integer arithmetic
//! from whole inputs (term weights in thousandths, percentiles, counts), so a suggestion's total
//! is exactly the sum of the points it shows. Components that give 0 are left out.

use std::cmp::Ordering;

use clusterhub_reference::Reference;

use crate::profile::{Candidate, Profile, Seeker, SizeClass, Statement, TermRarity};
use crate::weights::Weights;

/// What a component measures; each kind occurs at most once in a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    OffersWhatYouRequest,
    RequestsWhatYouOffer,
    ComplementarySector,
    SharedTechnologies,
    InYourTargetCountry,
    TargetsYourCountry,
    SizeFit,
    CrossBorder,
    CrossSectoral,
}

impl ComponentKind {
    /// Every kind, in the order components are computed.
    pub const ALL: [ComponentKind; 9] = [
        ComponentKind::OffersWhatYouRequest,
        ComponentKind::RequestsWhatYouOffer,
        ComponentKind::ComplementarySector,
        ComponentKind::SharedTechnologies,
        ComponentKind::InYourTargetCountry,
        ComponentKind::TargetsYourCountry,
        ComponentKind::SizeFit,
        ComponentKind::CrossBorder,
        ComponentKind::CrossSectoral,
    ];

    /// The stable snake_case name the API answers.
    pub fn slug(self) -> &'static str {
        match self {
            ComponentKind::OffersWhatYouRequest => "offers_what_you_request",
            ComponentKind::RequestsWhatYouOffer => "requests_what_you_offer",
            ComponentKind::ComplementarySector => "complementary_sector",
            ComponentKind::SharedTechnologies => "shared_technologies",
            ComponentKind::InYourTargetCountry => "in_your_target_country",
            ComponentKind::TargetsYourCountry => "targets_your_country",
            ComponentKind::SizeFit => "size_fit",
            ComponentKind::CrossBorder => "cross_border",
            ComponentKind::CrossSectoral => "cross_sectoral",
        }
    }

    /// The most points this kind may give under `weights`.
    pub fn weight(self, weights: &Weights) -> u32 {
        match self {
            ComponentKind::OffersWhatYouRequest => weights.offers_what_you_request,
            ComponentKind::RequestsWhatYouOffer => weights.requests_what_you_offer,
            ComponentKind::ComplementarySector => weights.complementary_sector,
            ComponentKind::SharedTechnologies => weights.shared_technologies,
            ComponentKind::InYourTargetCountry => weights.in_your_target_country,
            ComponentKind::TargetsYourCountry => weights.targets_your_country,
            ComponentKind::SizeFit => weights.size_fit,
            ComponentKind::CrossBorder => weights.cross_border,
            ComponentKind::CrossSectoral => weights.cross_sectoral,
        }
    }

    /// Whether the kind is a bonus, given only together with a substantive match (text,
    /// complementary sectors, shared technologies or target countries): size, being abroad or
    /// being in another sector say nothing about a partner on their own.
    pub fn is_bonus(self) -> bool {
        matches!(
            self,
            ComponentKind::SizeFit | ComponentKind::CrossBorder | ComponentKind::CrossSectoral
        )
    }
}

/// Two statements that match: what one side wants and what the other provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    /// The statement that asks (a request).
    pub wanted: String,
    /// The statement that answers it (an offer).
    pub provided: String,
    /// The shared words, as the offer writes them, in its order.
    pub words: Vec<String>,
    /// The share of the request's weighted terms the offer covers, in percent (rounded down).
    pub coverage_percent: u32,
}

/// Why a component gives its points: a message key and its parameters, for the caller to put
/// into words in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The candidate's offer answers the seeker's request.
    OffersWhatYouRequest(TextMatch),
    /// The seeker's offer answers the candidate's request.
    RequestsWhatYouOffer(TextMatch),
    /// A sector of the seeker (`yours`) and a different one of the candidate (`theirs`) are
    /// linked along value chains: `percentile` is their input–output relatedness percentile.
    ComplementarySector {
        yours: u8,
        theirs: u8,
        percentile: u8,
    },
    /// Technology fields both work with, in the seeker's order.
    SharedTechnologies { technologies: Vec<String> },
    /// The candidate's country is one the seeker targets.
    InYourTargetCountry { country: String },
    /// The candidate targets the seeker's country.
    TargetsYourCountry { country: String },
    /// The two size classes complement each other.
    SizeFit { yours: SizeClass, theirs: SizeClass },
    /// The candidate is in another country.
    CrossBorder { yours: String, theirs: String },
    /// The candidate works in none of the seeker's sectors: its first sector and the seeker's.
    CrossSectoral { yours: u8, theirs: u8 },
}

impl Reason {
    /// The component kind the reason belongs to.
    pub fn kind(&self) -> ComponentKind {
        match self {
            Reason::OffersWhatYouRequest(_) => ComponentKind::OffersWhatYouRequest,
            Reason::RequestsWhatYouOffer(_) => ComponentKind::RequestsWhatYouOffer,
            Reason::ComplementarySector { .. } => ComponentKind::ComplementarySector,
            Reason::SharedTechnologies { .. } => ComponentKind::SharedTechnologies,
            Reason::InYourTargetCountry { .. } => ComponentKind::InYourTargetCountry,
            Reason::TargetsYourCountry { .. } => ComponentKind::TargetsYourCountry,
            Reason::SizeFit { .. } => ComponentKind::SizeFit,
            Reason::CrossBorder { .. } => ComponentKind::CrossBorder,
            Reason::CrossSectoral { .. } => ComponentKind::CrossSectoral,
        }
    }
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Whole points, from 1 to the kind's weight.
    pub points: i64,
    pub reason: Reason,
}

impl Component {
    pub fn kind(&self) -> ComponentKind {
        self.reason.kind()
    }
}

/// A candidate with its score and the components the score is the sum of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The candidate's id.
    pub id: i64,
    /// The sum of the components' points.
    pub score: i64,
    /// The components that gave points, most points first.
    pub components: Vec<Component>,
}

/// Scores one candidate for a seeker. The suggestion's score is the sum of its components'
/// points; a candidate that matches nothing scores 0 with no components.
pub fn score(
    seeker: &Seeker,
    candidate: &Candidate,
    weights: &Weights,
    rarity: &TermRarity,
) -> Suggestion {
    let yours = &seeker.profile;
    let theirs = &candidate.profile;
    let mut components: Vec<Component> = Vec::new();
    let add = |components: &mut Vec<Component>, points: i64, reason: Reason| {
        if points > 0 {
            components.push(Component { points, reason });
        }
    };

    let thresholds = TextThresholds {
        coverage_percent: weights.min_text_coverage_percent,
        shared_terms: weights.min_shared_terms,
    };
    if let Some((points, found)) = best_text_match(
        &yours.requests,
        &theirs.offers,
        rarity,
        weights.offers_what_you_request,
        thresholds,
    ) {
        add(&mut components, points, Reason::OffersWhatYouRequest(found));
    }
    if let Some((points, found)) = best_text_match(
        &theirs.requests,
        &yours.offers,
        rarity,
        weights.requests_what_you_offer,
        thresholds,
    ) {
        add(&mut components, points, Reason::RequestsWhatYouOffer(found));
    }
    if let Some((your_sector, their_sector, percentile)) =
        complementary_sectors(yours, theirs, weights.min_sector_percentile)
    {
        add(
            &mut components,
            proportion(
                weights.complementary_sector,
                u64::from(percentile) + 1 - u64::from(weights.min_sector_percentile),
                100 - u64::from(weights.min_sector_percentile),
            ),
            Reason::ComplementarySector {
                yours: your_sector,
                theirs: their_sector,
                percentile,
            },
        );
    }
    let shared: Vec<String> = yours
        .technologies
        .iter()
        .filter(|technology| theirs.technologies.contains(technology))
        .cloned()
        .collect();
    if !shared.is_empty() {
        // Sharing three technologies, or every one of fewer the seeker names, is a full match.
        let enough = yours.technologies.len().clamp(1, 3) as u64;
        let counted = (shared.len() as u64).min(enough);
        add(
            &mut components,
            proportion(weights.shared_technologies, counted, enough),
            Reason::SharedTechnologies {
                technologies: shared,
            },
        );
    }
    if let Some(country) = &theirs.country
        && yours.target_countries.contains(country)
    {
        add(
            &mut components,
            i64::from(weights.in_your_target_country),
            Reason::InYourTargetCountry {
                country: country.clone(),
            },
        );
    }
    if let Some(country) = &yours.country
        && theirs.target_countries.contains(country)
    {
        add(
            &mut components,
            i64::from(weights.targets_your_country),
            Reason::TargetsYourCountry {
                country: country.clone(),
            },
        );
    }

    // Bonuses, only on top of a substantive match.
    if !components.is_empty() {
        let fit = yours.size.fit_percent(theirs.size);
        add(
            &mut components,
            proportion(weights.size_fit, u64::from(fit), 100),
            Reason::SizeFit {
                yours: yours.size,
                theirs: theirs.size,
            },
        );
        if let (Some(your_country), Some(their_country)) = (&yours.country, &theirs.country)
            && your_country != their_country
        {
            add(
                &mut components,
                i64::from(weights.cross_border),
                Reason::CrossBorder {
                    yours: your_country.clone(),
                    theirs: their_country.clone(),
                },
            );
        }
        if let (Some(&your_sector), Some(&their_sector)) =
            (yours.sectors.first(), theirs.sectors.first())
            && !theirs
                .sectors
                .iter()
                .any(|sector| yours.sectors.contains(sector))
        {
            add(
                &mut components,
                i64::from(weights.cross_sectoral),
                Reason::CrossSectoral {
                    yours: your_sector,
                    theirs: their_sector,
                },
            );
        }
    }

    components.sort_by(|left, right| {
        right
            .points
            .cmp(&left.points)
            .then(left.kind().cmp(&right.kind()))
    });
    Suggestion {
        id: candidate.id,
        score: components.iter().map(|component| component.points).sum(),
        components,
    }
}

/// Scores every candidate and keeps the `limit` best with a positive score, best first (ties by
/// ascending id). The seeker itself is never suggested, nor is any candidate twice.
pub fn rank(
    seeker: &Seeker,
    candidates: &[Candidate],
    weights: &Weights,
    rarity: &TermRarity,
    limit: usize,
) -> Vec<Suggestion> {
    let mut suggestions: Vec<Suggestion> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if Some(candidate.id) == seeker.id
            || suggestions
                .iter()
                .any(|suggestion| suggestion.id == candidate.id)
        {
            continue;
        }
        let suggestion = score(seeker, candidate, weights, rarity);
        if suggestion.score > 0 {
            suggestions.push(suggestion);
        }
    }
    suggestions.sort_by(order);
    suggestions.truncate(limit);
    suggestions
}

fn order(left: &Suggestion, right: &Suggestion) -> Ordering {
    right.score.cmp(&left.score).then(left.id.cmp(&right.id))
}

/// `weight × part / whole`, rounded down; 0 when `whole` is 0.
fn proportion(weight: u32, part: u64, whole: u64) -> i64 {
    if whole == 0 {
        return 0;
    }
    let points = u128::from(weight) * u128::from(part.min(whole)) / u128::from(whole);
    i64::try_from(points).unwrap_or(i64::MAX)
}

/// A request, an offer, the weight of the request's terms the offer covers, the weight of all
/// of them, and the shared terms with their weights.
type Pairing<'a> = (u64, u64, &'a Statement, &'a Statement, Vec<(u64, &'a str)>);

/// What a pair of statements needs to count as a match.
#[derive(Debug, Clone, Copy)]
struct TextThresholds {
    /// The least weighted share of the wanted statement's terms covered, in percent.
    coverage_percent: u32,
    /// The least number of shared terms (all of them, for a shorter wanted statement).
    shared_terms: u32,
}

/// The best pair of a wanted statement and a provided one: among the pairs that share enough
/// terms, the one whose shared terms cover the largest weighted share of the wanted statement's
/// terms (ties: the earlier pair). Gives the points (`weight` × coverage, rounded down) and the
/// match, or `None` when no pair reaches the thresholds.
fn best_text_match(
    wanted: &[Statement],
    provided: &[Statement],
    rarity: &TermRarity,
    weight: u32,
    thresholds: TextThresholds,
) -> Option<(i64, TextMatch)> {
    let mut best: Option<Pairing<'_>> = None;
    for request in wanted {
        let total: u64 = request.terms.iter().map(|term| rarity.weight(term)).sum();
        if total == 0 {
            continue;
        }
        let needed = (thresholds.shared_terms as usize)
            .min(request.terms.len())
            .max(1);
        for offer in provided {
            let shared: Vec<(u64, &str)> = request
                .terms
                .iter()
                .filter(|term| offer.terms.contains(term))
                .map(|term| (rarity.weight(term), term.as_str()))
                .collect();
            if shared.len() < needed {
                continue;
            }
            let covered: u64 = shared.iter().map(|(weight, _)| weight).sum();
            // Compare covered / total across pairs without division.
            let better = best.as_ref().is_none_or(|(best_covered, best_total, ..)| {
                u128::from(covered) * u128::from(*best_total)
                    > u128::from(*best_covered) * u128::from(total)
            });
            if better {
                best = Some((covered, total, request, offer, shared));
            }
        }
    }
    let (covered, total, request, offer, shared) = best?;
    let coverage_percent = u32::try_from(covered * 100 / total).unwrap_or(100);
    if coverage_percent < thresholds.coverage_percent.max(1) {
        return None;
    }
    // The shared words in the order the offer writes them.
    let words = offer
        .terms
        .iter()
        .zip(&offer.words)
        .filter(|(term, _)| shared.iter().any(|(_, shared)| shared == term))
        .map(|(_, word)| word.clone())
        .collect();
    Some((
        proportion(weight, covered, total),
        TextMatch {
            wanted: request.text.clone(),
            provided: offer.text.clone(),
            words,
            coverage_percent,
        },
    ))
}

/// The most related pair of a seeker's sector and a different sector of the candidate that the
/// seeker does not work in, by input–output relatedness percentile (ties: the smaller ids), if
/// it reaches `min_percentile`.
fn complementary_sectors(
    yours: &Profile,
    theirs: &Profile,
    min_percentile: u32,
) -> Option<(u8, u8, u8)> {
    let reference = Reference::get();
    let mut best: Option<(u8, u8, u8)> = None;
    for &your_sector in &yours.sectors {
        for &their_sector in &theirs.sectors {
            if yours.sectors.contains(&their_sector) {
                continue;
            }
            let Some(relatedness) = reference.relatedness(your_sector, their_sector) else {
                continue;
            };
            let percentile = relatedness.cr_io_pc;
            let better = best.is_none_or(|(best_yours, best_theirs, best_percentile)| {
                percentile
                    .cmp(&best_percentile)
                    .then(best_yours.cmp(&your_sector))
                    .then(best_theirs.cmp(&their_sector))
                    == Ordering::Greater
            });
            if better {
                best = Some((your_sector, their_sector, percentile));
            }
        }
    }
    best.filter(|(_, _, percentile)| u32::from(*percentile) >= min_percentile)
}
