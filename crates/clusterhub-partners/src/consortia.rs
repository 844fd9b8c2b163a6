//! Value-chain consortia (DESIGN C2): a value chain is an ordered list of stages, each described
//! by NACE codes, technology fields and keywords; organisations are mapped to the stages they fit
//! ([`stage_fit`]), and [`propose`] finds the best consortia that cover every stage under a
//! programme's composition rules ([`Rules`]: at least N organisations from at least M countries,
//! at least one in a less-developed or transition region, at least K SMEs), or says why none
//! exists ([`Gap`]).
//!
//! # The model
//!
//! A consortium gives each of its members exactly one stage (its role in the chain), and every
//! stage at least one member. Its size is the smallest every rule allows,
//! `max(stages, min_members, min_countries, min_smes, min_cohesion)`: one member per stage when
//! the rules ask for no more, so that consortia of one size compare by their total. Its score is
//! the sum of its members' fit points for the stages they hold. Two consortia with the same
//! members are one consortium (the better assignment of stages is kept).
//!
//! # The method, and why it is exact
//!
//! 1. **Pool.** For each stage, the candidates are split into classes by what the rules count
//!    (SME or not when SMEs are required, in a cohesion region or not when one is required); in
//!    each class, best fit first, a candidate is kept while its country has fewer than `size`
//!    kept candidates and at most `size` countries are kept (one country for all when countries
//!    are not counted). So a stage keeps at most 4 × size² candidates, whatever the directory.
//! 2. **Branch and bound** over the pool: one seat per stage (stages with the fewest
//!    candidates first), then the seats beyond one per stage, chosen from all (stage, member)
//!    pairs in one global order (best fit first) so that every consortium is enumerated once. A
//!    branch is cut when its score plus the best it could still add (the best fit of each stage
//!    still open, the best remaining pairs for the extra seats, members counted once ignored)
//!    cannot beat the `limit`-th consortium found so far, or when the seats left cannot reach a
//!    rule's minimum (countries, SMEs, cohesion regions).
//!
//! The best consortium over the pool is the best over all candidates. Take an optimal
//! consortium with a member `x` outside the pool, at stage `s`, in class `c`. `x` was dropped
//! either because `size` candidates of its country and class fit `s` at least as well (one of
//! them is not among the other `size − 1` members: swap it in; same country, so the same
//! countries) or because `size` other countries already had a kept candidate of class `c` that
//! fits `s` at least as well (the other members hold at most `size − 1` countries, so one of those
//! countries is new to them: swap its candidate in; the number of countries cannot fall). Each
//! swap keeps every rule (same class, no fewer countries), covers the same stages and scores no
//! less; repeat until every member is in the pool. The branch and bound is exhaustive over the
//! pool except for branches its bound proves cannot enter the result, so the first consortium
//! is optimal. The further ones are the best over the pool (usually the best over all).
//!
//! The search visits at most [`Problem::node_budget`] nodes; [`Outcome::complete`] says whether
//! it finished (then the first consortium is proven optimal). The unit tests compare it with a
//! brute-force enumeration on thousands of small random instances.

use std::collections::{BTreeSet, HashMap};

use clusterhub_reference::NaceTable;

use crate::profile::Statement;

/// The most stages a chain may have.
pub const MAX_STAGES: usize = 8;
/// The largest consortium the search builds.
pub const MAX_SIZE: usize = 12;
/// The most consortia one search proposes.
pub const MAX_LIMIT: usize = 20;
/// Nodes a search may visit by default.
pub const DEFAULT_NODE_BUDGET: u64 = 2_000_000;

/// Points for an organisation whose NACE code lies within one of the stage's codes (or is it).
pub const NACE_WITHIN_POINTS: i64 = 100;
/// Points for an organisation with a broader NACE code that contains one of the stage's codes
/// (it declares the division, the stage asks for a class in it).
pub const NACE_BROADER_POINTS: i64 = 50;
/// Points per technology field the organisation shares with the stage.
pub const TECHNOLOGY_POINTS: i64 = 40;
/// At most this many shared technologies count.
pub const MAX_TECHNOLOGIES_COUNTED: usize = 2;
/// Points per keyword of the stage found in the organisation's offers.
pub const KEYWORD_POINTS: i64 = 30;
/// At most this many keywords count.
pub const MAX_KEYWORDS_COUNTED: usize = 3;

