//! The exact assignment engine: agents and targets with minimum and maximum loads, scored candidate
//! pairs, forced pairs, an optional exact total and group quotas, solved as a minimum-cost flow
//! with lower bounds. Pure: no I/O.
//!
//! # The model
//!
//! A solution picks a set of candidate pairs (each at most once) such that every agent and every
//! target has a load (number of picked pairs it is in) within its `[min, max]`, every forced pair
//! is picked, the number of picked pairs equals `total` when one is given, and for every quota at
//! least `min_pairs` picked pairs have an agent that is a member of the quota's group. Among the
//! solutions it maximises the sum of the picked pairs' scores. Forbidden pairs are simply not
//! candidates (the caller leaves them out, as OpenReview's matcher leaves conflicts without an
//! arc).
//!
//! # The network
//!
//! Nodes: a source `S`, a sink `T`, one node per quota group, one per agent, one per target.
//! Arcs, with `[lower, upper]` bounds and a cost:
//!
//! - `parent(a) → a`, `[min_a, min(max_a, degree_a)]`, cost 0, where `parent(a)` is the innermost
//!   quota group containing `a`, or `S`;
//! - `parent(G) → G`, `[min_pairs_G, ∞]`, cost 0 for each quota group `G`;
//! - `a → t` for each candidate pair, `[1 if forced else 0, 1]`, cost `−score`;
//! - `t → T`, `[min_t, min(max_t, degree_t)]`, cost 0;
//! - `T → S`, `[total, total]`, or `[0, ∞]` when no total is given.
//!
//! This is OpenReview's MinMax network (source → agent with the maximum load, agent → target with
//! capacity 1, target → sink with the demand, no arc for a conflict) with the minimum loads as lower
//! bounds in one exact problem instead of its two passes, and a circulation arc that carries the
//! total. Integral circulations are exactly the solutions, with cost = −(sum of scores), so a
//! minimum-cost integral circulation is an optimal assignment (flow polytopes are integral).
//!
//! **Quotas.** The flow into a group node `G` is the number of picked pairs whose agent's
//! innermost group is `G` or a group inside `G`. When the quota groups form a *laminar* family (any
//! two are disjoint or one contains the other, which covers one quota, disjoint groups and nested
//! ones), the groups form a tree and the flow into `G` is exactly the number of picked pairs with
//! an agent in `G`, so the quota is the lower bound of `parent(G) → G`: the construction is exact.
//! Quotas over *crossing* groups (an agent in A and B, another only in A, another only in B) are not
//! a flow problem: with agents of capacity 1, quotas of 1 per group and a total of k, deciding
//! feasibility is set cover, which is NP-hard. The engine refuses them with [`Error::NotAFlow`]
//! rather than answer inexactly.
//!
//! # The algorithm
//!
//! Lower bounds are removed by the standard transformation (the lower bound is sent up front, the
//! capacity becomes `upper − lower`, and the head and tail get a supply and a demand). Simple
//! necessary conditions are checked first so that the usual infeasibilities are reported in plain
//! words. Then a maximum flow from a super-source to a super-sink finds a flow that meets every
//! lower bound; if there is none, the minimum cut gives a set `X` of nodes whose entering lower
//! bounds exceed the capacity of the arcs leaving it (Hoffman's condition), reported by name. From
//! the feasible flow, cost scaling push-relabel (Goldberg–Tarjan, as in OR-Tools and CS2) finds the
//! minimum-cost circulation; see [`flow`].

mod flow;
#[cfg(feature = "json")]
pub mod json;

use std::fmt;

use flow::{ArcSpec, Cost, Network, NetworkBuilder};

/// An agent or a target: its name (for messages) and its load bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub min: u32,
    pub max: u32,
}

/// A candidate pair: indices into [`Problem::agents`] and [`Problem::targets`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub agent: u32,
    pub target: u32,
    pub score: i64,
    pub forced: bool,
}

