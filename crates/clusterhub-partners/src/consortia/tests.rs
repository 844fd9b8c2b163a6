//! The stage mapping on hand-made profiles; the search on hand-made chains and against a
//! brute-force enumeration on thousands of small random instances.

use std::collections::{BTreeMap, BTreeSet};

use clusterhub_reference::Reference;

use super::*;

fn words(word: &str) -> Option<String> {
    let word = word.to_lowercase();
    (!["and", "of", "for", "the"].contains(&word.as_str())).then_some(word)
}

fn stage(nace: &[&str], technologies: &[&str], keywords: &str) -> Stage {
    Stage {
        name: String::from("stage"),
        nace: nace.iter().map(|code| (*code).to_owned()).collect(),
        technologies: technologies.iter().map(|id| (*id).to_owned()).collect(),
        keywords: Statement::new(keywords, words),
    }
}

fn organisation(nace: &[&str], technologies: &[&str], offers: &[&str]) -> StageProfile {
    StageProfile {
        nace: nace.iter().map(|code| (*code).to_owned()).collect(),
        technologies: technologies.iter().map(|id| (*id).to_owned()).collect(),
        offers: offers
            .iter()
            .map(|text| Statement::new(text, words))
            .collect(),
    }
}

#[test]
fn an_organisation_fits_a_stage_by_nace_technologies_and_offers() {
    let nace = Reference::get().nace();
    let cells = stage(
        &["27.2"],
        &["advanced_materials", "nanotechnology"],
        "battery cells",
    );
    let within = organisation(
        &["27.20"],
        &["advanced_materials"],
        &["Battery cells, made to order"],
    );
    let fit = stage_fit(&cells, &within, nace).expect("fits");
    assert_eq!(
        fit.nace,
        Some((String::from("27.20"), String::from("27.2"), true))
    );
    assert_eq!(fit.technologies, ["advanced_materials"]);
    assert_eq!(fit.keywords, ["battery", "cells"]);
    assert_eq!(
        fit.points,
        NACE_WITHIN_POINTS + TECHNOLOGY_POINTS + 2 * KEYWORD_POINTS
    );

    let broader = organisation(&["27"], &[], &[]);
    let fit = stage_fit(&cells, &broader, nace).expect("fits");
    assert_eq!(fit.points, NACE_BROADER_POINTS);
    assert_eq!(
        fit.nace,
        Some((String::from("27"), String::from("27.2"), false))
    );

    let section = stage(&["C"], &[], "");
    let fit = stage_fit(&section, &within, nace).expect("a class lies within its section");
    assert_eq!(fit.points, NACE_WITHIN_POINTS);

    let unrelated = organisation(&["62.01"], &["robotics"], &["Software for cells phones"]);
    let fit = stage_fit(&cells, &unrelated, nace).expect("one keyword");
    assert_eq!(fit.points, KEYWORD_POINTS);
    assert_eq!(fit.offer.as_deref(), Some("Software for cells phones"));
    assert_eq!(
        stage_fit(&stage(&["27.2"], &[], ""), &unrelated, nace),
        None
    );
    let many = stage(&[], &["a", "b", "c"], "");
    let holder = organisation(&[], &["a", "b", "c"], &[]);
    assert_eq!(
        stage_fit(&many, &holder, nace).map(|fit| fit.points),
        Some(TECHNOLOGY_POINTS * MAX_TECHNOLOGIES_COUNTED as i64)
    );
}

fn contender(
    id: i64,
    country: &str,
    sme: bool,
    cohesion: bool,
    fits: &[(usize, i64)],
) -> Contender {
    Contender {
        id,
        country: country.to_owned(),
        cohesion,
        sme,
        fits: fits.to_vec(),
    }
}

fn problem(stages: usize, contenders: Vec<Contender>, rules: Rules, limit: usize) -> Problem {
    Problem {
        stages,
        contenders,
        rules,
        limit,
        node_budget: DEFAULT_NODE_BUDGET,
    }
}

fn ids(problem: &Problem, consortium: &Consortium) -> Vec<(usize, i64)> {
    consortium
        .seats
        .iter()
        .map(|seat| (seat.stage, problem.contenders[seat.contender].id))
        .collect()
}