/// One stage of a value chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stage {
    /// Its name as the user wrote it ("Battery cells").
    pub name: String,
    /// NACE Rev. 2 codes of any level (`C`, `27`, `27.2`, `27.20`).
    pub nace: Vec<String>,
    /// Technology field ids.
    pub technologies: Vec<String>,
    /// Keywords to find in offers, analysed like the profiles' texts.
    pub keywords: Statement,
}

/// What the stage mapping knows about an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageProfile {
    /// NACE Rev. 2 codes.
    pub nace: Vec<String>,
    /// Technology field ids.
    pub technologies: Vec<String>,
    /// What it can provide.
    pub offers: Vec<Statement>,
}

/// Why an organisation fits a stage, and its points (the sum of the three parts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageFit {
    pub points: i64,
    /// The best NACE match: (the organisation's code, the stage's code, whether the
    /// organisation's code lies within the stage's).
    pub nace: Option<(String, String, bool)>,
    /// Shared technology ids (at most [`MAX_TECHNOLOGIES_COUNTED`] counted).
    pub technologies: Vec<String>,
    /// The stage's keywords found in an offer, as the stage wrote them.
    pub keywords: Vec<String>,
    /// The offer they were found in.
    pub offer: Option<String>,
}

/// How well an organisation fits a stage: [`NACE_WITHIN_POINTS`] when one of its NACE codes lies
/// within one of the stage's (else [`NACE_BROADER_POINTS`] when one contains one of the
/// stage's), [`TECHNOLOGY_POINTS`] per shared technology (at most
/// [`MAX_TECHNOLOGIES_COUNTED`]), [`KEYWORD_POINTS`] per stage keyword in its best offer (at
/// most [`MAX_KEYWORDS_COUNTED`]). `None` when it fits in none of these ways.
pub fn stage_fit(stage: &Stage, organisation: &StageProfile, nace: &NaceTable) -> Option<StageFit> {
    let mut fit = StageFit::default();
    for wanted in &stage.nace {
        for held in &organisation.nace {
            if nace.is_within(held, wanted) {
                fit.nace = Some((held.clone(), wanted.clone(), true));
                break;
            }
            if fit.nace.is_none() && nace.is_within(wanted, held) {
                fit.nace = Some((held.clone(), wanted.clone(), false));
            }
        }
        if fit.nace.as_ref().is_some_and(|(_, _, within)| *within) {
            break;
        }
    }
    fit.points += match &fit.nace {
        Some((_, _, true)) => NACE_WITHIN_POINTS,
        Some((_, _, false)) => NACE_BROADER_POINTS,
        None => 0,
    };
    fit.technologies = stage
        .technologies
        .iter()
        .filter(|technology| organisation.technologies.contains(technology))
        .take(MAX_TECHNOLOGIES_COUNTED)
        .cloned()
        .collect();
    fit.points += TECHNOLOGY_POINTS * fit.technologies.len() as i64;
    let mut best: Option<(&Statement, Vec<String>)> = None;
    for offer in &organisation.offers {
        let found: Vec<String> = stage
            .keywords
            .terms
            .iter()
            .zip(&stage.keywords.words)
            .filter(|(term, _)| offer.terms.contains(term))
            .map(|(_, word)| word.clone())
            .take(MAX_KEYWORDS_COUNTED)
            .collect();
        if !found.is_empty()
            && best
                .as_ref()
                .is_none_or(|(_, words)| found.len() > words.len())
        {
            best = Some((offer, found));
        }
    }
    if let Some((offer, words)) = best {
        fit.points += KEYWORD_POINTS * words.len() as i64;
        fit.keywords = words;
        fit.offer = Some(offer.text.clone());
    }
    (fit.points > 0).then_some(fit)
}

/// The composition rules of a programme. Zero means "no such rule".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// At least this many organisations.
    pub min_members: usize,
    /// From at least this many countries.
    pub min_countries: usize,
    /// At least this many in a less-developed or transition region.
    pub min_cohesion: usize,
    /// At least this many SMEs.
    pub min_smes: usize,
}

/// One of the rules, to name it in a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    MinMembers,
    MinCountries,
    MinCohesion,
    MinSmes,
}

