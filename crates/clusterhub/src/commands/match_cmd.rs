//! `clusterhub match`: reads an assignment problem in JSON, solves it exactly with
//! `clusterhub-assignment`, prints the objective and writes the pairs.
//!
//! The JSON format is `clusterhub_assignment::json` (the engine crate's `json` feature).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clusterhub_assignment::json::{ReadError, parse_problem};
use clusterhub_assignment::{Error, Problem};

use crate::cli::MatchArgs;

/// Exit code for an infeasible problem (malformed input exits with 1).
const INFEASIBLE: u8 = 2;

pub fn run(args: MatchArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let name = args.input.display().to_string();
    let parsed = match parse_problem(&text) {
        Ok(parsed) => parsed,
        Err(ReadError::Malformed(message)) => {
            eprintln!("error: {name}: {message}");
            return Ok(ExitCode::FAILURE);
        }
        Err(ReadError::Infeasible(reason)) => {
            eprintln!("no assignment exists: {reason}");
            return Ok(ExitCode::from(INFEASIBLE));
        }
    };
    let problem = &parsed.problem;
    let started = std::time::Instant::now();
    match clusterhub_assignment::solve(problem) {
        Ok(assignment) => {
            let elapsed = started.elapsed();
            if let Some(output) = &args.output {
                write_assignment(output, problem, &assignment)?;
            }
            println!(
                "{} agents, {} targets, {} candidate pairs: {} pairs assigned in {:.3} s",
                problem.agents.len(),
                problem.targets.len(),
                problem.edges.len(),
                assignment.pairs.len(),
                elapsed.as_secs_f64()
            );
            if let Some(output) = &args.output {
                println!("written to {}", output.display());
            }
            println!("objective: {}", assignment.objective);
            Ok(ExitCode::SUCCESS)
        }
        Err(Error::Infeasible { reason }) => {
            eprintln!("no assignment exists: {reason}");
            Ok(ExitCode::from(INFEASIBLE))
        }
        Err(Error::Invalid { place, message }) => {
            let place = original_place(&place, &parsed.original_edge);
            eprintln!("error: {name}: {place}: {message}");
            Ok(ExitCode::FAILURE)
        }
        Err(error @ Error::NotAFlow { .. }) => {
            eprintln!("error: {name}: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The engine names edges by their position among the candidates it was given; the file's
/// position differs when forbidden pairs were left out.
fn original_place(place: &str, original_edge: &[usize]) -> String {
    let Some(rest) = place.strip_prefix("edges[") else {
        return place.to_owned();
    };
    let Some((number, tail)) = rest.split_once(']') else {
        return place.to_owned();
    };
    match number
        .parse::<usize>()
        .ok()
        .and_then(|i| original_edge.get(i))
    {
        Some(original) => format!("edges[{original}]{tail}"),
        None => place.to_owned(),
    }
}

fn write_assignment(
    path: &Path,
    problem: &Problem,
    assignment: &clusterhub_assignment::Assignment,
) -> anyhow::Result<()> {
    let pairs: Vec<[&str; 2]> = assignment
        .pairs
        .iter()
        .map(|&e| {
            let edge = &problem.edges[e];
            [
                problem.agents[edge.agent as usize].id.as_str(),
                problem.targets[edge.target as usize].id.as_str(),
            ]
        })
        .collect();
    let json = serde_json::json!({ "objective": assignment.objective, "pairs": pairs });
    std::fs::write(path, format!("{json}\n")).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_mapped_back_to_the_file() {
        assert_eq!(original_place("edges[1].score", &[0, 3]), "edges[3].score");
        assert_eq!(original_place("agents[1]", &[0, 3]), "agents[1]");
    }
}