#[test]
fn the_best_consortium_meets_the_rules_rather_than_taking_the_best_of_each_stage() {
    let rules = Rules {
        min_members: 3,
        min_countries: 3,
        min_cohesion: 1,
        min_smes: 1,
    };
    let chain = problem(
        3,
        vec![
            contender(1, "DE", false, false, &[(0, 100)]),
            contender(2, "DE", false, false, &[(1, 100)]),
            contender(3, "FR", false, false, &[(2, 100)]),
            contender(4, "PL", true, true, &[(1, 60)]),
            contender(5, "IT", false, false, &[(0, 90)]),
        ],
        rules,
        5,
    );
    let outcome = propose(&chain).expect("valid");
    assert!(outcome.complete);
    assert_eq!(outcome.size, 3);
    assert!(outcome.gaps.is_empty());
    let best = &outcome.consortia[0];
    assert_eq!(ids(&chain, best), [(0, 1), (1, 4), (2, 3)]);
    assert_eq!(best.score, 260);
    assert_eq!(
        outcome.consortia.len(),
        2,
        "only the Polish SME brings the cohesion region: 1 or 5 at the first stage"
    );
    assert_eq!(outcome.consortia[1].score, 250);
}

#[test]
fn more_members_than_stages_share_stages_and_an_organisation_holds_one_stage() {
    let chain = problem(
        2,
        vec![
            contender(1, "DE", false, false, &[(0, 100), (1, 100)]),
            contender(2, "FR", false, false, &[(0, 50)]),
            contender(3, "ES", false, false, &[(1, 40)]),
            contender(4, "PT", false, false, &[(1, 30)]),
        ],
        Rules {
            min_members: 3,
            ..Rules::default()
        },
        3,
    );
    let outcome = propose(&chain).expect("valid");
    assert_eq!(outcome.size, 3);
    let best = &outcome.consortia[0];
    assert_eq!(best.score, 190, "{:?}", ids(&chain, best));
    let mut members: Vec<i64> = ids(&chain, best).iter().map(|(_, id)| *id).collect();
    members.sort_unstable();
    assert_eq!(
        members,
        [1, 2, 3],
        "1 holds either stage, 2 the first, 3 the second"
    );
    let sets: BTreeSet<Vec<i64>> = outcome
        .consortia
        .iter()
        .map(|consortium| {
            let mut members: Vec<i64> = ids(&chain, consortium).iter().map(|(_, id)| *id).collect();
            members.sort_unstable();
            members
        })
        .collect();
    assert_eq!(
        sets.len(),
        outcome.consortia.len(),
        "one consortium per set of members"
    );
}

#[test]
fn gaps_name_the_stage_without_candidates_and_the_rule_that_cannot_be_met() {
    let without_stage = problem(
        3,
        vec![
            contender(1, "DE", true, false, &[(0, 10)]),
            contender(2, "FR", true, false, &[(2, 10)]),
        ],
        Rules {
            min_countries: 3,
            ..Rules::default()
        },
        5,
    );
    let outcome = propose(&without_stage).expect("valid");
    assert!(outcome.consortia.is_empty());
    assert_eq!(
        outcome.gaps,
        [
            Gap::StageWithoutCandidates { stage: 1 },
            Gap::TooFewOrganisations {
                available: 2,
                needed: 3
            },
            Gap::RuleUnreachable {
                rule: Rule::MinCountries,
                available: 2,
                needed: 3
            },
        ]
    );

    let no_cohesion = problem(
        2,
        vec![
            contender(1, "DE", true, false, &[(0, 10)]),
            contender(2, "FR", true, false, &[(1, 10)]),
        ],
        Rules {
            min_cohesion: 1,
            ..Rules::default()
        },
        5,
    );
    assert_eq!(
        propose(&no_cohesion).expect("valid").gaps,
        [Gap::RuleUnreachable {
            rule: Rule::MinCohesion,
            available: 0,
            needed: 1
        }]
    );

    // Both SMEs are German: two SMEs, or two countries, but not both.
    let together = problem(
        2,
        vec![
            contender(1, "DE", true, false, &[(0, 10)]),
            contender(2, "DE", true, false, &[(1, 10)]),
            contender(3, "FR", false, false, &[(1, 10)]),
        ],
        Rules {
            min_countries: 2,
            min_smes: 2,
            ..Rules::default()
        },
        5,
    );
    assert_eq!(
        propose(&together).expect("valid").gaps,
        [Gap::RulesTogether {
            rules: vec![Rule::MinCountries, Rule::MinSmes]
        }]
    );
}

