//! Each component on hand-made profiles, and the sum property (a suggestion's score is the sum
//! of its components, each within its weight) on thousands of random ones.

use std::collections::HashMap;

use clusterhub_reference::Reference;

use crate::{
    Candidate, Component, ComponentKind, Profile, Reason, Seeker, SizeClass, Statement, Suggestion,
    TermRarity, Weights, rank, score,
};

const AUTOMOTIVE: u8 = 4;
const METALWORKING: u8 = 32;
const TRANSPORTATION: u8 = 45;
const MUSIC: u8 = 33;

/// A small analyser for tests: lower case, a few function words dropped.
fn analyse(word: &str) -> Option<String> {
    let word = word.to_lowercase();
    let stop = [
        "a", "an", "and", "for", "of", "in", "we", "are", "the", "to", "with",
    ];
    (!stop.contains(&word.as_str())).then_some(word)
}

fn statements(texts: &[&str]) -> Vec<Statement> {
    texts
        .iter()
        .map(|text| Statement::new(text, analyse))
        .collect()
}

fn profile(country: &str) -> Profile {
    Profile {
        country: Some(country.to_owned()),
        ..Profile::default()
    }
}

fn seeker(profile: Profile) -> Seeker {
    Seeker {
        id: Some(1),
        profile,
    }
}

fn candidate(id: i64, profile: Profile) -> Candidate {
    Candidate { id, profile }
}

fn scored(seeker_profile: Profile, candidate_profile: Profile) -> Suggestion {
    score(
        &seeker(seeker_profile),
        &candidate(2, candidate_profile),
        &Weights::default(),
        &TermRarity::uniform(),
    )
}

fn component(suggestion: &Suggestion, kind: ComponentKind) -> Option<&Component> {
    suggestion
        .components
        .iter()
        .find(|component| component.kind() == kind)
}

fn points(suggestion: &Suggestion, kind: ComponentKind) -> i64 {
    component(suggestion, kind).map_or(0, |component| component.points)
}

fn assert_sum(suggestion: &Suggestion) {
    let sum: i64 = suggestion
        .components
        .iter()
        .map(|component| component.points)
        .sum();
    assert_eq!(suggestion.score, sum, "{suggestion:?}");
}

#[test]
fn an_offer_that_covers_a_request_gives_points_in_proportion_and_names_the_words() {
    let mut yours = profile("FR");
    yours.requests = statements(&["Suppliers of hydrogen storage tanks", "Investors"]);
    let mut theirs = profile("FR");
    theirs.offers = statements(&["Design of Hydrogen storage systems", "Consulting"]);
    let suggestion = scored(yours, theirs);
    let found = component(&suggestion, ComponentKind::OffersWhatYouRequest).expect("a match");
    // "suppliers hydrogen storage tanks": two of four equally weighted terms are covered.
    assert_eq!(found.points, 350 / 2);
    let Reason::OffersWhatYouRequest(text) = &found.reason else {
        panic!("{found:?}");
    };
    assert_eq!(text.wanted, "Suppliers of hydrogen storage tanks");
    assert_eq!(text.provided, "Design of Hydrogen storage systems");
    assert_eq!(
        text.words,
        ["Hydrogen", "storage"],
        "as the offer writes them"
    );
    assert_eq!(text.coverage_percent, 50);
    assert_eq!(points(&suggestion, ComponentKind::RequestsWhatYouOffer), 0);
    assert_sum(&suggestion);
}

#[test]
fn the_candidates_requests_are_matched_against_the_seekers_offers() {
    let mut yours = profile("FR");
    yours.offers = statements(&["Battery testing"]);
    let mut theirs = profile("FR");
    theirs.requests = statements(&["battery testing"]);
    let suggestion = scored(yours, theirs);
    assert_eq!(
        points(&suggestion, ComponentKind::RequestsWhatYouOffer),
        150
    );
    assert_eq!(points(&suggestion, ComponentKind::OffersWhatYouRequest), 0);
}