impl Rule {
    /// Every rule, in a fixed order.
    pub const ALL: [Rule; 4] = [
        Rule::MinMembers,
        Rule::MinCountries,
        Rule::MinCohesion,
        Rule::MinSmes,
    ];

    /// The field name in the API: `min_members`, `min_countries`, `min_cohesion_regions`,
    /// `min_smes`.
    pub fn slug(self) -> &'static str {
        match self {
            Rule::MinMembers => "min_members",
            Rule::MinCountries => "min_countries",
            Rule::MinCohesion => "min_cohesion_regions",
            Rule::MinSmes => "min_smes",
        }
    }

    fn of(self, rules: &Rules) -> usize {
        match self {
            Rule::MinMembers => rules.min_members,
            Rule::MinCountries => rules.min_countries,
            Rule::MinCohesion => rules.min_cohesion,
            Rule::MinSmes => rules.min_smes,
        }
    }

    fn without(self, rules: &Rules) -> Rules {
        let mut relaxed = *rules;
        match self {
            Rule::MinMembers => relaxed.min_members = 0,
            Rule::MinCountries => relaxed.min_countries = 0,
            Rule::MinCohesion => relaxed.min_cohesion = 0,
            Rule::MinSmes => relaxed.min_smes = 0,
        }
        relaxed
    }
}

/// An organisation that fits at least one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contender {
    pub id: i64,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Whether its NUTS-2 region is less developed or in transition (cohesion policy 2021–2027).
    pub cohesion: bool,
    /// Whether it is a micro, small or medium-sized enterprise.
    pub sme: bool,
    /// (stage index, fit points ≥ 1) for each stage it fits.
    pub fits: Vec<(usize, i64)>,
}

/// What to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// How many stages the chain has (1 to [`MAX_STAGES`]).
    pub stages: usize,
    pub contenders: Vec<Contender>,
    pub rules: Rules,
    /// How many consortia to propose (1 to [`MAX_LIMIT`]).
    pub limit: usize,
    /// The most search nodes to visit.
    pub node_budget: u64,
}

/// A member of a consortium: which contender, and the stage it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seat {
    /// The index in [`Problem::contenders`].
    pub contender: usize,
    pub stage: usize,
    pub points: i64,
}

/// A proposed consortium: its seats in stage order, and its score (the sum of their points).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consortium {
    pub score: i64,
    pub seats: Vec<Seat>,
}

/// Why no consortium (or no complete answer) could be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// No organisation fits this stage.
    StageWithoutCandidates { stage: usize },
    /// Fewer candidate organisations than the consortium's size.
    TooFewOrganisations { available: usize, needed: usize },
    /// A rule asks for more than all candidates together have (countries, SMEs, organisations
    /// in cohesion regions).
    RuleUnreachable {
        rule: Rule,
        available: usize,
        needed: usize,
    },
    /// Each rule can be met on its own but not all together; dropping any one of `rules` would
    /// give a consortium (every rule listed when no single one does).
    RulesTogether { rules: Vec<Rule> },
    /// The search stopped at its node budget before finding any consortium.
    SearchBudget,
}

/// The answer of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The consortium size the rules imply.
    pub size: usize,
    /// The best consortia, best first (ties in search order).
    pub consortia: Vec<Consortium>,
    /// Whether the search finished within its budget (the first consortium is then optimal).
    pub complete: bool,
    /// Why there is no consortium; empty when there is one.
    pub gaps: Vec<Gap>,
}

/// A problem the search refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsortiumError {
    #[error("a value chain has 1 to {MAX_STAGES} stages")]
    Stages,
    #[error("the rules ask for a consortium of {0} organisations; at most {MAX_SIZE} are searched")]
    Size(usize),
    #[error("a search proposes 1 to {MAX_LIMIT} consortia")]
    Limit,
    #[error("contender {0} fits a stage that the chain does not have or with no points")]
    Fit(i64),
}

/// The consortium size the rules imply for a chain of `stages`.
pub fn consortium_size(stages: usize, rules: &Rules) -> usize {
    stages
        .max(rules.min_members)
        .max(rules.min_countries)
        .max(rules.min_smes)
        .max(rules.min_cohesion)
}