#[test]
fn bad_problems_are_refused_and_the_budget_is_reported() {
    let empty = problem(0, Vec::new(), Rules::default(), 5);
    assert_eq!(propose(&empty), Err(ConsortiumError::Stages));
    let limit = problem(1, Vec::new(), Rules::default(), 0);
    assert_eq!(propose(&limit), Err(ConsortiumError::Limit));
    let big = problem(
        1,
        Vec::new(),
        Rules {
            min_members: 13,
            ..Rules::default()
        },
        5,
    );
    assert_eq!(propose(&big), Err(ConsortiumError::Size(13)));
    let wrong_stage = problem(
        1,
        vec![contender(7, "DE", false, false, &[(1, 5)])],
        Rules::default(),
        1,
    );
    assert_eq!(propose(&wrong_stage), Err(ConsortiumError::Fit(7)));

    let mut many: Vec<Contender> = Vec::new();
    for id in 0..40 {
        many.push(contender(
            id,
            ["DE", "FR", "IT", "ES"][id as usize % 4],
            id % 3 == 0,
            id % 5 == 0,
            &[((id % 4) as usize, 10 + id % 7)],
        ));
    }
    let mut tight = problem(
        4,
        many,
        Rules {
            min_countries: 4,
            ..Rules::default()
        },
        5,
    );
    tight.node_budget = 3;
    let outcome = propose(&tight).expect("valid");
    assert!(!outcome.complete);
    tight.node_budget = DEFAULT_NODE_BUDGET;
    let outcome = propose(&tight).expect("valid");
    assert!(outcome.complete);
    assert_eq!(outcome.consortia.len(), 5);
}

/// SplitMix64: the same random instances on every run.
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
}

fn random_problem(rng: &mut Rng) -> Problem {
    let stages = 1 + rng.below(3) as usize;
    let count = rng.below(8) as usize;
    let countries = ["DE", "FR", "PL", "PT"];
    let contenders = (0..count)
        .map(|index| {
            let mut fits: Vec<(usize, i64)> = Vec::new();
            for stage in 0..stages {
                if rng.below(2) == 0 {
                    // Few distinct points, so that ties happen.
                    fits.push((stage, 1 + rng.below(4) as i64 * 10));
                }
            }
            Contender {
                id: 100 - index as i64,
                country: {
                    let spread = 1 + rng.below(4);
                    countries[rng.below(spread) as usize].to_owned()
                },
                cohesion: rng.below(4) == 0,
                sme: rng.below(2) == 0,
                fits,
            }
        })
        .collect();
    let rules = Rules {
        min_members: rng.below(5) as usize,
        min_countries: rng.below(4) as usize,
        min_cohesion: rng.below(3) as usize,
        min_smes: rng.below(4) as usize,
    };
    problem(stages, contenders, rules, 1 + rng.below(4) as usize)
}

/// Every assignment of contenders to one of their stages or none; for each set of members, its
/// best total; the valid ones' totals, best first.
fn brute_force(problem: &Problem) -> Vec<i64> {
    let size = consortium_size(problem.stages, &problem.rules);
    let mut best_by_set: BTreeMap<Vec<usize>, i64> = BTreeMap::new();
    let choices: Vec<Vec<Option<(usize, i64)>>> = problem
        .contenders
        .iter()
        .map(|contender| {
            std::iter::once(None)
                .chain(contender.fits.iter().copied().map(Some))
                .collect()
        })
        .collect();
    let mut pick = vec![0_usize; choices.len()];
    loop {
        let seats: Vec<(usize, usize, i64)> = pick
            .iter()
            .enumerate()
            .filter_map(|(index, &choice)| {
                choices[index][choice].map(|(stage, points)| (index, stage, points))
            })
            .collect();
        let covered: BTreeSet<usize> = seats.iter().map(|seat| seat.1).collect();
        let countries: BTreeSet<&str> = seats
            .iter()
            .map(|seat| problem.contenders[seat.0].country.as_str())
            .collect();
        let smes = seats
            .iter()
            .filter(|seat| problem.contenders[seat.0].sme)
            .count();
        let cohesion = seats
            .iter()
            .filter(|seat| problem.contenders[seat.0].cohesion)
            .count();
        if seats.len() == size
            && covered.len() == problem.stages
            && countries.len() >= problem.rules.min_countries
            && smes >= problem.rules.min_smes
            && cohesion >= problem.rules.min_cohesion
        {
            let members: Vec<usize> = seats.iter().map(|seat| seat.0).collect();
            let total: i64 = seats.iter().map(|seat| seat.2).sum();
            let entry = best_by_set.entry(members).or_insert(total);
            *entry = (*entry).max(total);
        }
        // The next combination, like an odometer.
        let mut position = 0;
        loop {
            if position == pick.len() {
                let mut totals: Vec<i64> = best_by_set.into_values().collect();
                totals.sort_unstable_by(|a, b| b.cmp(a));
                totals.truncate(problem.limit);
                return totals;
            }
            pick[position] += 1;
            if pick[position] < choices[position].len() {
                break;
            }
            pick[position] = 0;
            position += 1;
        }
    }
}

