//! Hand-made instances: the optimum on small known cases, and the wording of infeasible and
//! malformed ones.

use clusterhub_assignment::{Edge, Error, Party, Problem, Quota, solve};

fn party(id: &str, min: u32, max: u32) -> Party {
    Party {
        id: id.to_owned(),
        min,
        max,
    }
}

fn edge(agent: u32, target: u32, score: i64) -> Edge {
    Edge {
        agent,
        target,
        score,
        forced: false,
    }
}

fn reason(problem: &Problem) -> String {
    match solve(problem) {
        Err(Error::Infeasible { reason }) => reason,
        other => panic!("expected infeasible, got {other:?}"),
    }
}

fn two_by_two() -> Problem {
    Problem {
        agents: vec![party("v1", 0, 1), party("v2", 0, 1)],
        targets: vec![party("h1", 0, 1), party("h2", 0, 1)],
        edges: vec![edge(0, 0, 10), edge(0, 1, 9), edge(1, 0, 8), edge(1, 1, 1)],
        ..Problem::default()
    }
}

#[test]
fn greedy_is_not_optimal_but_the_engine_is() {
    // Greedy takes (v1,h1)=10 then (v2,h2)=1: 11. The optimum is 9 + 8 = 17.
    let assignment = solve(&two_by_two()).expect("feasible");
    assert_eq!(assignment.objective, 17);
    assert_eq!(assignment.pairs, vec![1, 2]);
}

#[test]
fn negative_scores_are_left_out_unless_required() {
    let mut problem = two_by_two();
    for e in &mut problem.edges {
        e.score = -e.score;
    }
    assert_eq!(solve(&problem).expect("feasible").objective, 0);
    problem.total = Some(2);
    assert_eq!(solve(&problem).expect("feasible").objective, -11);
}

#[test]
fn forced_pairs_and_minimum_loads_are_honoured() {
    let mut problem = two_by_two();
    problem.edges[0].forced = true;
    let assignment = solve(&problem).expect("feasible");
    assert_eq!(assignment.pairs, vec![0, 3]);
    assert_eq!(assignment.objective, 11);
}

#[test]
fn a_quota_changes_the_optimum() {
    let mut problem = two_by_two();
    problem.total = Some(1);
    assert_eq!(solve(&problem).expect("feasible").objective, 10);
    problem.quotas = vec![Quota {
        group: "sme".to_owned(),
        members: vec![1],
        min_pairs: 1,
    }];
    let assignment = solve(&problem).expect("feasible");
    assert_eq!((assignment.objective, assignment.pairs), (8, vec![2]));
}

#[test]
fn a_target_without_enough_candidates_is_named() {
    let mut problem = two_by_two();
    problem.edges.truncate(3);
    problem.targets[1] = party("h2", 2, 3);
    assert_eq!(
        reason(&problem),
        "target \"h2\" needs at least 2 pairs but only 1 candidate agent(s) can reach it"
    );
}

#[test]
fn an_unreachable_total_is_named() {
    let mut problem = two_by_two();
    problem.total = Some(3);
    assert_eq!(
        reason(&problem),
        "the total 3 exceeds the maximum possible 2 (what the agents can take, given their \
         maximum loads and candidate pairs)"
    );
}

#[test]
fn an_unreachable_quota_is_named() {
    let mut problem = two_by_two();
    problem.agents[1].max = 1;
    problem.total = Some(2);
    problem.quotas = vec![Quota {
        group: "sme".to_owned(),
        members: vec![1],
        min_pairs: 2,
    }];
    assert_eq!(
        reason(&problem),
        "quota \"sme\" needs 2 pairs, at most 1 possible (what the group's agents can take)"
    );
}

#[test]
fn a_hall_violation_is_explained_by_the_cut() {
    // Both targets need a pair, but both of their candidate agents are the same one agent
    // with room for one: each bound alone is fine, together they clash.
    let problem = Problem {
        agents: vec![party("v1", 0, 1), party("v2", 0, 1)],
        targets: vec![party("h1", 1, 1), party("h2", 1, 1), party("h3", 0, 1)],
        edges: vec![edge(0, 0, 1), edge(0, 1, 1), edge(1, 2, 1)],
        ..Problem::default()
    };
    let text = reason(&problem);
    assert!(text.contains("target \"h1\" (at least 1)"), "{text}");
    assert!(text.contains("target \"h2\" (at least 1)"), "{text}");
    assert!(text.contains("agent \"v1\" (at most 1)"), "{text}");
    assert!(text.contains("at least 2 pairs"), "{text}");
}

#[test]
fn crossing_quota_groups_are_refused() {
    let mut problem = two_by_two();
    problem.agents.push(party("v3", 0, 1));
    problem.total = Some(2);
    problem.quotas = vec![
        Quota {
            group: "sme".to_owned(),
            members: vec![0, 1],
            min_pairs: 1,
        },
        Quota {
            group: "women".to_owned(),
            members: vec![1, 2],
            min_pairs: 1,
        },
    ];
    assert!(matches!(solve(&problem), Err(Error::NotAFlow { .. })));
    // Nested groups are a flow.
    problem.quotas[1].members = vec![1];
    assert!(solve(&problem).is_ok());
}

#[test]
fn malformed_problems_name_the_place() {
    let mut problem = two_by_two();
    problem.edges.push(edge(1, 0, 3));
    assert_eq!(
        solve(&problem),
        Err(Error::Invalid {
            place: "edges[4]".to_owned(),
            message: "the pair (\"v2\", \"h1\") is already edges[2]".to_owned()
        })
    );
    let mut problem = two_by_two();
    problem.targets[1] = party("h2", 3, 2);
    assert_eq!(
        solve(&problem).unwrap_err().to_string(),
        "targets[1]: \"h2\" has min 3 greater than max 2"
    );
    let mut problem = two_by_two();
    problem.edges[3].agent = 7;
    assert_eq!(
        solve(&problem).unwrap_err().to_string(),
        "edges[3].agent: no agent number 7"
    );
    let mut problem = two_by_two();
    problem.quotas = vec![Quota {
        group: "sme".to_owned(),
        members: vec![0],
        min_pairs: 1,
    }];
    assert_eq!(
        solve(&problem).unwrap_err().to_string(),
        "quotas: quotas count a share of the assigned pairs and need a `total`"
    );
}
