//! The engine against a brute-force solver on thousands of small random instances, and its
//! messages on hand-made infeasible and malformed ones.

mod cases;

use clusterhub_assignment::{Edge, Error, Party, Problem, Quota, solve};

/// SplitMix64: a small, seedable generator, so the instances are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A small random instance: up to 4 agents and 4 targets, up to 11 candidate pairs, loads with
/// minimums, some forced pairs, sometimes a total and quotas over one or two groups.
pub fn random_problem(rng: &mut Rng) -> Problem {
    let agents = 1 + rng.below(4) as usize;
    let targets = 1 + rng.below(4) as usize;
    let party = |rng: &mut Rng, prefix: &str, i: usize| {
        let min = if rng.chance(25) {
            rng.below(3) as u32
        } else {
            0
        };
        let max = min + rng.below(3) as u32;
        Party {
            id: format!("{prefix}{i}"),
            min,
            max,
        }
    };
    let agents: Vec<Party> = (0..agents).map(|i| party(rng, "a", i)).collect();
    let targets: Vec<Party> = (0..targets).map(|i| party(rng, "t", i)).collect();
    let mut edges = Vec::new();
    for a in 0..agents.len() {
        for t in 0..targets.len() {
            if edges.len() < 11 && rng.chance(60) {
                edges.push(Edge {
                    agent: a as u32,
                    target: t as u32,
                    score: rng.below(21) as i64 - 5,
                    forced: rng.chance(10),
                });
            }
        }
    }
    // Shuffle so that pairs are not sorted by agent.
    for i in (1..edges.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        edges.swap(i, j);
    }
    let total = rng.chance(40).then(|| rng.below(edges.len() as u64 + 2));
    let mut quotas = Vec::new();
    if total.is_some() && rng.chance(60) {
        for g in 0..1 + rng.below(2) {
            let members: Vec<u32> = (0..agents.len() as u32)
                .filter(|_| rng.chance(50))
                .collect();
            quotas.push(Quota {
                group: format!("g{g}"),
                members,
                min_pairs: rng.below(4),
            });
        }
    }
    Problem {
        agents,
        targets,
        edges,
        total,
        quotas,
    }
}

/// The best objective by trying every subset of the candidate pairs, or None if no subset
/// satisfies every constraint.
pub fn brute_force(problem: &Problem) -> Option<i64> {
    let m = problem.edges.len();
    let mut best: Option<i64> = None;
    for subset in 0u32..1 << m {
        let chosen = |e: usize| subset & (1 << e) != 0;
        if (0..m).any(|e| problem.edges[e].forced && !chosen(e)) {
            continue;
        }
        let mut agent_load = vec![0u32; problem.agents.len()];
        let mut target_load = vec![0u32; problem.targets.len()];
        let mut score = 0;
        for e in (0..m).filter(|&e| chosen(e)) {
            agent_load[problem.edges[e].agent as usize] += 1;
            target_load[problem.edges[e].target as usize] += 1;
            score += problem.edges[e].score;
        }
        let within = |loads: &[u32], parties: &[Party]| {
            loads
                .iter()
                .zip(parties)
                .all(|(&l, p)| p.min <= l && l <= p.max)
        };
        if !within(&agent_load, &problem.agents) || !within(&target_load, &problem.targets) {
            continue;
        }
        if let Some(total) = problem.total
            && u64::from(subset.count_ones()) != total
        {
            continue;
        }
        let quotas_met = problem.quotas.iter().all(|quota| {
            let involving: u32 = quota.members.iter().map(|&a| agent_load[a as usize]).sum();
            u64::from(involving) >= quota.min_pairs
        });
        if !quotas_met {
            continue;
        }
        best = Some(best.map_or(score, |b: i64| b.max(score)));
    }
    best
}