/// The best consortia for a problem, or the gaps that prevent any.
pub fn propose(problem: &Problem) -> Result<Outcome, ConsortiumError> {
    if problem.stages == 0 || problem.stages > MAX_STAGES {
        return Err(ConsortiumError::Stages);
    }
    if problem.limit == 0 || problem.limit > MAX_LIMIT {
        return Err(ConsortiumError::Limit);
    }
    let size = consortium_size(problem.stages, &problem.rules);
    if size > MAX_SIZE {
        return Err(ConsortiumError::Size(size));
    }
    for contender in &problem.contenders {
        if contender
            .fits
            .iter()
            .any(|&(stage, points)| stage >= problem.stages || points <= 0)
        {
            return Err(ConsortiumError::Fit(contender.id));
        }
    }
    let (consortia, complete) = search(problem, &problem.rules, problem.limit, true);
    let gaps = if consortia.is_empty() {
        diagnose(problem, size, complete)
    } else {
        Vec::new()
    };
    Ok(Outcome {
        size,
        consortia,
        complete,
        gaps,
    })
}

/// Why a problem without consortia has none.
fn diagnose(problem: &Problem, size: usize, complete: bool) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for stage in 0..problem.stages {
        if !problem
            .contenders
            .iter()
            .any(|contender| contender.fits.iter().any(|&(fitted, _)| fitted == stage))
        {
            gaps.push(Gap::StageWithoutCandidates { stage });
        }
    }
    let fitting: Vec<&Contender> = problem
        .contenders
        .iter()
        .filter(|contender| !contender.fits.is_empty())
        .collect();
    let mut ids: Vec<i64> = fitting.iter().map(|contender| contender.id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() < size {
        gaps.push(Gap::TooFewOrganisations {
            available: ids.len(),
            needed: size,
        });
    }
    let countries: BTreeSet<&str> = fitting
        .iter()
        .map(|contender| contender.country.as_str())
        .collect();
    let counted = [
        (Rule::MinCountries, countries.len()),
        (
            Rule::MinSmes,
            fitting.iter().filter(|contender| contender.sme).count(),
        ),
        (
            Rule::MinCohesion,
            fitting
                .iter()
                .filter(|contender| contender.cohesion)
                .count(),
        ),
    ];
    for (rule, available) in counted {
        let needed = rule.of(&problem.rules);
        if available < needed {
            gaps.push(Gap::RuleUnreachable {
                rule,
                available,
                needed,
            });
        }
    }
    if !gaps.is_empty() {
        return gaps;
    }
    if !complete {
        return vec![Gap::SearchBudget];
    }
    let mut culprits: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|rule| rule.of(&problem.rules) > 0)
        .filter(|rule| {
            let relaxed = rule.without(&problem.rules);
            let (found, _) = search(problem, &relaxed, 1, true);
            !found.is_empty()
        })
        .collect();
    if culprits.is_empty() {
        culprits = Rule::ALL
            .into_iter()
            .filter(|rule| rule.of(&problem.rules) > 0)
            .collect();
    }
    vec![Gap::RulesTogether { rules: culprits }]
}

/// One (stage, contender) pair of the pool.
#[derive(Debug, Clone, Copy)]
struct Pair {
    stage: usize,
    contender: usize,
    points: i64,
    /// The contender's rank in its stage's list.
    rank: usize,
}

/// For each stage, its candidates (contender index, points), best first, ties by id; pooled as
/// the module documentation says when `pool` is set.
fn stage_lists(
    problem: &Problem,
    rules: &Rules,
    size: usize,
    pool: bool,
) -> Vec<Vec<(usize, i64)>> {
    let mut lists: Vec<Vec<(usize, i64)>> = vec![Vec::new(); problem.stages];
    for (index, contender) in problem.contenders.iter().enumerate() {
        for &(stage, points) in &contender.fits {
            lists[stage].push((index, points));
        }
    }
    for list in &mut lists {
        list.sort_by(|left, right| {
            right.1.cmp(&left.1).then(
                problem.contenders[left.0]
                    .id
                    .cmp(&problem.contenders[right.0].id),
            )
        });
        if !pool {
            continue;
        }
        let mut kept_per_country: HashMap<(bool, bool, &str), usize> = HashMap::new();
        let mut countries_per_class: HashMap<(bool, bool), usize> = HashMap::new();
        list.retain(|&(index, _)| {
            let contender = &problem.contenders[index];
            let class = (
                rules.min_smes > 0 && contender.sme,
                rules.min_cohesion > 0 && contender.cohesion,
            );
            let country = if rules.min_countries > 1 {
                contender.country.as_str()
            } else {
                ""
            };
            let kept = kept_per_country
                .get(&(class.0, class.1, country))
                .copied()
                .unwrap_or(0);
            let countries = countries_per_class.get(&class).copied().unwrap_or(0);
            if kept >= size || (kept == 0 && countries >= size) {
                return false;
            }
            if kept == 0 {
                countries_per_class.insert(class, countries + 1);
            }
            kept_per_country.insert((class.0, class.1, country), kept + 1);
            true
        });
    }
    lists
}