#[test]
fn rare_shared_words_count_more_than_common_ones() {
    let mut yours = profile("FR");
    yours.requests = statements(&["partners storage hydrogen"]);
    let mut common = profile("FR");
    common.offers = statements(&["partners storage"]);
    let mut rare = profile("FR");
    rare.offers = statements(&["hydrogen storage"]);
    let rarity = TermRarity::from_frequencies(
        1_000,
        HashMap::from([
            (String::from("partners"), 500),
            (String::from("storage"), 100),
            (String::from("hydrogen"), 3),
        ]),
    );
    let weights = Weights {
        min_text_coverage_percent: 1,
        ..Weights::default()
    };
    let seeker = seeker(yours);
    let common = score(&seeker, &candidate(2, common), &weights, &rarity);
    let rare = score(&seeker, &candidate(3, rare), &weights, &rarity);
    let common_points = points(&common, ComponentKind::OffersWhatYouRequest);
    let rare_points = points(&rare, ComponentKind::OffersWhatYouRequest);
    assert!(common_points > 0, "{common:?}");
    assert!(
        rare_points > 2 * common_points,
        "{rare_points} vs {common_points}"
    );
    let weight = |term: &str| i64::try_from(rarity.weight(term)).expect("small");
    let total = weight("partners") + weight("storage") + weight("hydrogen");
    assert_eq!(
        rare_points,
        350 * (weight("hydrogen") + weight("storage")) / total
    );
}

#[test]
fn one_shared_word_is_not_enough_unless_it_is_the_whole_request() {
    let mut yours = profile("FR");
    yours.requests = statements(&["hydrogen tanks"]);
    let mut theirs = profile("FR");
    theirs.offers = statements(&["hydrogen fuel cells"]);
    assert!(
        scored(yours.clone(), theirs.clone()).components.is_empty(),
        "half the request, but one word"
    );
    yours.requests = statements(&["Hydrogen"]);
    let suggestion = scored(yours.clone(), theirs.clone());
    assert_eq!(
        points(&suggestion, ComponentKind::OffersWhatYouRequest),
        350
    );
    let weights = Weights {
        min_shared_terms: 1,
        ..Weights::default()
    };
    yours.requests = statements(&["hydrogen tanks"]);
    let suggestion = score(
        &seeker(yours),
        &candidate(2, theirs),
        &weights,
        &TermRarity::uniform(),
    );
    assert_eq!(
        points(&suggestion, ComponentKind::OffersWhatYouRequest),
        350 / 2
    );
}

#[test]
fn a_weak_text_overlap_gives_nothing() {
    let mut yours = profile("FR");
    yours.requests = statements(&["suppliers of hydrogen storage tanks and electrolysers"]);
    let mut theirs = profile("FR");
    theirs.offers = statements(&["hydrogen"]);
    let suggestion = scored(yours, theirs);
    assert!(
        suggestion.components.is_empty(),
        "1 of 5 terms is below 25 %"
    );
    assert_eq!(suggestion.score, 0);
}

#[test]
fn related_but_different_sectors_are_complementary() {
    let reference = Reference::get();
    let percentile = reference
        .relatedness(AUTOMOTIVE, TRANSPORTATION)
        .expect("a pair")
        .cr_io_pc;
    assert!(
        percentile >= 80,
        "automotive and logistics trade: {percentile}"
    );
    let mut yours = profile("FR");
    yours.sectors = vec![AUTOMOTIVE];
    let mut theirs = profile("FR");
    theirs.sectors = vec![TRANSPORTATION];
    let suggestion = scored(yours.clone(), theirs);
    let found = component(&suggestion, ComponentKind::ComplementarySector).expect("related");
    assert_eq!(
        found.reason,
        Reason::ComplementarySector {
            yours: AUTOMOTIVE,
            theirs: TRANSPORTATION,
            percentile
        }
    );
    assert_eq!(found.points, 100 * (i64::from(percentile) - 89) / 10);

    // The same sector is not complementary, and neither is an unrelated one.
    let mut same = profile("FR");
    same.sectors = vec![AUTOMOTIVE];
    assert!(scored(yours.clone(), same).components.is_empty());
    let mut unrelated = profile("FR");
    unrelated.sectors = vec![MUSIC];
    assert!(scored(yours.clone(), unrelated).components.is_empty());

    // Of several pairs the most related is named.
    let mut both = profile("FR");
    both.sectors = vec![TRANSPORTATION, METALWORKING];
    let best = [TRANSPORTATION, METALWORKING]
        .into_iter()
        .max_by_key(|&sector| {
            (
                reference
                    .relatedness(AUTOMOTIVE, sector)
                    .expect("a pair")
                    .cr_io_pc,
                std::cmp::Reverse(sector),
            )
        })
        .expect("two sectors");
    let suggestion = scored(yours, both);
    assert!(matches!(
        component(&suggestion, ComponentKind::ComplementarySector).map(|c| &c.reason),
        Some(Reason::ComplementarySector { theirs, .. }) if *theirs == best
    ));
}

