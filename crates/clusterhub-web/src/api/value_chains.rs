//! Value-chain consortia as JSON: `POST /api/v1/value-chains/consortia` takes a chain (ordered
//! stages, each with NACE codes, technologies and keywords) and composition rules, and answers
//! the best consortia that cover every stage under the rules, each member with the stage it
//! covers and why, and the rules it helps meet; or, when there is none, the gaps.
//!
//! ```json
//! { "stages": [ { "name": "Battery cells", "nace": ["27.2"], "technologies": [],
//!                 "keywords": "battery cells" }, … ],
//!   "rules": { "min_members": 3, "min_countries": 3, "min_cohesion_regions": 1, "min_smes": 1 },
//!   "limit": 5, "lang": "en" }
//! ```

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use clusterhub_partners::consortia::{Gap, Rules};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Locale;
use crate::value_chains::{
    ChainAnswer, ChainRequest, DEFAULT_LIMIT, DEFAULT_RULES, StageInput, check,
    consortium_countries, fit_reasons, gap_kind, gap_text, region_category, rule_reasons,
};

/// `POST /api/v1/value-chains/consortia`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/value-chains/consortia", post(consortia))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(consortia))]
pub(super) struct Doc;

/// One stage of the chain.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    /// The stage's name, 1 to 100 characters ("Battery cells").
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// NACE Rev. 2 codes of any level (`C`, `27`, `27.2`, `27.20`), at most 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub nace: Vec<String>,
    /// Technology field ids (`/api/v1/taxonomies/technology-fields`), at most 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub technologies: Vec<String>,
    /// Words to find in the organisations' offers, at most 300 characters.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub keywords: String,
}

/// Composition rules; each 0 to 12, 0 for "no such rule".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesBody {
    /// At least this many organisations (3 when absent).
    #[schema(minimum = 0, maximum = 12)]
    pub min_members: Option<usize>,
    /// From at least this many countries (3 when absent).
    #[schema(minimum = 0, maximum = 12)]
    pub min_countries: Option<usize>,
    /// At least this many in a less-developed or transition region (cohesion policy 2021–2027,
    /// Implementing Decision (EU) 2021/1130) (1 when absent).
    #[schema(minimum = 0, maximum = 12)]
    pub min_cohesion_regions: Option<usize>,
    /// At least this many SMEs (0 when absent).
    #[schema(minimum = 0, maximum = 12)]
    pub min_smes: Option<usize>,
}

/// A value chain and the rules its consortia must meet.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsortiaRequest {
    /// The stages, in chain order, 1 to 8.
    #[schema(min_items = 1, max_items = 8)]
    pub stages: Vec<StageBody>,
    #[serde(default)]
    pub rules: Option<RulesBody>,
    /// How many consortia to propose, 1 to 20 (5 when absent).
    #[schema(minimum = 1, maximum = 20)]
    pub limit: Option<usize>,
    /// The language of the reasons (English when absent).
    #[schema(value_type = Option<super::openapi::LangValue>)]
    pub lang: Option<String>,
}

/// A member of a proposed consortium.
#[derive(Debug, Serialize, ToSchema)]
struct MemberView {
    id: i64,
    name: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// The organisation type's slug.
    #[serde(rename = "type")]
    kind: String,
    /// Its NUTS 2021 region, if known.
    nuts: Option<String>,
    /// `less_developed`, `transition` or `more_developed` (cohesion policy 2021–2027), if known.
    region_category: Option<&'static str>,
    sme: bool,
    /// The index of the stage it covers (0 is the first).
    stage: usize,
    /// Its fit points for that stage.
    points: i64,
    /// Why it fits the stage, in words.
    reasons: Vec<String>,
    /// The rules it helps meet, in words.
    rules: Vec<String>,
}

/// A proposed consortium.
#[derive(Debug, Serialize, ToSchema)]
struct ConsortiumView {
    /// The sum of the members' points.
    score: i64,
    /// How many distinct countries.
    countries: usize,
    /// The members, in stage order.
    members: Vec<MemberView>,
}

/// What the index found for one stage.
#[derive(Debug, Serialize, ToSchema)]
struct StageView {
    name: String,
    nace: Vec<String>,
    technologies: Vec<String>,
    keywords: String,
    /// How many organisations fit it.
    candidates: usize,
    /// Those organisations by country (ISO code → count).
    #[schema(value_type = Object)]
    countries: Value,
}

/// Why there is no consortium.
#[derive(Debug, Serialize, ToSchema)]
struct GapView {
    /// `stage_without_candidates`, `too_few_organisations`, `rule_unreachable`,
    /// `rules_together` or `search_budget`.
    kind: &'static str,
    /// The gap in words.
    message: String,
    /// The data: the stage index, the rule(s), how many are available and needed.
    #[schema(value_type = Object)]
    facts: Value,
}

/// The rules as applied.
#[derive(Debug, Serialize, ToSchema)]
struct RulesView {
    min_members: usize,
    min_countries: usize,
    min_cohesion_regions: usize,
    min_smes: usize,
}

/// The best consortia, or the gaps.
#[derive(Debug, Serialize, ToSchema)]
struct ConsortiaAnswer {
    lang: &'static str,
    rules: RulesView,
    /// The consortium size the stages and rules imply.
    size: usize,
    /// Whether the search finished (the first consortium is then the best there is).
    complete: bool,
    stages: Vec<StageView>,
    /// Best first; empty when no consortium meets the rules.
    consortia: Vec<ConsortiumView>,
    /// Why there is none; empty when there are consortia.
    gaps: Vec<GapView>,
}