/// The branch and bound: the best `limit` consortia (distinct member sets) under `rules`, and
/// whether the search finished within the budget.
fn search(problem: &Problem, rules: &Rules, limit: usize, pool: bool) -> (Vec<Consortium>, bool) {
    let size = consortium_size(problem.stages, rules);
    let lists = stage_lists(problem, rules, size, pool);
    if lists.iter().any(Vec::is_empty) {
        return (Vec::new(), true);
    }
    let mut order: Vec<usize> = (0..problem.stages).collect();
    order.sort_by_key(|&stage| (lists[stage].len(), stage));
    let mut pairs: Vec<Pair> = Vec::new();
    for (stage, list) in lists.iter().enumerate() {
        for (rank, &(contender, points)) in list.iter().enumerate() {
            pairs.push(Pair {
                stage,
                contender,
                points,
                rank,
            });
        }
    }
    pairs.sort_by(|left, right| {
        right
            .points
            .cmp(&left.points)
            .then(left.stage.cmp(&right.stage))
            .then(left.rank.cmp(&right.rank))
    });
    let extras = size - problem.stages;
    // The best any remaining stages can add, from depth d on.
    let mut stage_bound = vec![0_i64; problem.stages + 1];
    for depth in (0..problem.stages).rev() {
        stage_bound[depth] = stage_bound[depth + 1] + lists[order[depth]][0].1;
    }
    let extra_bound: i64 = pairs.iter().take(extras).map(|pair| pair.points).sum();
    let mut country_ids: HashMap<&str, usize> = HashMap::new();
    let countries: Vec<usize> = problem
        .contenders
        .iter()
        .map(|contender| {
            let next = country_ids.len();
            *country_ids
                .entry(contender.country.as_str())
                .or_insert(next)
        })
        .collect();
    let mut searcher = Searcher {
        problem,
        rules,
        limit,
        lists: &lists,
        order: &order,
        pairs: &pairs,
        extras,
        stage_bound: &stage_bound,
        extra_bound,
        countries: &countries,
        used: vec![false; problem.contenders.len()],
        country_count: vec![0; country_ids.len()],
        distinct_countries: 0,
        smes: 0,
        cohesion: 0,
        primary_rank: vec![0; problem.stages],
        seats: Vec::with_capacity(size),
        found: Vec::new(),
        nodes: 0,
        budget: problem.node_budget,
        stopped: false,
    };
    searcher.primary(0, 0);
    let complete = !searcher.stopped;
    let mut found = searcher.found;
    for consortium in &mut found {
        consortium
            .seats
            .sort_by_key(|seat| (seat.stage, seat.contender));
    }
    (found, complete)
}

struct Searcher<'a> {
    problem: &'a Problem,
    rules: &'a Rules,
    limit: usize,
    lists: &'a [Vec<(usize, i64)>],
    order: &'a [usize],
    pairs: &'a [Pair],
    extras: usize,
    stage_bound: &'a [i64],
    extra_bound: i64,
    countries: &'a [usize],
    used: Vec<bool>,
    country_count: Vec<usize>,
    distinct_countries: usize,
    smes: usize,
    cohesion: usize,
    primary_rank: Vec<usize>,
    seats: Vec<Seat>,
    /// Best first; at most `limit`, distinct member sets.
    found: Vec<Consortium>,
    nodes: u64,
    budget: u64,
    stopped: bool,
}

