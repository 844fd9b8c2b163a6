//! Fuzzes `clusterhub match`'s JSON problem reader, and solves what it accepts when the problem
//! is small: a returned assignment must satisfy every constraint (loads, forced pairs, total,
//! quotas) and its objective must be the sum of its pairs' scores.

#![no_main]

use clusterhub_assignment::json::parse_problem;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = parse_problem(text) else {
        return;
    };
    let problem = &parsed.problem;
    if problem.edges.len() > 64 || problem.agents.len() > 32 || problem.targets.len() > 32 {
        return;
    }
    let Ok(assignment) = clusterhub_assignment::solve(problem) else {
        return;
    };
    let mut agent_load = vec![0u32; problem.agents.len()];
    let mut target_load = vec![0u32; problem.targets.len()];
    let mut objective = 0i64;
    let mut picked = vec![false; problem.edges.len()];
    for &e in &assignment.pairs {
        assert!(
            !std::mem::replace(&mut picked[e], true),
            "pair {e} picked twice"
        );
        let edge = &problem.edges[e];
        agent_load[edge.agent as usize] += 1;
        target_load[edge.target as usize] += 1;
        objective += edge.score;
    }
    assert_eq!(
        objective, assignment.objective,
        "objective is not the sum of the scores"
    );
    for (party, load) in problem.agents.iter().zip(&agent_load) {
        assert!(
            (party.min..=party.max).contains(load),
            "agent {} load {load}",
            party.id
        );
    }
    for (party, load) in problem.targets.iter().zip(&target_load) {
        assert!(
            (party.min..=party.max).contains(load),
            "target {} load {load}",
            party.id
        );
    }
    for (e, edge) in problem.edges.iter().enumerate() {
        assert!(!edge.forced || picked[e], "forced pair {e} left out");
    }
    if let Some(total) = problem.total {
        assert_eq!(assignment.pairs.len() as u64, total, "total not met");
    }
    for quota in &problem.quotas {
        let count = assignment
            .pairs
            .iter()
            .filter(|&&e| quota.members.contains(&problem.edges[e].agent))
            .count() as u64;
        assert!(count >= quota.min_pairs, "quota {} not met", quota.group);
    }
});