/// "At least `min_pairs` picked pairs have an agent among `members`."
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quota {
    pub group: String,
    pub members: Vec<u32>,
    pub min_pairs: u64,
}

/// An assignment problem; see the crate documentation for its meaning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    pub agents: Vec<Party>,
    pub targets: Vec<Party>,
    pub edges: Vec<Edge>,
    pub total: Option<u64>,
    pub quotas: Vec<Quota>,
}

/// An optimal assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The sum of the picked pairs' scores.
    pub objective: i64,
    /// The picked pairs, as indices into [`Problem::edges`], ascending.
    pub pairs: Vec<usize>,
}

/// Why no assignment came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The problem is malformed; `place` names the offending item (`edges[3].agent`).
    Invalid { place: String, message: String },
    /// No assignment satisfies every constraint; `reason` names the constraints that clash.
    Infeasible { reason: String },
    /// The problem is not a flow problem, so no exact answer is given.
    NotAFlow { reason: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { place, message } => write!(f, "{place}: {message}"),
            Error::Infeasible { reason } => write!(f, "no assignment exists: {reason}"),
            Error::NotAFlow { reason } => write!(f, "not solvable exactly as a flow: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

fn invalid(place: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Invalid {
        place: place.into(),
        message: message.into(),
    }
}

fn infeasible(reason: impl Into<String>) -> Error {
    Error::Infeasible {
        reason: reason.into(),
    }
}

/// Solves `problem` exactly.
pub fn solve(problem: &Problem) -> Result<Assignment, Error> {
    let plan = Plan::new(problem)?;
    plan.check_bounds()?;
    plan.solve()
}

/// What an arc of the network stands for, to name it in an explanation.
#[derive(Clone, Copy, Debug)]
enum ArcKind {
    Agent(u32),
    Group(u32),
    Pair(u32),
    Target(u32),
    Total,
}

/// One arc with its bounds before the lower-bound transformation.
#[derive(Clone, Copy, Debug)]
struct BoundedArc {
    tail: u32,
    head: u32,
    lower: i64,
    upper: i64,
    cost: i64,
    kind: ArcKind,
}

const SOURCE: u32 = 0;
const SINK: u32 = 1;
const SUPER_SOURCE: u32 = 2;
const SUPER_SINK: u32 = 3;
const FIRST_GROUP: u32 = 4;

/// The validated problem with everything the network needs.
struct Plan<'p> {
    problem: &'p Problem,
    agent_degree: Vec<u32>,
    agent_forced: Vec<u32>,
    target_degree: Vec<u32>,
    target_forced: Vec<u32>,
    /// Quota groups that constrain anything (min_pairs > 0), as indices into `problem.quotas`,
    /// in tree order (a group comes after every group containing it).
    groups: Vec<usize>,
    /// The node above each group of `groups`.
    group_parent: Vec<u32>,
    /// The node above each agent.
    agent_parent: Vec<u32>,
    cost_scale: i64,
    /// The largest |score| of a candidate pair.
    max_score: i64,
}

impl<'p> Plan<'p> {
    fn new(problem: &'p Problem) -> Result<Self, Error> {
        let agents = problem.agents.len();
        let targets = problem.targets.len();
        let limit = (i32::MAX / 4) as usize;
        if agents > limit || targets > limit || problem.edges.len() > limit {
            return Err(invalid(
                "problem",
                "too large (more than 2^29 agents, targets or pairs)",
            ));
        }
        for (kind, parties) in [("agents", &problem.agents), ("targets", &problem.targets)] {
            for (i, party) in parties.iter().enumerate() {
                if party.min > party.max {
                    return Err(invalid(
                        format!("{kind}[{i}]"),
                        format!(
                            "\"{}\" has min {} greater than max {}",
                            party.id, party.min, party.max
                        ),
                    ));
                }
            }
        }
        let mut agent_degree = vec![0u32; agents];
        let mut agent_forced = vec![0u32; agents];
        let mut target_degree = vec![0u32; targets];
        let mut target_forced = vec![0u32; targets];
        let mut max_score = 0i64;
        let mut max_score_at = 0;
        for (i, edge) in problem.edges.iter().enumerate() {
            if edge.agent as usize >= agents {
                return Err(invalid(
                    format!("edges[{i}].agent"),
                    format!("no agent number {}", edge.agent),
                ));
            }
            if edge.target as usize >= targets {
                return Err(invalid(
                    format!("edges[{i}].target"),
                    format!("no target number {}", edge.target),
                ));
            }
            agent_degree[edge.agent as usize] += 1;
            target_degree[edge.target as usize] += 1;
            if edge.forced {
                agent_forced[edge.agent as usize] += 1;
                target_forced[edge.target as usize] += 1;
            }
            let magnitude = edge.score.checked_abs().unwrap_or(i64::MAX);
            if magnitude > max_score {
                max_score = magnitude;
                max_score_at = i;
            }
        }
        find_duplicate_pairs(problem, &agent_degree)?;

        // Costs are scaled by n + 1 and prices move by O(n · scaled cost) over the run: keep
        // max|score| · (n + 1)² well inside i64.
        let nodes = FIRST_GROUP as usize + problem.quotas.len() + agents + targets;
        let scale = nodes as i128 + 1;
        if i128::from(max_score) * scale * scale > 1i128 << 60 {
            return Err(invalid(
                format!("edges[{max_score_at}].score"),
                format!(
                    "score {} is too large in magnitude for an instance of {nodes} nodes \
                     (|score| · (nodes + 1)² must stay below 2^60)",
                    problem.edges[max_score_at].score
                ),
            ));
        }

        let mut plan = Plan {
            problem,
            agent_degree,
            agent_forced,
            target_degree,
            target_forced,
            groups: Vec::new(),
            group_parent: Vec::new(),
            agent_parent: vec![SOURCE; agents],
            cost_scale: scale as i64,
            max_score,
        };
        plan.build_group_tree()?;
        Ok(plan)
    }

    /// Checks the quotas and arranges their groups in a tree (see the crate documentation).
    fn build_group_tree(&mut self) -> Result<(), Error> {
        let problem = self.problem;
        let agents = problem.agents.len();
        if !problem.quotas.is_empty() && problem.total.is_none() {
            return Err(invalid(
                "quotas",
                "quotas count a share of the assigned pairs and need a `total`",
            ));
        }
        let mut members: Vec<Vec<u32>> = Vec::with_capacity(problem.quotas.len());
        for (q, quota) in problem.quotas.iter().enumerate() {
            if let Some(p) = problem.quotas[..q]
                .iter()
                .position(|other| other.group == quota.group)
            {
                return Err(invalid(
                    format!("quotas[{q}]"),
                    format!(
                        "a second quota for group \"{}\" (the first is quotas[{p}])",
                        quota.group
                    ),
                ));
            }
            let mut list = quota.members.clone();
            for (k, &m) in list.iter().enumerate() {
                if m as usize >= agents {
                    return Err(invalid(
                        format!("quotas[{q}].members[{k}]"),
                        format!("no agent number {m}"),
                    ));
                }
            }
            list.sort_unstable();
            list.dedup();
            members.push(list);
        }
        let active: Vec<usize> = (0..problem.quotas.len())
            .filter(|&q| problem.quotas[q].min_pairs > 0)
            .collect();
        // Laminarity: two groups that share an agent must be nested.
        let mut mark = vec![0u32; agents];
        for (i, &a) in active.iter().enumerate() {
            for &m in &members[a] {
                mark[m as usize] = i as u32 + 1;
            }
            for &b in &active[i + 1..] {
                let shared = members[b]
                    .iter()
                    .filter(|&&m| mark[m as usize] == i as u32 + 1)
                    .count();
                if shared == 0 || shared == members[a].len() || shared == members[b].len() {
                    continue;
                }
                let both = members[b]
                    .iter()
                    .find(|&&m| mark[m as usize] == i as u32 + 1)
                    .copied();
                let only_b = members[b]
                    .iter()
                    .find(|&&m| mark[m as usize] != i as u32 + 1)
                    .copied();
                let only_a = members[a]
                    .iter()
                    .find(|&&m| members[b].binary_search(&m).is_err())
                    .copied();
                let name = |agent: Option<u32>| {
                    agent.map_or(String::new(), |x| problem.agents[x as usize].id.clone())
                };
                let (ga, gb) = (&problem.quotas[a].group, &problem.quotas[b].group);
                return Err(Error::NotAFlow {
                    reason: format!(
                        "quota groups \"{ga}\" and \"{gb}\" cross (agent \"{}\" is in both, \
                         \"{}\" only in \"{ga}\", \"{}\" only in \"{gb}\"); quotas over crossing \
                         groups make an integer program that is not a flow (set cover in general). \
                         Quota groups must be disjoint or nested.",
                        name(both),
                        name(only_a),
                        name(only_b)
                    ),
                });
            }
        }
        // Tree order: larger groups first; each group hangs below the innermost group that
        // already owns its members.
        let mut order = active;
        order.sort_by_key(|&q| (std::cmp::Reverse(members[q].len()), q));
        let mut owner = vec![SOURCE; agents];
        for (i, &q) in order.iter().enumerate() {
            let node = FIRST_GROUP + i as u32;
            let parent = members[q].first().map_or(SOURCE, |&m| owner[m as usize]);
            for &m in &members[q] {
                owner[m as usize] = node;
            }
            self.group_parent.push(parent);
        }
        self.groups = order;
        self.agent_parent = owner;
        Ok(())
    }

    fn agent_node(&self, agent: u32) -> u32 {
        FIRST_GROUP + self.groups.len() as u32 + agent
    }

    fn target_node(&self, target: u32) -> u32 {
        self.agent_node(self.problem.agents.len() as u32) + target
    }

    fn nodes(&self) -> usize {
        self.target_node(self.problem.targets.len() as u32) as usize
    }

    fn agent_upper(&self, a: usize) -> i64 {
        i64::from(self.problem.agents[a].max.min(self.agent_degree[a]))
    }

    fn target_upper(&self, t: usize) -> i64 {
        i64::from(self.problem.targets[t].max.min(self.target_degree[t]))
    }

    /// The most pairs the agents of quota `q` can take.
    fn group_capacity(&self, q: usize) -> i64 {
        let mut seen = vec![false; self.problem.agents.len()];
        let mut sum = 0;
        for &m in &self.problem.quotas[q].members {
            if !std::mem::replace(&mut seen[m as usize], true) {
                sum += self.agent_upper(m as usize);
            }
        }
        sum
    }

    /// Necessary conditions that name the usual reasons for infeasibility in plain words.
    fn check_bounds(&self) -> Result<(), Error> {
        let problem = self.problem;
        for (kind, parties, degree, forced, what) in [
            (
                "agent",
                &problem.agents,
                &self.agent_degree,
                &self.agent_forced,
                "candidate target(s)",
            ),
            (
                "target",
                &problem.targets,
                &self.target_degree,
                &self.target_forced,
                "candidate agent(s) can reach it",
            ),
        ] {
            for (i, party) in parties.iter().enumerate() {
                if forced[i] > party.max {
                    return Err(infeasible(format!(
                        "{kind} \"{}\" is in {} forced pairs but takes at most {}",
                        party.id, forced[i], party.max
                    )));
                }
                if party.min > degree[i] {
                    return Err(infeasible(format!(
                        "{kind} \"{}\" needs at least {} pairs but only {} {what}",
                        party.id, party.min, degree[i]
                    )));
                }
            }
        }
        let agent_lower: i64 = (0..problem.agents.len())
            .map(|a| i64::from(problem.agents[a].min.max(self.agent_forced[a])))
            .sum();
        let target_lower: i64 = (0..problem.targets.len())
            .map(|t| i64::from(problem.targets[t].min.max(self.target_forced[t])))
            .sum();
        let agent_upper: i64 = (0..problem.agents.len()).map(|a| self.agent_upper(a)).sum();
        let target_upper: i64 = (0..problem.targets.len())
            .map(|t| self.target_upper(t))
            .sum();
        if let Some(total) = problem.total {
            let total = total as i128;
            for (side, lower, upper) in [
                ("agents", agent_lower, agent_upper),
                ("targets", target_lower, target_upper),
            ] {
                if i128::from(lower) > total {
                    return Err(infeasible(format!(
                        "the {side}' minimum loads (forced pairs included) add up to {lower}, \
                         more than the total {total}"
                    )));
                }
                if i128::from(upper) < total {
                    return Err(infeasible(format!(
                        "the total {total} exceeds the maximum possible {upper} (what the {side} \
                         can take, given their maximum loads and candidate pairs)"
                    )));
                }
            }
            for &q in &self.groups {
                let quota = &problem.quotas[q];
                if i128::from(quota.min_pairs) > total {
                    return Err(infeasible(format!(
                        "quota \"{}\" needs {} pairs, more than the total {total}",
                        quota.group, quota.min_pairs
                    )));
                }
                let capacity = self.group_capacity(q);
                if i128::from(quota.min_pairs) > i128::from(capacity) {
                    return Err(infeasible(format!(
                        "quota \"{}\" needs {} pairs, at most {capacity} possible (what the \
                         group's agents can take)",
                        quota.group, quota.min_pairs
                    )));
                }
            }
        }
        Ok(())
    }

    /// Every arc of the network, in a fixed order. Each node's residual arcs are kept in this
    /// order, so the arcs that usually carry flow onward come first: a target's arc to the sink
    /// before the (mostly empty) reverse arcs of its candidate pairs.
    fn for_each_arc(&self, mut f: impl FnMut(BoundedArc)) {
        let problem = self.problem;
        let agent_upper_sum: i64 = (0..problem.agents.len()).map(|a| self.agent_upper(a)).sum();
        let target_upper_sum: i64 = (0..problem.targets.len())
            .map(|t| self.target_upper(t))
            .sum();
        let (total_lower, total_upper) = match problem.total {
            Some(total) => {
                let t = i64::try_from(total).unwrap_or(i64::MAX);
                (t, t)
            }
            None => (0, target_upper_sum),
        };
        f(BoundedArc {
            tail: SINK,
            head: SOURCE,
            lower: total_lower,
            upper: total_upper,
            cost: 0,
            kind: ArcKind::Total,
        });
        for (i, &q) in self.groups.iter().enumerate() {
            f(BoundedArc {
                tail: self.group_parent[i],
                head: FIRST_GROUP + i as u32,
                lower: self.problem.quotas[q].min_pairs.min(i64::MAX as u64) as i64,
                upper: agent_upper_sum,
                cost: 0,
                kind: ArcKind::Group(q as u32),
            });
        }
        for (a, agent) in problem.agents.iter().enumerate() {
            f(BoundedArc {
                tail: self.agent_parent[a],
                head: self.agent_node(a as u32),
                lower: i64::from(agent.min),
                upper: self.agent_upper(a),
                cost: 0,
                kind: ArcKind::Agent(a as u32),
            });
        }
        for (t, target) in problem.targets.iter().enumerate() {
            f(BoundedArc {
                tail: self.target_node(t as u32),
                head: SINK,
                lower: i64::from(target.min),
                upper: self.target_upper(t),
                cost: 0,
                kind: ArcKind::Target(t as u32),
            });
        }
        for (e, edge) in problem.edges.iter().enumerate() {
            f(BoundedArc {
                tail: self.agent_node(edge.agent),
                head: self.target_node(edge.target),
                lower: i64::from(edge.forced),
                upper: 1,
                cost: -edge.score * self.cost_scale,
                kind: ArcKind::Pair(e as u32),
            });
        }
    }

    fn solve(&self) -> Result<Assignment, Error> {
        let nodes = self.nodes();
        // Supplies from the lower bounds; an arc whose lower bound exceeds its upper one makes the
        // problem infeasible outright (the bound checks have named those already).
        let mut supply = vec![0i64; nodes];
        let mut clash = None;
        self.for_each_arc(|arc| {
            supply[arc.head as usize] += arc.lower;
            supply[arc.tail as usize] -= arc.lower;
            if arc.lower > arc.upper && clash.is_none() {
                clash = Some(arc);
            }
        });
        if let Some(arc) = clash {
            return Err(infeasible(format!(
                "{} needs at least {} but can take at most {}",
                self.describe(arc.kind),
                arc.lower,
                arc.upper
            )));
        }
        // Scaled costs are at most max|score| · (n + 1): stored as i32 when that fits.
        if self.max_score.saturating_mul(self.cost_scale) <= i64::from(i32::MAX) {
            self.solve_with::<i32>(&supply)
        } else {
            self.solve_with::<i64>(&supply)
        }
    }

    /// Builds the network with costs stored as `C`, finds a flow meeting the lower bounds, then a
    /// minimum-cost one, and reads the pairs off it.
    fn solve_with<C: Cost>(&self, supply: &[i64]) -> Result<Assignment, Error> {
        let nodes = self.nodes();
        let mut builder = NetworkBuilder::new(nodes);
        self.for_each_arc(|arc| builder.count(arc.tail, arc.head));
        for (v, &b) in supply.iter().enumerate() {
            if b > 0 {
                builder.count(SUPER_SOURCE, v as u32);
            } else if b < 0 {
                builder.count(v as u32, SUPER_SINK);
            }
        }
        let mut filler = builder.into_filler::<C>();
        let mut pair_arc = vec![0u32; self.problem.edges.len()];
        let mut capacity_overflow = None;
        self.for_each_arc(|arc| {
            let capacity = arc.upper - arc.lower;
            let capacity = i32::try_from(capacity).unwrap_or_else(|_| {
                capacity_overflow.get_or_insert(arc.kind);
                i32::MAX
            });
            let position = filler.add(ArcSpec {
                tail: arc.tail,
                head: arc.head,
                capacity,
                cost: arc.cost,
            });
            if let ArcKind::Pair(e) = arc.kind {
                pair_arc[e as usize] = position;
            }
        });
        let mut supply_arcs = Vec::new();
        let mut required = 0i64;
        for (v, &b) in supply.iter().enumerate() {
            let (tail, head) = if b > 0 {
                required += b;
                (SUPER_SOURCE, v as u32)
            } else if b < 0 {
                (v as u32, SUPER_SINK)
            } else {
                continue;
            };
            let capacity = i32::try_from(b.abs()).unwrap_or_else(|_| {
                capacity_overflow.get_or_insert(ArcKind::Total);
                i32::MAX
            });
            supply_arcs.push(filler.add(ArcSpec {
                tail,
                head,
                capacity,
                cost: 0,
            }));
        }
        if let Some(kind) = capacity_overflow {
            return Err(invalid(
                "problem",
                format!("{} has a bound above 2^31", self.describe(kind)),
            ));
        }
        let mut network = filler.finish();
        if required > 0 {
            let flow = network.max_flow(SUPER_SOURCE, SUPER_SINK);
            if flow < required {
                return Err(self.explain_cut(&network));
            }
            for arc in supply_arcs {
                network.freeze(arc);
            }
        }
        network.min_cost();
        let mut pairs = Vec::new();
        let mut objective = 0i64;
        for (e, edge) in self.problem.edges.iter().enumerate() {
            let flow = network.flow(pair_arc[e]) + i32::from(edge.forced);
            if flow == 1 {
                pairs.push(e);
                objective += edge.score;
            }
        }
        Ok(Assignment { objective, pairs })
    }

    /// Names the constraints behind a failed feasibility phase: `X`, the nodes the super-source
    /// still reaches, needs more flow through its entering lower bounds than the arcs leaving it
    /// can carry (Hoffman's condition).
    fn explain_cut<C: Cost>(&self, network: &Network<C>) -> Error {
        let reach = network.reachable(SUPER_SOURCE);
        let mut needs = Vec::new();
        let mut exits = Vec::new();
        let (mut need_sum, mut exit_sum) = (0i64, 0i64);
        self.for_each_arc(|arc| {
            let (t, h) = (reach[arc.tail as usize], reach[arc.head as usize]);
            if !t && h && arc.lower > 0 {
                need_sum += arc.lower;
                needs.push(format!(
                    "{} (at least {})",
                    self.describe(arc.kind),
                    arc.lower
                ));
            } else if t && !h && arc.upper > 0 {
                exit_sum += arc.upper;
                exits.push(format!(
                    "{} (at most {})",
                    self.describe(arc.kind),
                    arc.upper
                ));
            }
        });
        let list = |items: &[String]| {
            if items.is_empty() {
                return "nothing".to_owned();
            }
            const SHOWN: usize = 6;
            let mut text = items[..items.len().min(SHOWN)].join(", ");
            if items.len() > SHOWN {
                text.push_str(&format!(" and {} more", items.len() - SHOWN));
            }
            text
        };
        infeasible(format!(
            "{} require at least {need_sum} pairs to pass, but the only way on is through {}, \
             which allow at most {exit_sum}",
            list(&needs),
            list(&exits)
        ))
    }

    fn describe(&self, kind: ArcKind) -> String {
        let problem = self.problem;
        match kind {
            ArcKind::Agent(a) => format!("agent \"{}\"", problem.agents[a as usize].id),
            ArcKind::Target(t) => format!("target \"{}\"", problem.targets[t as usize].id),
            ArcKind::Group(q) => format!("quota \"{}\"", problem.quotas[q as usize].group),
            ArcKind::Pair(e) => {
                let edge = &problem.edges[e as usize];
                format!(
                    "{}pair (\"{}\", \"{}\")",
                    if edge.forced { "forced " } else { "" },
                    problem.agents[edge.agent as usize].id,
                    problem.targets[edge.target as usize].id
                )
            }
            ArcKind::Total => match problem.total {
                Some(_) => "the total".to_owned(),
                None => "all pairs together".to_owned(),
            },
        }
    }
}

/// A pair may be a candidate only once: find the first repetition in O(pairs).
fn find_duplicate_pairs(problem: &Problem, agent_degree: &[u32]) -> Result<(), Error> {
    let agents = problem.agents.len();
    let mut start = Vec::with_capacity(agents + 1);
    let mut sum = 0u32;
    for &d in agent_degree {
        start.push(sum);
        sum += d;
    }
    start.push(sum);
    let mut next = start[..agents].to_vec();
    let mut by_agent = vec![0u32; problem.edges.len()];
    for (i, edge) in problem.edges.iter().enumerate() {
        let slot = &mut next[edge.agent as usize];
        by_agent[*slot as usize] = i as u32;
        *slot += 1;
    }
    // seen[t] = (agent + 1, edge) of the last pair that named target t.
    let mut seen = vec![(0u32, 0u32); problem.targets.len()];
    for a in 0..agents {
        for &e in &by_agent[start[a] as usize..start[a + 1] as usize] {
            let t = problem.edges[e as usize].target as usize;
            if seen[t].0 == a as u32 + 1 {
                let (first, second) = (seen[t].1.min(e), seen[t].1.max(e));
                return Err(invalid(
                    format!("edges[{second}]"),
                    format!(
                        "the pair (\"{}\", \"{}\") is already edges[{first}]",
                        problem.agents[a].id, problem.targets[t].id
                    ),
                ));
            }
            seen[t] = (a as u32 + 1, e);
        }
    }
    Ok(())
}
