//! `clusterhub bench match`: the assignment engine on the exchange-sized instances beside OR-Tools'
//! min-cost flow on the same instances in the same run (time, peak memory, objective).
//!
//! Instances are generated from a seed and written in a compact binary layout (a JSON file of
//! 10 M pairs would take longer for Python to parse than OR-Tools takes to solve it, and several
//! GB of memory): the magic `CHMATCH1`, `u32` agents, `u32` targets, `u64` pairs, then the agents'
//! maximum loads (`u32` each), the targets' maximum loads, every pair's agent, every pair's target
//! (`u32`) and every pair's score (`i32`), all little-endian; minimum loads are 0. Both solvers run
//! as child processes (ours is `clusterhub bench match-solve FILE`), so each one's peak resident
//! memory (VmHWM / ru_maxrss) is its own.

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use clusterhub_assignment::{Edge, Party, Problem};

use crate::cli::{BenchMatchArgs, BenchMatchSolveArgs};
use crate::commands::bench::peak_resident_mib;

const MAGIC: &[u8; 8] = b"CHMATCH1";

/// A generated instance: agents and targets with maximum loads, scored candidate pairs.
struct Instance {
    agent_max: Vec<u32>,
    target_max: Vec<u32>,
    pair_agent: Vec<u32>,
    pair_target: Vec<u32>,
    pair_score: Vec<i32>,
}

/// SplitMix64: the same instances on every machine for the same seed.
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
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// Visitors with about `candidates` distinct candidate hosts each (80 %–120 %), hosts with room
/// for `capacity`. A score is the host's appeal (0–400, the same for everyone: popular hosts are
/// contended) plus the visitor's own fit (0–600), so 0–1000.
fn generate(visitors: u32, hosts: u32, capacity: u32, candidates: u32, seed: u64) -> Instance {
    let mut rng = Rng(seed);
    let appeal: Vec<u32> = (0..hosts).map(|_| rng.below(401) as u32).collect();
    let low = u64::from(candidates) * 4 / 5;
    let spread = u64::from(candidates) * 2 / 5 + 1;
    let expected = visitors as usize * candidates as usize;
    let mut instance = Instance {
        agent_max: vec![1; visitors as usize],
        target_max: vec![capacity; hosts as usize],
        pair_agent: Vec::with_capacity(expected + expected / 4),
        pair_target: Vec::with_capacity(expected + expected / 4),
        pair_score: Vec::with_capacity(expected + expected / 4),
    };
    let mut stamp = vec![u32::MAX; hosts as usize];
    for v in 0..visitors {
        let k = (low + rng.below(spread)).min(u64::from(hosts));
        let mut chosen = 0;
        while chosen < k {
            let h = rng.below(u64::from(hosts)) as u32;
            if stamp[h as usize] == v {
                continue;
            }
            stamp[h as usize] = v;
            chosen += 1;
            instance.pair_agent.push(v);
            instance.pair_target.push(h);
            instance
                .pair_score
                .push((appeal[h as usize] + rng.below(601) as u32) as i32);
        }
    }
    instance
}

fn write_instance(path: &Path, instance: &Instance) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(MAGIC)?;
    out.write_all(&(instance.agent_max.len() as u32).to_le_bytes())?;
    out.write_all(&(instance.target_max.len() as u32).to_le_bytes())?;
    out.write_all(&(instance.pair_agent.len() as u64).to_le_bytes())?;
    for list in [
        &instance.agent_max,
        &instance.target_max,
        &instance.pair_agent,
        &instance.pair_target,
    ] {
        for x in list.iter() {
            out.write_all(&x.to_le_bytes())?;
        }
    }
    for x in &instance.pair_score {
        out.write_all(&x.to_le_bytes())?;
    }
    out.flush()?;
    Ok(())
}

fn read_problem(path: &Path) -> anyhow::Result<Problem> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .read_to_end(&mut bytes)?;
    if bytes.len() < 24 || &bytes[..8] != MAGIC {
        bail!("{}: not a bench match instance", path.display());
    }
    let u32_at = |offset: usize| u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap());
    let agents = u32_at(8) as usize;
    let targets = u32_at(12) as usize;
    let pairs = u64::from_le_bytes(bytes[16..24].try_into().unwrap()) as usize;
    if bytes.len() != 24 + 4 * (agents + targets + 3 * pairs) {
        bail!("{}: truncated instance", path.display());
    }
    let array = |start: usize, count: usize| (0..count).map(move |i| u32_at(start + 4 * i));
    let mut offset = 24;
    let agent_max: Vec<u32> = array(offset, agents).collect();
    offset += 4 * agents;
    let target_max: Vec<u32> = array(offset, targets).collect();
    offset += 4 * targets;
    let (agent_at, target_at, score_at) = (offset, offset + 4 * pairs, offset + 8 * pairs);
    let edges = (0..pairs)
        .map(|i| Edge {
            agent: u32_at(agent_at + 4 * i),
            target: u32_at(target_at + 4 * i),
            score: i64::from(u32_at(score_at + 4 * i) as i32),
            forced: false,
        })
        .collect();
    let party = |prefix: &str, i: usize, max: u32| Party {
        id: format!("{prefix}{i}"),
        min: 0,
        max,
    };
    Ok(Problem {
        agents: agent_max
            .iter()
            .enumerate()
            .map(|(i, &m)| party("v", i, m))
            .collect(),
        targets: target_max
            .iter()
            .enumerate()
            .map(|(i, &m)| party("h", i, m))
            .collect(),
        edges,
        total: None,
        quotas: Vec::new(),
    })
}