#[test]
fn a_sector_the_seeker_also_works_in_is_not_complementary_but_blocks_the_cross_sectoral_bonus() {
    let mut yours = profile("FR");
    yours.sectors = vec![AUTOMOTIVE, TRANSPORTATION];
    yours.technologies = vec![String::from("robotics")];
    let mut theirs = profile("FR");
    theirs.sectors = vec![TRANSPORTATION];
    theirs.technologies = vec![String::from("robotics")];
    let suggestion = scored(yours, theirs);
    assert_eq!(points(&suggestion, ComponentKind::ComplementarySector), 0);
    assert_eq!(points(&suggestion, ComponentKind::CrossSectoral), 0);
    assert_eq!(points(&suggestion, ComponentKind::SharedTechnologies), 100);
}

#[test]
fn shared_technologies_count_up_to_three_or_all_of_the_seekers() {
    let technologies = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
    let mut yours = profile("FR");
    yours.technologies = technologies(&["ai", "robotics", "iot", "photonics"]);
    let mut theirs = profile("FR");
    theirs.technologies = technologies(&["robotics", "photonics", "blockchain"]);
    let suggestion = scored(yours.clone(), theirs.clone());
    assert_eq!(points(&suggestion, ComponentKind::SharedTechnologies), 66);
    assert_eq!(
        component(&suggestion, ComponentKind::SharedTechnologies).map(|c| &c.reason),
        Some(&Reason::SharedTechnologies {
            technologies: technologies(&["robotics", "photonics"])
        })
    );
    theirs.technologies.push(String::from("ai"));
    let suggestion = scored(yours.clone(), theirs);
    assert_eq!(points(&suggestion, ComponentKind::SharedTechnologies), 100);
    yours.technologies = technologies(&["ai"]);
    let mut one = profile("FR");
    one.technologies = technologies(&["ai"]);
    assert_eq!(
        points(&scored(yours, one), ComponentKind::SharedTechnologies),
        100
    );
}

#[test]
fn target_countries_count_both_ways() {
    let mut yours = profile("FR");
    yours.target_countries = vec![String::from("DE")];
    let mut theirs = profile("DE");
    theirs.target_countries = vec![String::from("FR")];
    let suggestion = scored(yours.clone(), theirs);
    assert_eq!(points(&suggestion, ComponentKind::InYourTargetCountry), 75);
    assert_eq!(points(&suggestion, ComponentKind::TargetsYourCountry), 50);
    assert_eq!(
        points(&suggestion, ComponentKind::CrossBorder),
        50,
        "a match across a border"
    );
    assert_eq!(
        component(&suggestion, ComponentKind::CrossBorder).map(|c| &c.reason),
        Some(&Reason::CrossBorder {
            yours: String::from("FR"),
            theirs: String::from("DE")
        })
    );
    let elsewhere = profile("IT");
    assert!(scored(yours, elsewhere).components.is_empty());
}

#[test]
fn bonuses_alone_give_nothing() {
    let mut yours = profile("FR");
    yours.size = SizeClass::Sme;
    yours.sectors = vec![AUTOMOTIVE];
    let mut theirs = profile("DE");
    theirs.size = SizeClass::Large;
    theirs.sectors = vec![MUSIC];
    let suggestion = scored(yours.clone(), theirs.clone());
    assert_eq!(suggestion.score, 0, "{suggestion:?}");
    assert!(suggestion.components.is_empty());

    theirs.technologies = vec![String::from("ai")];
    yours.technologies = vec![String::from("ai")];
    let suggestion = scored(yours, theirs);
    assert_eq!(points(&suggestion, ComponentKind::SizeFit), 75);
    assert_eq!(points(&suggestion, ComponentKind::CrossBorder), 50);
    assert_eq!(points(&suggestion, ComponentKind::CrossSectoral), 50);
    assert_eq!(
        component(&suggestion, ComponentKind::CrossSectoral).map(|c| &c.reason),
        Some(&Reason::CrossSectoral {
            yours: AUTOMOTIVE,
            theirs: MUSIC
        })
    );
    assert_eq!(suggestion.score, 100 + 75 + 50 + 50);
    assert_sum(&suggestion);
}

