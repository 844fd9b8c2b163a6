//! The JSON problem format of `clusterhub match` (feature `json`): reading it into a
//! [`Problem`] with every message naming the place in the file (`edges[3].agent`), and syntax
//! or type errors carrying serde's line and column. Pure: text in, problem out. Behind a feature
//! so that the engine itself stays free of serde.

use std::collections::HashMap;

use serde::Deserialize;

use crate::{Edge, Party, Problem, Quota};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemJson {
    agents: Vec<PartyJson>,
    targets: Vec<PartyJson>,
    edges: Vec<EdgeJson>,
    #[serde(default)]
    forbidden: Vec<(String, String)>,
    #[serde(default)]
    forced: Vec<(String, String)>,
    total: Option<i64>,
    #[serde(default)]
    quotas: Vec<QuotaJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyJson {
    id: String,
    min: Option<i64>,
    max: Option<i64>,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeJson {
    agent: String,
    target: String,
    score: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotaJson {
    group: String,
    min_share: f64,
}

/// A problem read from JSON, with what is needed to write the answer back in its names.
pub struct ParsedProblem {
    pub problem: Problem,
    /// For each engine edge, its index in the file's `edges` (forbidden pairs are left out).
    pub original_edge: Vec<usize>,
}

/// What can go wrong before solving.
#[derive(Debug)]
pub enum ReadError {
    /// Exit code 1: the text is not a well-formed problem.
    Malformed(String),
    /// Exit code 2: well formed, but contradictory on its face (a pair forced and forbidden).
    Infeasible(String),
}

/// ceil(min_share · total), reading products such as 0.07 · 100 = 7.000000000000001 as the
/// integer they stand for (the Python reference uses the same rule).
pub fn min_pairs(min_share: f64, total: u64) -> u64 {
    let x = min_share * total as f64;
    let rounded = x.round();
    if (x - rounded).abs() <= 1e-9 * x.abs().max(1.0) {
        rounded as u64
    } else {
        x.ceil() as u64
    }
}

/// Parses and checks the JSON problem format of `clusterhub match`.
pub fn parse_problem(text: &str) -> Result<ParsedProblem, ReadError> {
    use ReadError::{Infeasible, Malformed};
    let json: ProblemJson = serde_json::from_str(text).map_err(|e| Malformed(e.to_string()))?;

    let mut agents = Vec::with_capacity(json.agents.len());
    let mut agent_index: HashMap<&str, u32> = HashMap::with_capacity(json.agents.len());
    let mut targets = Vec::with_capacity(json.targets.len());
    let mut target_index: HashMap<&str, u32> = HashMap::with_capacity(json.targets.len());
    for (kind, list, parties, index) in [
        ("agents", &json.agents, &mut agents, &mut agent_index),
        ("targets", &json.targets, &mut targets, &mut target_index),
    ] {
        for (i, party) in list.iter().enumerate() {
            if let Some(&first) = index.get(party.id.as_str()) {
                return Err(Malformed(format!(
                    "{kind}[{i}].id: \"{}\" is already {kind}[{first}]",
                    party.id
                )));
            }
            index.insert(party.id.as_str(), i as u32);
            let load = |value: Option<i64>, default: u32, field: &str| {
                let value = value.unwrap_or(i64::from(default));
                if value < 0 {
                    return Err(Malformed(format!(
                        "{kind}[{i}].{field}: negative load {value}"
                    )));
                }
                u32::try_from(value).map_err(|_| {
                    Malformed(format!("{kind}[{i}].{field}: load {value} is too large"))
                })
            };
            let min = load(party.min, 0, "min")?;
            let max = load(party.max, 1, "max")?;
            if min > max {
                return Err(Malformed(format!(
                    "{kind}[{i}]: min {min} is greater than max {max} (\"{}\")",
                    party.id
                )));
            }
            if kind == "targets" && !party.groups.is_empty() {
                return Err(Malformed(format!(
                    "targets[{i}].groups: groups belong to agents (quotas count pairs by their agent)"
                )));
            }
            parties.push(Party {
                id: party.id.clone(),
                min,
                max,
            });
        }
    }

    let pair_of = |list: &str, i: usize, (agent, target): &(String, String)| {
        let a = agent_index
            .get(agent.as_str())
            .ok_or_else(|| Malformed(format!("{list}[{i}][0]: unknown agent \"{agent}\"")))?;
        let t = target_index
            .get(target.as_str())
            .ok_or_else(|| Malformed(format!("{list}[{i}][1]: unknown target \"{target}\"")))?;
        Ok::<_, ReadError>((*a, *t))
    };
    let mut forbidden: HashMap<(u32, u32), usize> = HashMap::new();
    for (i, pair) in json.forbidden.iter().enumerate() {
        if let Some(first) = forbidden.insert(pair_of("forbidden", i, pair)?, i) {
            return Err(Malformed(format!(
                "forbidden[{i}]: repeats forbidden[{first}]"
            )));
        }
    }
    let mut forced: HashMap<(u32, u32), usize> = HashMap::new();
    for (i, pair) in json.forced.iter().enumerate() {
        let key = pair_of("forced", i, pair)?;
        if let Some(first) = forced.insert(key, i) {
            return Err(Malformed(format!("forced[{i}]: repeats forced[{first}]")));
        }
    }

    let mut seen: HashMap<(u32, u32), usize> = HashMap::with_capacity(json.edges.len());
    let mut edges = Vec::with_capacity(json.edges.len());
    let mut original_edge = Vec::with_capacity(json.edges.len());
    for (i, edge) in json.edges.iter().enumerate() {
        let a = *agent_index.get(edge.agent.as_str()).ok_or_else(|| {
            Malformed(format!(
                "edges[{i}].agent: unknown agent \"{}\"",
                edge.agent
            ))
        })?;
        let t = *target_index.get(edge.target.as_str()).ok_or_else(|| {
            Malformed(format!(
                "edges[{i}].target: unknown target \"{}\"",
                edge.target
            ))
        })?;
        if let Some(first) = seen.insert((a, t), i) {
            return Err(Malformed(format!(
                "edges[{i}]: the pair (\"{}\", \"{}\") is already edges[{first}]",
                edge.agent, edge.target
            )));
        }
        if forbidden.contains_key(&(a, t)) {
            continue;
        }
        edges.push(Edge {
            agent: a,
            target: t,
            score: edge.score,
            forced: forced.contains_key(&(a, t)),
        });
        original_edge.push(i);
    }
    for (i, pair) in json.forced.iter().enumerate() {
        let key = pair_of("forced", i, pair)?;
        if let Some(&f) = forbidden.get(&key) {
            return Err(Infeasible(format!(
                "the pair (\"{}\", \"{}\") is both forced (forced[{i}]) and forbidden \
                 (forbidden[{f}])",
                pair.0, pair.1
            )));
        }
        if !seen.contains_key(&key) {
            return Err(Malformed(format!(
                "forced[{i}]: the pair (\"{}\", \"{}\") is not a candidate; give it a score in \
                 `edges`",
                pair.0, pair.1
            )));
        }
    }

    let total = match json.total {
        None => None,
        Some(t) if t < 0 => return Err(Malformed(format!("total: negative total {t}"))),
        Some(t) => Some(t as u64),
    };
    let mut quotas = Vec::with_capacity(json.quotas.len());
    for (q, quota) in json.quotas.iter().enumerate() {
        if !(0.0..=1.0).contains(&quota.min_share) {
            return Err(Malformed(format!(
                "quotas[{q}].min_share: {} is not a share between 0 and 1",
                quota.min_share
            )));
        }
        let Some(total) = total else {
            return Err(Malformed(format!(
                "quotas[{q}]: a quota is a share of `total`, which is missing"
            )));
        };
        let members = json
            .agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.groups.contains(&quota.group))
            .map(|(i, _)| i as u32)
            .collect();
        quotas.push(Quota {
            group: quota.group.clone(),
            members,
            min_pairs: min_pairs(quota.min_share, total),
        });
    }
    Ok(ParsedProblem {
        problem: Problem {
            agents,
            targets,
            edges,
            total,
            quotas,
        },
        original_edge,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_become_whole_pair_counts() {
        assert_eq!(min_pairs(0.5, 500), 250);
        assert_eq!(min_pairs(0.07, 100), 7);
        assert_eq!(min_pairs(0.5, 5), 3);
        assert_eq!(min_pairs(1.0 / 3.0, 10), 4);
        assert_eq!(min_pairs(0.0, 10), 0);
    }

    fn malformed(text: &str) -> String {
        match parse_problem(text) {
            Err(ReadError::Malformed(message)) => message,
            other => panic!("expected malformed, got {:?}", other.map(|p| p.problem)),
        }
    }

    #[test]
    fn bad_input_names_the_place() {
        let base = r#""agents":[{"id":"v1"}],"targets":[{"id":"h1","max":2}]"#;
        assert_eq!(
            malformed(&format!(
                r#"{{{base},"edges":[{{"agent":"v2","target":"h1","score":1}}]}}"#
            )),
            "edges[0].agent: unknown agent \"v2\""
        );
        assert_eq!(
            malformed(&format!(
                r#"{{{base},"edges":[{{"agent":"v1","target":"h1","score":1}},{{"agent":"v1","target":"h1","score":2}}]}}"#
            )),
            "edges[1]: the pair (\"v1\", \"h1\") is already edges[0]"
        );
        assert_eq!(
            malformed(r#"{"agents":[{"id":"v1","min":-1}],"targets":[],"edges":[]}"#),
            "agents[0].min: negative load -1"
        );
        assert_eq!(
            malformed(r#"{"agents":[],"targets":[{"id":"h","min":3,"max":2}],"edges":[]}"#),
            "targets[0]: min 3 is greater than max 2 (\"h\")"
        );
        assert!(malformed(r#"{"agents":[],"targets":[],"edges":[],"extra":1}"#).contains("line 1"));
    }
}