/// A consortium is valid: its size, every stage covered, each member once at a stage it fits
/// with its points, the rules met, the score the sum.
fn check_valid(problem: &Problem, size: usize, consortium: &Consortium) {
    assert_eq!(consortium.seats.len(), size);
    let covered: BTreeSet<usize> = consortium.seats.iter().map(|seat| seat.stage).collect();
    assert_eq!(covered.len(), problem.stages);
    let members: BTreeSet<usize> = consortium.seats.iter().map(|seat| seat.contender).collect();
    assert_eq!(members.len(), size, "each member once");
    for seat in &consortium.seats {
        assert!(
            problem.contenders[seat.contender]
                .fits
                .contains(&(seat.stage, seat.points))
        );
    }
    let countries: BTreeSet<&str> = consortium
        .seats
        .iter()
        .map(|seat| problem.contenders[seat.contender].country.as_str())
        .collect();
    assert!(countries.len() >= problem.rules.min_countries);
    let smes = consortium
        .seats
        .iter()
        .filter(|seat| problem.contenders[seat.contender].sme)
        .count();
    assert!(smes >= problem.rules.min_smes);
    let cohesion = consortium
        .seats
        .iter()
        .filter(|seat| problem.contenders[seat.contender].cohesion)
        .count();
    assert!(cohesion >= problem.rules.min_cohesion);
    assert_eq!(
        consortium.score,
        consortium.seats.iter().map(|seat| seat.points).sum::<i64>()
    );
}

#[test]
fn the_search_equals_brute_force_on_thousands_of_random_instances() {
    let mut rng = Rng(2024);
    let mut feasible = 0;
    for round in 0..4_000 {
        let problem = random_problem(&mut rng);
        let expected = brute_force(&problem);
        let size = consortium_size(problem.stages, &problem.rules);

        // Without the pool the branch and bound is exhaustive: the same totals, in order.
        let (unpooled, complete) = search(&problem, &problem.rules, problem.limit, false);
        assert!(complete);
        let totals: Vec<i64> = unpooled.iter().map(|consortium| consortium.score).collect();
        assert_eq!(totals, expected, "round {round}: {problem:?}");

        // With the pool, the best is the best; the others valid and no better than the truth.
        let outcome = propose(&problem).expect("valid");
        assert!(outcome.complete);
        for consortium in &outcome.consortia {
            check_valid(&problem, size, consortium);
        }
        let pooled: Vec<i64> = outcome
            .consortia
            .iter()
            .map(|consortium| consortium.score)
            .collect();
        assert_eq!(
            pooled.first(),
            expected.first(),
            "round {round}: {problem:?}"
        );
        for (found, truth) in pooled.iter().zip(&expected) {
            assert!(found <= truth);
        }
        if expected.is_empty() {
            assert!(
                !outcome.gaps.is_empty(),
                "round {round}: an empty answer says why"
            );
        } else {
            feasible += 1;
            assert!(outcome.gaps.is_empty());
        }
    }
    assert!(
        feasible > 500,
        "the instances test something: {feasible} feasible"
    );
}

#[test]
fn the_pool_keeps_the_best_on_larger_random_instances() {
    // Many contenders per stage and class, so that the pool drops some: still the same best.
    let mut rng = Rng(7);
    let mut dropped = 0;
    for round in 0..300 {
        let stages = 1 + rng.below(2) as usize;
        let contenders: Vec<Contender> = (0..10)
            .map(|index| Contender {
                id: index,
                country: ["DE", "FR", "PL"][rng.below(3) as usize].to_owned(),
                cohesion: rng.below(3) == 0,
                sme: rng.below(2) == 0,
                fits: (0..stages)
                    .filter_map(|stage| {
                        let fits = rng.below(3) > 0;
                        let points = 1 + rng.below(50) as i64;
                        fits.then_some((stage, points))
                    })
                    .collect(),
            })
            .collect();
        let rules = Rules {
            min_members: 2,
            min_countries: 1 + rng.below(3) as usize,
            min_cohesion: rng.below(2) as usize,
            min_smes: rng.below(3) as usize,
        };
        let chain = problem(stages, contenders, rules, 1);
        let size = consortium_size(stages, &rules);
        let kept: usize = stage_lists(&chain, &rules, size, true)
            .iter()
            .map(Vec::len)
            .sum();
        let all: usize = stage_lists(&chain, &rules, size, false)
            .iter()
            .map(Vec::len)
            .sum();
        dropped += usize::from(kept < all);
        let expected = brute_force(&chain);
        let outcome = propose(&chain).expect("valid");
        let found: Vec<i64> = outcome
            .consortia
            .iter()
            .map(|consortium| consortium.score)
            .collect();
        assert_eq!(found, expected, "round {round}: {chain:?}");
    }
    assert!(
        dropped > 100,
        "the pool dropped candidates in {dropped} rounds"
    );
}