#[test]
fn size_fit_follows_the_table() {
    let mut yours = profile("FR");
    yours.technologies = vec![String::from("ai")];
    let mut theirs = profile("FR");
    theirs.technologies = vec![String::from("ai")];
    for (your_size, their_size, expected) in [
        (SizeClass::Sme, SizeClass::Large, 75),
        (SizeClass::Research, SizeClass::Sme, 75),
        (SizeClass::Sme, SizeClass::Intermediary, 37),
        (SizeClass::Sme, SizeClass::Sme, 0),
        (SizeClass::Unknown, SizeClass::Large, 0),
    ] {
        yours.size = your_size;
        theirs.size = their_size;
        let suggestion = scored(yours.clone(), theirs.clone());
        assert_eq!(
            points(&suggestion, ComponentKind::SizeFit),
            expected,
            "{your_size:?} {their_size:?}"
        );
    }
}

#[test]
fn weights_scale_and_switch_off_components() {
    let mut yours = profile("FR");
    yours.technologies = vec![String::from("ai")];
    let mut theirs = profile("DE");
    theirs.technologies = vec![String::from("ai")];
    let weights = Weights {
        shared_technologies: 7,
        cross_border: 0,
        ..Weights::default()
    };
    let suggestion = score(
        &seeker(yours),
        &candidate(2, theirs),
        &weights,
        &TermRarity::uniform(),
    );
    assert_eq!(suggestion.score, 7);
    assert_eq!(suggestion.components.len(), 1);
}

#[test]
fn a_free_text_need_has_no_country_size_or_offers() {
    let need = Seeker::need(
        Statement::new("hydrogen storage", analyse),
        vec![AUTOMOTIVE],
        Vec::new(),
        vec![String::from("DE")],
    );
    let mut theirs = profile("DE");
    theirs.offers = statements(&["Hydrogen storage"]);
    theirs.requests = statements(&["hydrogen storage"]);
    theirs.size = SizeClass::Large;
    theirs.target_countries = vec![String::from("FR")];
    let suggestion = score(
        &need,
        &candidate(5, theirs),
        &Weights::default(),
        &TermRarity::uniform(),
    );
    let kinds: Vec<ComponentKind> = suggestion.components.iter().map(Component::kind).collect();
    assert_eq!(
        kinds,
        [
            ComponentKind::OffersWhatYouRequest,
            ComponentKind::InYourTargetCountry
        ]
    );
    assert_eq!(suggestion.score, 350 + 75);
}

#[test]
fn ranking_orders_by_score_then_id_and_never_suggests_the_seeker() {
    let mut yours = profile("FR");
    yours.technologies = vec![String::from("ai"), String::from("iot")];
    let with = |id: i64, technologies: &[&str]| {
        let mut theirs = profile("FR");
        theirs.technologies = technologies.iter().map(|id| (*id).to_owned()).collect();
        candidate(id, theirs)
    };
    let candidates = [
        with(1, &["ai", "iot"]),
        with(9, &["ai"]),
        with(4, &["ai", "iot"]),
        with(3, &["ai"]),
        with(7, &["blockchain"]),
        with(4, &["ai", "iot"]),
    ];
    let suggestions = rank(
        &seeker(yours),
        &candidates,
        &Weights::default(),
        &TermRarity::uniform(),
        10,
    );
    let order: Vec<(i64, i64)> = suggestions.iter().map(|s| (s.id, s.score)).collect();
    assert_eq!(order, [(4, 100), (3, 50), (9, 50)]);
}

/// SplitMix64: the same random profiles on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: [&str; 12] = [
    "hydrogen",
    "storage",
    "battery",
    "testing",
    "partners",
    "software",
    "robots",
    "textile",
    "recycling",
    "sensors",
    "logistics",
    "design",
];
const COUNTRIES: [&str; 5] = ["FR", "DE", "IT", "PL", "EE"];
const TECHNOLOGIES: [&str; 6] = ["ai", "iot", "robotics", "photonics", "blockchain", "nano"];

fn random_statement(rng: &mut Rng) -> Statement {
    let length = 1 + rng.below(5);
    let text: Vec<&str> = (0..length).map(|_| *rng.pick(&WORDS)).collect();
    Statement::new(&text.join(" "), analyse)
}

