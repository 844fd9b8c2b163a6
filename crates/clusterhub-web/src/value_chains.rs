//! Value-chain consortia for the API and the page: each stage's candidates from the search index
//! (never all organisations: an OR of the stage's NACE codes, technologies and keywords, the
//! [`STAGE_CANDIDATES`] best), their profiles in one read, each one's fit to every stage, its
//! cohesion-policy region category (2021–2027) and SME status, then `clusterhub_partners::
//! consortia::propose`; and the reasons in words.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clusterhub_partners::Statement;
use clusterhub_partners::consortia::{
    self, Consortium, Contender, DEFAULT_NODE_BUDGET, Gap, Problem, Rule, Rules, Stage, StageFit,
    StageProfile,
};
use clusterhub_reference::{CohesionPeriod, Reference, RegionCategory};
use clusterhub_search::{CandidateQuery, FacetGroup, analyse};

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::partners::{PartnersError, technology_name};
use crate::search_params::normalise_value;

/// How many candidates the index proposes for each stage.
pub const STAGE_CANDIDATES: usize = 200;
/// The longest stage name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest keyword text of a stage, in characters.
pub const MAX_KEYWORDS_CHARS: usize = 300;
/// The most NACE codes or technologies one stage may list.
pub const MAX_CODES_PER_STAGE: usize = 10;
/// Consortia proposed when the caller does not say how many.
pub const DEFAULT_LIMIT: usize = 5;

/// One stage as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageInput {
    pub name: String,
    pub nace: Vec<String>,
    pub technologies: Vec<String>,
    pub keywords: String,
}

/// A chain, its rules and how many consortia to propose, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRequest {
    pub stages: Vec<StageInput>,
    pub rules: Rules,
    pub limit: usize,
}