/// The child process: solve one instance file and print one JSON line.
pub fn solve_child(args: BenchMatchSolveArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let problem = read_problem(&args.file)?;
    let read = started.elapsed();
    let started = Instant::now();
    let assignment = clusterhub_assignment::solve(&problem)?;
    let solve = started.elapsed();
    let line = serde_json::json!({
        "objective": assignment.objective,
        "pairs": assignment.pairs.len(),
        "build_s": read.as_secs_f64(),
        "solve_s": solve.as_secs_f64(),
        "peak_mib": peak_resident_mib(),
    });
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

/// One solver's figures on one instance.
struct Measured {
    objective: i64,
    build_s: f64,
    solve_s: f64,
    peak_mib: f64,
}

fn run_child(command: &mut Command, what: &str) -> anyhow::Result<Measured> {
    let output = command
        .output()
        .with_context(|| format!("starting {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let value: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("{what} printed {stdout:?}"))?;
    let number = |key: &str| value[key].as_f64().unwrap_or(f64::NAN);
    Ok(Measured {
        objective: value["objective"]
            .as_i64()
            .with_context(|| format!("{what} printed no objective: {line}"))?,
        build_s: number("build_s"),
        solve_s: number("solve_s"),
        peak_mib: number("peak_mib"),
    })
}

fn ortools_available(python: &str) -> bool {
    Command::new(python)
        .args(["-c", "import ortools.graph.python.min_cost_flow, numpy"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn run(args: BenchMatchArgs) -> anyhow::Result<ExitCode> {
    let directory = tempfile::tempdir().context("creating a scratch directory")?;
    let exe = std::env::current_exe().context("finding the clusterhub binary")?;
    let reference = ortools_available(&args.python) && args.script.is_file();
    if !reference {
        println!(
            "OR-Tools is not available ({} with `ortools` and the script {}): \
             printing our figures only (pip install ortools)",
            args.python,
            args.script.display()
        );
    }
    let mut instances = vec![(
        format!(
            "{}k visitors x {}k hosts (capacity {})",
            args.visitors / 1000,
            args.hosts / 1000,
            args.capacity
        ),
        args.visitors,
        args.hosts,
        args.capacity,
    )];
    if args.one_to_one > 0 {
        instances.push((
            format!(
                "{}k x {}k one-to-one",
                args.one_to_one / 1000,
                args.one_to_one / 1000
            ),
            args.one_to_one,
            args.one_to_one,
            1,
        ));
    }
    let mut rows = Vec::new();
    for (i, (name, visitors, hosts, capacity)) in instances.into_iter().enumerate() {
        let started = Instant::now();
        let instance = generate(
            visitors,
            hosts,
            capacity,
            args.candidates,
            args.seed + i as u64,
        );
        let pairs = instance.pair_agent.len();
        let path = directory.path().join(format!("instance-{i}.bin"));
        write_instance(&path, &instance)?;
        drop(instance);
        println!(
            "{name}: {pairs} candidate pairs (scores 0-1000, seed {}), generated in {:.1} s",
            args.seed + i as u64,
            started.elapsed().as_secs_f64()
        );
        let ours = run_child(
            Command::new(&exe)
                .arg("bench")
                .arg("match-solve")
                .arg(&path),
            "clusterhub bench match-solve",
        )?;
        println!(
            "  ours:     objective {}, solve {:.2} s (reading {:.2} s), peak {:.0} MiB",
            ours.objective, ours.solve_s, ours.build_s, ours.peak_mib
        );
        let theirs = if reference {
            let measured = run_child(
                Command::new(&args.python)
                    .arg(&args.script)
                    .arg("--binary")
                    .arg(&path),
                "the OR-Tools script",
            )?;
            println!(
                "  OR-Tools: objective {}, solve {:.2} s (building the graph {:.2} s), peak {:.0} MiB",
                measured.objective, measured.solve_s, measured.build_s, measured.peak_mib
            );
            Some(measured)
        } else {
            None
        };
        std::fs::remove_file(&path).ok();
        rows.push((name, pairs, ours, theirs));
    }

    println!();
    println!(
        "{:<38} {:>10} {:>9} {:>9} {:>10} {:>10} {:>8} {:>8} {:>9}",
        "instance", "pairs", "ours s", "OR s", "ours MiB", "OR MiB", "time", "memory", "objective"
    );
    let mut all_equal = true;
    for (name, pairs, ours, theirs) in &rows {
        match theirs {
            Some(theirs) => {
                let equal = ours.objective == theirs.objective;
                all_equal &= equal;
                println!(
                    "{:<38} {:>10} {:>9.2} {:>9.2} {:>10.0} {:>10.0} {:>8.2} {:>8.2} {:>9}",
                    name,
                    pairs,
                    ours.solve_s,
                    theirs.solve_s,
                    ours.peak_mib,
                    theirs.peak_mib,
                    ours.solve_s / theirs.solve_s,
                    ours.peak_mib / theirs.peak_mib,
                    if equal { "equal" } else { "DIFFERENT" }
                );
            }
            None => println!(
                "{:<38} {:>10} {:>9.2} {:>9} {:>10.0} {:>10} {:>8} {:>8} {:>9}",
                name, pairs, ours.solve_s, "-", ours.peak_mib, "-", "-", "-", "-"
            ),
        }
    }
    println!(
        "(time and memory: ours / OR-Tools, below 1 is better; solve times exclude reading the"
    );
    println!(
        " instance and OR-Tools' graph building in Python, ours include building our network)"
    );
    if !all_equal {
        println!("the objectives differ: one of the solvers is wrong");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