fn random_profile(rng: &mut Rng) -> Profile {
    let count = |rng: &mut Rng, most: u64| rng.below(most + 1) as usize;
    Profile {
        country: (rng.below(10) > 0).then(|| (*rng.pick(&COUNTRIES)).to_owned()),
        size: *rng.pick(&SizeClass::ALL),
        sectors: (0..count(rng, 3))
            .map(|_| 1 + rng.below(51) as u8)
            .collect(),
        technologies: (0..count(rng, 4))
            .map(|_| (*rng.pick(&TECHNOLOGIES)).to_owned())
            .collect(),
        target_countries: (0..count(rng, 3))
            .map(|_| (*rng.pick(&COUNTRIES)).to_owned())
            .collect(),
        offers: (0..count(rng, 3)).map(|_| random_statement(rng)).collect(),
        requests: (0..count(rng, 3)).map(|_| random_statement(rng)).collect(),
    }
}

fn random_weights(rng: &mut Rng) -> Weights {
    let weight = |rng: &mut Rng| rng.below(1_001) as u32;
    Weights {
        offers_what_you_request: weight(rng),
        requests_what_you_offer: weight(rng),
        complementary_sector: weight(rng),
        shared_technologies: weight(rng),
        in_your_target_country: weight(rng),
        targets_your_country: weight(rng),
        size_fit: weight(rng),
        cross_border: weight(rng),
        cross_sectoral: weight(rng),
        min_text_coverage_percent: rng.below(101) as u32,
        min_shared_terms: rng.below(4) as u32,
        min_sector_percentile: rng.below(100) as u32,
    }
}

#[test]
fn every_score_is_the_sum_of_its_components_each_within_its_weight() {
    let mut rng = Rng(20_260_501);
    let mut nonzero = 0;
    let mut kinds_seen = std::collections::BTreeSet::new();
    for round in 0..3_000 {
        let weights = if round % 2 == 0 {
            Weights::default()
        } else {
            random_weights(&mut rng)
        };
        let rarity = if round % 3 == 0 {
            TermRarity::uniform()
        } else {
            TermRarity::from_frequencies(
                1_000,
                WORDS
                    .iter()
                    .map(|word| ((*word).to_owned(), rng.below(1_001)))
                    .collect(),
            )
        };
        let seeker = Seeker {
            id: Some(1 + rng.below(5) as i64),
            profile: random_profile(&mut rng),
        };
        let candidates: Vec<Candidate> = (0..8)
            .map(|_| candidate(1 + rng.below(10) as i64, random_profile(&mut rng)))
            .collect();
        for candidate in &candidates {
            let suggestion = score(&seeker, candidate, &weights, &rarity);
            assert_sum(&suggestion);
            assert!(suggestion.score <= weights.maximum_score());
            let mut kinds = Vec::new();
            for component in &suggestion.components {
                let kind = component.kind();
                assert!(component.points >= 1, "{component:?}");
                assert!(
                    component.points <= i64::from(kind.weight(&weights)),
                    "{component:?} {weights:?}"
                );
                assert!(!kinds.contains(&kind), "{kind:?} twice");
                kinds.push(kind);
                kinds_seen.insert(kind);
            }
            if !suggestion.components.is_empty() {
                nonzero += 1;
                assert!(
                    suggestion.components.iter().any(|c| !c.kind().is_bonus()),
                    "bonuses alone: {suggestion:?}"
                );
            }
            assert!(
                suggestion
                    .components
                    .windows(2)
                    .all(|pair| pair[0].points >= pair[1].points)
            );
        }
        let suggestions = rank(&seeker, &candidates, &weights, &rarity, 5);
        assert!(suggestions.len() <= 5);
        assert!(
            suggestions
                .iter()
                .all(|s| Some(s.id) != seeker.id && s.score > 0)
        );
        assert!(
            suggestions
                .windows(2)
                .all(|pair| (pair[0].score, -pair[0].id) > (pair[1].score, -pair[1].id))
        );
        for suggestion in &suggestions {
            assert_sum(suggestion);
        }
    }
    assert!(
        nonzero > 3_000,
        "the random profiles match often enough: {nonzero}"
    );
    assert_eq!(
        kinds_seen.len(),
        ComponentKind::ALL.len(),
        "every component was exercised"
    );
}