fn gap_facts(gap: &Gap) -> Value {
    match gap {
        Gap::StageWithoutCandidates { stage } => json!({ "stage": stage }),
        Gap::TooFewOrganisations { available, needed } => {
            json!({ "available": available, "needed": needed })
        }
        Gap::RuleUnreachable {
            rule,
            available,
            needed,
        } => json!({ "rule": rule.slug(), "available": available, "needed": needed }),
        Gap::RulesTogether { rules } => {
            json!({ "rules": rules.iter().map(|rule| rule.slug()).collect::<Vec<_>>() })
        }
        Gap::SearchBudget => json!({}),
    }
}

/// The body as a checked request and its locale.
fn request_of(body: ConsortiaRequest) -> Result<(ChainRequest, Locale), ApiError> {
    let locale = match body.lang.as_deref() {
        None => Locale::default(),
        Some(code) => Locale::from_code(code)
            .ok_or_else(|| ApiError::invalid_parameter("lang", "`lang` is one of en, fr, de."))?,
    };
    let rules = body.rules.map_or(DEFAULT_RULES, |rules| Rules {
        min_members: rules.min_members.unwrap_or(DEFAULT_RULES.min_members),
        min_countries: rules.min_countries.unwrap_or(DEFAULT_RULES.min_countries),
        min_cohesion: rules
            .min_cohesion_regions
            .unwrap_or(DEFAULT_RULES.min_cohesion),
        min_smes: rules.min_smes.unwrap_or(DEFAULT_RULES.min_smes),
    });
    let request = check(ChainRequest {
        stages: body
            .stages
            .into_iter()
            .map(|stage| StageInput {
                name: stage.name,
                nace: stage.nace,
                technologies: stage.technologies,
                keywords: stage.keywords,
            })
            .collect(),
        rules,
        limit: body.limit.unwrap_or(DEFAULT_LIMIT),
    })?;
    Ok((request, locale))
}

fn answer_view(locale: Locale, state: &AppState, answer: &ChainAnswer) -> ConsortiaAnswer {
    let reference = state.reference();
    let by_country = crate::value_chains::candidates_by_country(answer);
    let stages = &answer.request.stages;
    ConsortiaAnswer {
        lang: locale.code(),
        rules: RulesView {
            min_members: answer.request.rules.min_members,
            min_countries: answer.request.rules.min_countries,
            min_cohesion_regions: answer.request.rules.min_cohesion,
            min_smes: answer.request.rules.min_smes,
        },
        size: answer.size,
        complete: answer.complete,
        stages: stages
            .iter()
            .enumerate()
            .map(|(index, stage)| StageView {
                name: stage.name.clone(),
                nace: stage.nace.clone(),
                technologies: stage.technologies.clone(),
                keywords: stage.keywords.clone(),
                candidates: answer.stage_candidates[index].len(),
                countries: json!(by_country[index]),
            })
            .collect(),
        consortia: answer
            .consortia
            .iter()
            .map(|consortium| {
                let countries = consortium_countries(answer, consortium);
                ConsortiumView {
                    score: consortium.score,
                    countries,
                    members: consortium
                        .seats
                        .iter()
                        .map(|seat| {
                            let member = &answer.members[seat.contender];
                            let stage_name = &stages[seat.stage].name;
                            MemberView {
                                id: member.id,
                                name: member.name.clone(),
                                country: member.country.clone(),
                                kind: member.kind.clone(),
                                nuts: member.nuts.clone(),
                                region_category: region_category(reference, member.nuts.as_deref())
                                    .map(|category| category.as_str()),
                                sme: member.sme,
                                stage: seat.stage,
                                points: seat.points,
                                reasons: member.fit(seat.stage).map_or_else(Vec::new, |fit| {
                                    fit_reasons(locale, reference, stage_name, fit)
                                }),
                                rules: rule_reasons(
                                    locale,
                                    &answer.request.rules,
                                    member,
                                    countries,
                                ),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        gaps: answer
            .gaps
            .iter()
            .map(|gap| GapView {
                kind: gap_kind(gap),
                message: gap_text(locale, stages, gap),
                facts: gap_facts(gap),
            })
            .collect(),
    }
}

/// Proposes consortia for a value chain.
///
/// Each stage's candidates come from the directory's search index (its NACE codes, with the
/// activities within them, its technologies and keywords; the 200 best per stage). An
/// organisation's fit to a stage: 100 points when one of its NACE codes lies within one of the
/// stage's (50 when it is broader and contains one), 40 per shared technology (at most 2), 30
/// per keyword found in one of its offers (at most 3). A consortium gives each member one stage
/// and each stage at least one member; its size is the smallest the rules allow; its score is
/// the sum of its members' points. The search is a branch and bound that proves the first
/// consortium optimal (`complete`). Without consortia, `gaps` says which stage has no candidate
/// and which rule cannot be met.
#[utoipa::path(
    post,
    path = "/api/v1/value-chains/consortia",
    operation_id = "value_chain_consortia",
    tag = "organisations",
    request_body = ConsortiaRequest,
    responses(
        (status = 200, description = "The best consortia, or the gaps", body = ConsortiaAnswer),
        (status = 400, description = "A field has a value the endpoint does not accept (`invalid_parameter`, `parameter` names it: `stages[1].nace`, `rules.min_countries`, `limit`, `lang`), or the body is not the JSON described (`bad_request`, `detail` names the field)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Nobody is signed in (`sign_in_required`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "A session cookie without the CSRF header (`csrf_token_missing`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (`unsupported_media_type`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The JSON body lacks a field, has an unknown one or a value of the wrong type", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn consortia(
    State(state): State<AppState>,
    Json(body): Json<ConsortiaRequest>,
) -> Result<Response, ApiError> {
    let (request, locale) = request_of(body)?;
    let answer = crate::value_chains::propose(&state, request).await?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(answer_view(locale, &state, &answer)),
    )
        .into_response())
}