impl Searcher<'_> {
    /// Whether a branch whose best possible score is `bound` can still enter the result.
    fn promising(&self, bound: i64) -> bool {
        self.found.len() < self.limit || self.found.last().is_some_and(|worst| bound > worst.score)
    }

    /// Whether the rules can still be met with `seats_left` more members.
    fn reachable(&self, seats_left: usize) -> bool {
        self.distinct_countries + seats_left >= self.rules.min_countries
            && self.smes + seats_left >= self.rules.min_smes
            && self.cohesion + seats_left >= self.rules.min_cohesion
    }

    fn tick(&mut self) -> bool {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.stopped = true;
        }
        !self.stopped
    }

    fn take(&mut self, contender: usize, stage: usize, points: i64) {
        let facts = &self.problem.contenders[contender];
        self.used[contender] = true;
        let country = self.countries[contender];
        if self.country_count[country] == 0 {
            self.distinct_countries += 1;
        }
        self.country_count[country] += 1;
        self.smes += usize::from(facts.sme);
        self.cohesion += usize::from(facts.cohesion);
        self.seats.push(Seat {
            contender,
            stage,
            points,
        });
    }

    fn give_back(&mut self, contender: usize) {
        let facts = &self.problem.contenders[contender];
        self.used[contender] = false;
        let country = self.countries[contender];
        self.country_count[country] -= 1;
        if self.country_count[country] == 0 {
            self.distinct_countries -= 1;
        }
        self.smes -= usize::from(facts.sme);
        self.cohesion -= usize::from(facts.cohesion);
        self.seats.pop();
    }

    fn score(&self) -> i64 {
        self.seats.iter().map(|seat| seat.points).sum()
    }

    /// The seat of the stage at `depth` in the processing order.
    fn primary(&mut self, depth: usize, score: i64) {
        if depth == self.order.len() {
            self.extra(0, 0, score);
            return;
        }
        let stage = self.order[depth];
        let seats_left = self.order.len() - depth + self.extras;
        for rank in 0..self.lists[stage].len() {
            let (contender, points) = self.lists[stage][rank];
            if !self.tick() {
                return;
            }
            // The list is best first: once the bound fails, it fails for the rest.
            if !self.promising(score + points + self.stage_bound[depth + 1] + self.extra_bound) {
                return;
            }
            if self.used[contender] {
                continue;
            }
            self.take(contender, stage, points);
            if self.reachable(seats_left - 1) {
                self.primary_rank[stage] = rank;
                self.primary(depth + 1, score + points);
            }
            self.give_back(contender);
            if self.stopped {
                return;
            }
        }
    }

    /// The `taken`-th extra seat, from the global pairs at `from` on.
    fn extra(&mut self, taken: usize, from: usize, score: i64) {
        if taken == self.extras {
            self.record(score);
            return;
        }
        let seats_left = self.extras - taken;
        for index in from..self.pairs.len() {
            if !self.tick() {
                return;
            }
            let pair = self.pairs[index];
            let bound: i64 = score
                + self.pairs[index..]
                    .iter()
                    .take(seats_left)
                    .map(|pair| pair.points)
                    .sum::<i64>();
            if self.pairs.len() - index < seats_left || !self.promising(bound) {
                return;
            }
            if self.used[pair.contender] || pair.rank <= self.primary_rank[pair.stage] {
                continue;
            }
            self.take(pair.contender, pair.stage, pair.points);
            if self.reachable(seats_left - 1) {
                self.extra(taken + 1, index + 1, score + pair.points);
            }
            self.give_back(pair.contender);
            if self.stopped {
                return;
            }
        }
    }

    /// A complete consortium: kept if the rules hold and it is among the best.
    fn record(&mut self, score: i64) {
        debug_assert_eq!(score, self.score());
        if self.distinct_countries < self.rules.min_countries
            || self.smes < self.rules.min_smes
            || self.cohesion < self.rules.min_cohesion
        {
            return;
        }
        let mut members: Vec<usize> = self.seats.iter().map(|seat| seat.contender).collect();
        members.sort_unstable();
        if let Some(position) = self.found.iter().position(|known| {
            let mut known_members: Vec<usize> =
                known.seats.iter().map(|seat| seat.contender).collect();
            known_members.sort_unstable();
            known_members == members
        }) {
            if self.found[position].score >= score {
                return;
            }
            self.found.remove(position);
        } else if !self.promising(score) {
            return;
        }
        let consortium = Consortium {
            score,
            seats: self.seats.clone(),
        };
        let at = self
            .found
            .iter()
            .position(|known| known.score < score)
            .unwrap_or(self.found.len());
        self.found.insert(at, consortium);
        self.found.truncate(self.limit);
    }
}

#[cfg(test)]
mod tests;