/// Whether two active quotas' groups cross (share an agent, neither containing the other).
pub fn quotas_cross(problem: &Problem) -> bool {
    let active: Vec<&Quota> = problem.quotas.iter().filter(|q| q.min_pairs > 0).collect();
    for (i, a) in active.iter().enumerate() {
        for b in &active[i + 1..] {
            let shared = a.members.iter().filter(|m| b.members.contains(m)).count();
            if shared > 0 && shared < a.members.len() && shared < b.members.len() {
                return true;
            }
        }
    }
    false
}

/// Checks that `pairs` is a valid assignment of `problem` with the given objective.
pub fn check_assignment(problem: &Problem, pairs: &[usize], objective: i64) {
    let mut agent_load = vec![0u32; problem.agents.len()];
    let mut target_load = vec![0u32; problem.targets.len()];
    let mut sum = 0;
    for &e in pairs {
        let edge = problem.edges[e];
        agent_load[edge.agent as usize] += 1;
        target_load[edge.target as usize] += 1;
        sum += edge.score;
    }
    assert_eq!(
        sum, objective,
        "objective is not the sum of the pairs' scores"
    );
    for (load, party) in agent_load
        .iter()
        .zip(&problem.agents)
        .chain(target_load.iter().zip(&problem.targets))
    {
        assert!(
            party.min <= *load && *load <= party.max,
            "{party:?} has load {load}"
        );
    }
    for (e, edge) in problem.edges.iter().enumerate() {
        assert!(
            !edge.forced || pairs.contains(&e),
            "forced pair {e} missing"
        );
    }
    if let Some(total) = problem.total {
        assert_eq!(pairs.len() as u64, total);
    }
    for quota in &problem.quotas {
        let involving: u32 = quota.members.iter().map(|&a| agent_load[a as usize]).sum();
        assert!(u64::from(involving) >= quota.min_pairs, "{quota:?} not met");
    }
}

#[test]
fn equals_brute_force_on_thousands_of_random_instances() {
    let mut rng = Rng(20_261_122);
    let (mut solved, mut infeasible, mut crossing) = (0, 0, 0);
    for case in 0..6_000 {
        let problem = random_problem(&mut rng);
        let expected = brute_force(&problem);
        match solve(&problem) {
            Ok(assignment) => {
                assert_eq!(
                    Some(assignment.objective),
                    expected,
                    "case {case}: {problem:#?}"
                );
                check_assignment(&problem, &assignment.pairs, assignment.objective);
                solved += 1;
            }
            Err(Error::Infeasible { reason }) => {
                assert_eq!(expected, None, "case {case} ({reason}): {problem:#?}");
                assert!(!reason.is_empty());
                infeasible += 1;
            }
            Err(Error::NotAFlow { reason }) => {
                assert!(
                    quotas_cross(&problem),
                    "case {case} ({reason}): {problem:#?}"
                );
                crossing += 1;
            }
            Err(error) => panic!("case {case}: {error}: {problem:#?}"),
        }
    }
    // The generator must exercise every outcome, or the test proves little.
    assert!(solved > 1_500, "{solved} solved");
    assert!(infeasible > 1_000, "{infeasible} infeasible");
    assert!(crossing > 20, "{crossing} crossing");
}

/// Scores so large that the scaled costs no longer fit in 32 bits take the engine's 64-bit cost
/// path; it must find the same optima.
#[test]
fn equals_brute_force_with_64_bit_costs() {
    let mut rng = Rng(20_261_123);
    let mut solved = 0;
    for case in 0..1_500 {
        let mut problem = random_problem(&mut rng);
        for edge in &mut problem.edges {
            edge.score *= 100_000_000;
        }
        let expected = brute_force(&problem);
        match solve(&problem) {
            Ok(assignment) => {
                assert_eq!(
                    Some(assignment.objective),
                    expected,
                    "case {case}: {problem:#?}"
                );
                check_assignment(&problem, &assignment.pairs, assignment.objective);
                solved += 1;
            }
            Err(Error::Infeasible { .. } | Error::NotAFlow { .. }) => {}
            Err(error) => panic!("case {case}: {error}: {problem:#?}"),
        }
    }
    assert!(solved > 300, "{solved} solved");
}