impl Default for ChainRequest {
    fn default() -> ChainRequest {
        ChainRequest {
            stages: Vec::new(),
            rules: DEFAULT_RULES,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// The rules of DESIGN C2's example: at least 3 organisations from at least 3 countries, one in
/// a less-developed or transition region; no SME minimum.
pub const DEFAULT_RULES: Rules = Rules {
    min_members: 3,
    min_countries: 3,
    min_cohesion: 1,
    min_smes: 0,
};

/// Checks a chain: 1 to 8 stages, each named, with known NACE codes and technology ids (at most
/// 10 each) and at least one of NACE codes, technologies or keywords; rules that give a
/// consortium of at most 12; 1 to 20 consortia. The error names the field (`stages[1].nace`).
pub fn check(mut request: ChainRequest) -> Result<ChainRequest, ApiError> {
    if request.stages.is_empty() || request.stages.len() > consortia::MAX_STAGES {
        return Err(ApiError::invalid_parameter(
            "stages",
            format!("A value chain has 1 to {} stages.", consortia::MAX_STAGES),
        ));
    }
    for (index, stage) in request.stages.iter_mut().enumerate() {
        let field = |name: &str| format!("stages[{index}].{name}");
        stage.name = stage.name.trim().to_owned();
        if stage.name.is_empty() || stage.name.chars().count() > MAX_NAME_CHARS {
            return Err(ApiError::invalid_parameter(
                &field("name"),
                format!("Each stage needs a name of 1 to {MAX_NAME_CHARS} characters."),
            ));
        }
        stage.keywords = stage.keywords.trim().to_owned();
        if stage.keywords.chars().count() > MAX_KEYWORDS_CHARS {
            return Err(ApiError::invalid_parameter(
                &field("keywords"),
                format!("Keywords are at most {MAX_KEYWORDS_CHARS} characters."),
            ));
        }
        for (name, group, values) in [
            ("nace", FacetGroup::Nace, &mut stage.nace),
            (
                "technologies",
                FacetGroup::Technology,
                &mut stage.technologies,
            ),
        ] {
            if values.len() > MAX_CODES_PER_STAGE {
                return Err(ApiError::invalid_parameter(
                    &field(name),
                    format!("At most {MAX_CODES_PER_STAGE} values per stage."),
                ));
            }
            let mut checked: Vec<String> = Vec::new();
            for value in values.iter() {
                let normalised = normalise_value(group, value.trim()).map_err(|error| {
                    ApiError::invalid_parameter(&field(name), error.detail().to_owned())
                })?;
                if !checked.contains(&normalised) {
                    checked.push(normalised);
                }
            }
            *values = checked;
        }
        if stage.nace.is_empty()
            && stage.technologies.is_empty()
            && analyse(&stage.keywords).is_empty()
        {
            return Err(ApiError::invalid_parameter(
                &field("nace"),
                "Describe each stage by NACE codes, technologies or keywords.",
            ));
        }
    }
    let rules = request.rules;
    for (rule, value) in [
        (Rule::MinMembers, rules.min_members),
        (Rule::MinCountries, rules.min_countries),
        (Rule::MinCohesion, rules.min_cohesion),
        (Rule::MinSmes, rules.min_smes),
    ] {
        if value > consortia::MAX_SIZE {
            return Err(ApiError::invalid_parameter(
                &format!("rules.{}", rule.slug()),
                format!("At most {}.", consortia::MAX_SIZE),
            ));
        }
    }
    let size = consortia::consortium_size(request.stages.len(), &rules);
    if size > consortia::MAX_SIZE {
        return Err(ApiError::invalid_parameter(
            "rules.min_members",
            format!(
                "The stages and rules ask for {size} organisations; a consortium has at most {}.",
                consortia::MAX_SIZE
            ),
        ));
    }
    if request.limit == 0 || request.limit > consortia::MAX_LIMIT {
        return Err(ApiError::invalid_parameter(
            "limit",
            format!("Propose 1 to {} consortia.", consortia::MAX_LIMIT),
        ));
    }
    Ok(request)
}

/// An organisation that fits at least one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainMember {
    pub id: i64,
    pub name: String,
    pub country: String,
    pub kind: String,
    pub nuts: Option<String>,
    pub location: Option<(f64, f64)>,
    pub sme: bool,
    /// The cohesion-policy category of its region, 2021–2027.
    pub region_category: Option<RegionCategory>,
    /// (stage index, fit) for each stage it fits, in stage order.
    pub fits: Vec<(usize, StageFit)>,
}

impl ChainMember {
    /// Whether its region is less developed or in transition.
    pub fn in_cohesion_region(&self) -> bool {
        matches!(
            self.region_category,
            Some(RegionCategory::LessDeveloped | RegionCategory::Transition)
        )
    }

    /// Its fit for a stage.
    pub fn fit(&self, stage: usize) -> Option<&StageFit> {
        self.fits
            .iter()
            .find(|(fitted, _)| *fitted == stage)
            .map(|(_, fit)| fit)
    }
}

/// The answer: the members (the engine's contenders, in order), each stage's candidates best
/// first, and the engine's outcome.
#[derive(Debug, Clone)]
pub struct ChainAnswer {
    pub request: ChainRequest,
    pub members: Vec<ChainMember>,
    /// For each stage, indexes into `members`, best fit first.
    pub stage_candidates: Vec<Vec<usize>>,
    pub size: usize,
    pub complete: bool,
    pub consortia: Vec<Consortium>,
    pub gaps: Vec<Gap>,
}

fn term_of(word: &str) -> Option<String> {
    analyse(word).into_iter().next()
}

/// The cohesion-policy category (2021–2027) of a stored NUTS code of level 2 or 3.
pub fn region_category(reference: &Reference, nuts: Option<&str>) -> Option<RegionCategory> {
    let code = nuts?;
    if code.len() < 4 {
        return None;
    }
    reference.region_category(CohesionPeriod::P2021_2027, code)
}

/// Candidates for every stage from the index, their fits, and the best consortia.
pub async fn propose(
    state: &AppState,
    request: ChainRequest,
) -> Result<ChainAnswer, PartnersError> {
    let stages: Vec<Stage> = request
        .stages
        .iter()
        .map(|stage| Stage {
            name: stage.name.clone(),
            nace: stage.nace.clone(),
            technologies: stage.technologies.clone(),
            keywords: Statement::new(&stage.keywords, term_of),
        })
        .collect();
    let queries: Vec<CandidateQuery> = request
        .stages
        .iter()
        .map(|stage| CandidateQuery {
            text: stage.keywords.clone(),
            sectors: Vec::new(),
            technologies: stage.technologies.clone(),
            nace: stage.nace.clone(),
            exclude: None,
            limit: STAGE_CANDIDATES,
        })
        .collect();
    let index = state.search().clone();
    let hits = tokio::task::spawn_blocking(move || {
        queries
            .iter()
            .map(|query| index.candidates(query))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|error| PartnersError::Task(error.to_string()))??;
    let ids: BTreeSet<i64> = hits.iter().flatten().map(|hit| hit.id).collect();
    let ids: Vec<i64> = ids.into_iter().collect();
    let stored = state.storage().organisations_by_ids(&ids).await?;
    let reference = state.reference();
    let mut members: Vec<ChainMember> = Vec::new();
    for organisation in stored {
        let profile = &organisation.profile;
        let facts = StageProfile {
            nace: profile.nace.clone(),
            technologies: profile.technologies.clone(),
            offers: profile
                .offers
                .iter()
                .map(|offer| Statement::new(offer, term_of))
                .collect(),
        };
        let fits: Vec<(usize, StageFit)> = stages
            .iter()
            .enumerate()
            .filter_map(|(index, stage)| {
                consortia::stage_fit(stage, &facts, reference.nace()).map(|fit| (index, fit))
            })
            .collect();
        if fits.is_empty() {
            continue;
        }
        members.push(ChainMember {
            id: organisation.id,
            name: profile.name.clone(),
            country: profile.country.clone(),
            kind: profile.kind.clone(),
            nuts: profile.nuts.clone(),
            location: profile.lat.zip(profile.lon),
            sme: matches!(profile.sme_status.as_str(), "micro" | "small" | "medium"),
            region_category: region_category(reference, profile.nuts.as_deref()),
            fits,
        });
    }
    members.sort_by_key(|member| member.id);
    let problem = Problem {
        stages: stages.len(),
        contenders: members
            .iter()
            .map(|member| Contender {
                id: member.id,
                country: member.country.clone(),
                cohesion: member.in_cohesion_region(),
                sme: member.sme,
                fits: member
                    .fits
                    .iter()
                    .map(|(stage, fit)| (*stage, fit.points))
                    .collect(),
            })
            .collect(),
        rules: request.rules,
        limit: request.limit,
        node_budget: DEFAULT_NODE_BUDGET,
    };
    let outcome = tokio::task::spawn_blocking(move || consortia::propose(&problem))
        .await
        .map_err(|error| PartnersError::Task(error.to_string()))?
        .map_err(|error| PartnersError::Task(error.to_string()))?;
    let mut stage_candidates: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    for (index, member) in members.iter().enumerate() {
        for (stage, _) in &member.fits {
            stage_candidates[*stage].push(index);
        }
    }
    for (stage, list) in stage_candidates.iter_mut().enumerate() {
        list.sort_by_key(|&index| {
            (
                std::cmp::Reverse(members[index].fit(stage).map_or(0, |fit| fit.points)),
                members[index].id,
            )
        });
    }
    Ok(ChainAnswer {
        request,
        members,
        stage_candidates,
        size: outcome.size,
        complete: outcome.complete,
        consortia: outcome.consortia,
        gaps: outcome.gaps,
    })
}

/// The label of a NACE code in the locale's language.
pub fn nace_label(locale: Locale, reference: &Reference, code: &str) -> String {
    reference.nace().get(code).map_or_else(
        || code.to_owned(),
        |activity| format!("{code} {}", activity.label(locale.reference_lang())),
    )
}

/// Why a member fits a stage, in words, one sentence per part.
pub fn fit_reasons(
    locale: Locale,
    reference: &Reference,
    stage_name: &str,
    fit: &StageFit,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some((held, wanted, within)) = &fit.nace {
        let key = if *within {
            "chains.reason.nace_within"
        } else {
            "chains.reason.nace_broader"
        };
        reasons.push(locale.format(
            key,
            &[
                ("held", &nace_label(locale, reference, held)),
                ("wanted", wanted),
                ("stage", stage_name),
            ],
        ));
    }
    if !fit.technologies.is_empty() {
        let names: Vec<String> = fit
            .technologies
            .iter()
            .map(|id| technology_name(locale, reference, id))
            .collect();
        reasons.push(locale.format(
            "chains.reason.technologies",
            &[("technologies", &names.join(", "))],
        ));
    }
    if let Some(offer) = &fit.offer {
        reasons.push(locale.format(
            "chains.reason.keywords",
            &[("words", &fit.keywords.join(", ")), ("offer", offer)],
        ));
    }
    reasons
}

/// Which rules a member helps meet, in words.
pub fn rule_reasons(
    locale: Locale,
    rules: &Rules,
    member: &ChainMember,
    countries: usize,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if rules.min_countries > 1 {
        reasons.push(locale.format(
            "chains.rule.country",
            &[
                ("country", &locale.country_name(&member.country)),
                ("count", &countries.to_string()),
                ("needed", &rules.min_countries.to_string()),
            ],
        ));
    }
    if member.in_cohesion_region() {
        let key = match member.region_category {
            Some(RegionCategory::LessDeveloped) => "chains.rule.less_developed",
            _ => "chains.rule.transition",
        };
        reasons.push(locale.format(
            key,
            &[("region", member.nuts.as_deref().unwrap_or_default())],
        ));
    }
    if member.sme {
        reasons.push(locale.text("chains.rule.sme").to_owned());
    }
    reasons
}

/// A gap in words.
pub fn gap_text(locale: Locale, stages: &[StageInput], gap: &Gap) -> String {
    match gap {
        Gap::StageWithoutCandidates { stage } => locale.format(
            "chains.gap.stage",
            &[(
                "stage",
                stages.get(*stage).map_or("", |stage| stage.name.as_str()),
            )],
        ),
        Gap::TooFewOrganisations { available, needed } => locale.format(
            "chains.gap.organisations",
            &[
                ("available", &available.to_string()),
                ("needed", &needed.to_string()),
            ],
        ),
        Gap::RuleUnreachable {
            rule,
            available,
            needed,
        } => locale.format(
            &format!("chains.gap.rule.{}", rule.slug()),
            &[
                ("available", &available.to_string()),
                ("needed", &needed.to_string()),
            ],
        ),
        Gap::RulesTogether { rules } => {
            let names: Vec<&str> = rules
                .iter()
                .map(|rule| locale.text(&format!("chains.rules.{}", rule.slug())))
                .collect();
            locale.format("chains.gap.together", &[("rules", &names.join(", "))])
        }
        Gap::SearchBudget => locale.text("chains.gap.budget").to_owned(),
    }
}

/// The slug of a gap's kind, for the API.
pub fn gap_kind(gap: &Gap) -> &'static str {
    match gap {
        Gap::StageWithoutCandidates { .. } => "stage_without_candidates",
        Gap::TooFewOrganisations { .. } => "too_few_organisations",
        Gap::RuleUnreachable { .. } => "rule_unreachable",
        Gap::RulesTogether { .. } => "rules_together",
        Gap::SearchBudget => "search_budget",
    }
}

/// For each stage, how many candidates each country has (ISO code → count).
pub fn candidates_by_country(answer: &ChainAnswer) -> Vec<BTreeMap<String, usize>> {
    answer
        .stage_candidates
        .iter()
        .map(|list| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for &index in list {
                *counts
                    .entry(answer.members[index].country.clone())
                    .or_default() += 1;
            }
            counts
        })
        .collect()
}

/// The distinct countries of a consortium.
pub fn consortium_countries(answer: &ChainAnswer, consortium: &Consortium) -> usize {
    let countries: HashMap<&str, ()> = consortium
        .seats
        .iter()
        .map(|seat| (answer.members[seat.contender].country.as_str(), ()))
        .collect();
    countries.len()
}
