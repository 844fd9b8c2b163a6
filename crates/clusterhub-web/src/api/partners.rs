//! Partner suggestions as JSON: `GET /api/v1/organisations/{id}/partners` for an organisation
//! and `GET /api/v1/partners?q=…` for a free-text need. Each suggestion's `score` is the sum of
//! its components' `points`; each component says in `reason` why it gives them, in the language
//! of `lang` (English, French or German), and in `facts` the data behind the words.
//!
//! ```json
//! { "organisation": { "id": 17, "name": "…", "country": "FR", "type": "sme" },
//!   "lang": "en",
//!   "suggestions": [ { "id": 912, "name": "…", "country": "DE", "type": "large_enterprise",
//!     "score": 475,
//!     "components": [
//!       { "kind": "offers_what_you_request", "points": 300,
//!         "reason": "Offers what you request: battery, cells (“Supply of battery cells”)",
//!         "facts": { "request": "…", "offer": "…", "words": ["battery", "cells"],
//!                    "coverage_percent": 100 } },
//!       { "kind": "size_fit", "points": 75, "reason": "Size fit: SME ↔ large enterprise",
//!         "facts": { "yours": "sme", "theirs": "large" } },
//!       { "kind": "cross_border", "points": 50, "reason": "Cross-border: FR ↔ DE",
//!         "facts": { "yours": "FR", "theirs": "DE" } } ] } ] }
//! ```

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_partners::Reason;
use clusterhub_reference::Reference;
use clusterhub_search::FacetGroup;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::api::organisations::parse_id;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Locale;
use crate::partners::{DEFAULT_LIMIT, MAX_LIMIT, Need, SuggestedPartner, reason_text};
use crate::query::QueryParameters;
use crate::search_params::{MAX_TEXT_CHARS, MAX_VALUES_PER_GROUP, normalise_value};

/// `GET /api/v1/organisations/{id}/partners` and `GET /api/v1/partners`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/organisations/{id}/partners",
            get(organisation_partners),
        )
        .route("/api/v1/partners", get(need_partners))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(organisation_partners, need_partners))]
pub(super) struct Doc;

/// An organisation, as the answer names it.
#[derive(Debug, Serialize, ToSchema)]
struct OrganisationRef {
    id: i64,
    name: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// The organisation type's slug.
    #[serde(rename = "type")]
    kind: String,
}

/// One component of a score: what it measures, its points and why.
#[derive(Debug, Serialize, ToSchema)]
struct ComponentView {
    /// `offers_what_you_request`, `requests_what_you_offer`, `complementary_sector`,
    /// `shared_technologies`, `in_your_target_country`, `targets_your_country`, `size_fit`,
    /// `cross_border` or `cross_sectoral`.
    #[schema(example = "offers_what_you_request")]
    kind: &'static str,
    /// Whole points, at least 1.
    #[schema(minimum = 1)]
    points: i64,
    /// Why, in words, in the answer's language.
    reason: String,
    /// The data behind the words: the matched request, offer and words; the two sectors and
    /// their input–output relatedness percentile; the shared technology ids; the countries; the
    /// size classes.
    #[schema(value_type = Object)]
    facts: Value,
}

/// One suggested partner.
#[derive(Debug, Serialize, ToSchema)]
struct SuggestionView {
    id: i64,
    name: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// The organisation type's slug.
    #[serde(rename = "type")]
    kind: String,
    /// The sum of the components' points.
    score: i64,
    /// The components, most points first.
    components: Vec<ComponentView>,
}

/// Partner suggestions for an organisation, best first.
#[derive(Debug, Serialize, ToSchema)]
struct OrganisationPartners {
    organisation: OrganisationRef,
    /// The language of the reasons.
    lang: &'static str,
    suggestions: Vec<SuggestionView>,
}

/// The need as read.
#[derive(Debug, Serialize, ToSchema)]
struct NeedView {
    q: String,
    sectors: Vec<u8>,
    technologies: Vec<String>,
    countries: Vec<String>,
}

/// Partner suggestions for a free-text need, best first.
#[derive(Debug, Serialize, ToSchema)]
struct NeedPartners {
    need: NeedView,
    /// The language of the reasons.
    lang: &'static str,
    suggestions: Vec<SuggestionView>,
}

/// The data behind a reason, with ids and codes rather than names.
fn facts(reason: &Reason) -> Value {
    match reason {
        Reason::OffersWhatYouRequest(found) => json!({
            "request": found.wanted, "offer": found.provided, "words": found.words,
            "coverage_percent": found.coverage_percent,
        }),
        Reason::RequestsWhatYouOffer(found) => json!({
            "offer": found.wanted, "request": found.provided, "words": found.words,
            "coverage_percent": found.coverage_percent,
        }),
        Reason::ComplementarySector {
            yours,
            theirs,
            percentile,
        } => json!({ "yours": yours, "theirs": theirs, "io_percentile": percentile }),
        Reason::SharedTechnologies { technologies } => json!({ "technologies": technologies }),
        Reason::InYourTargetCountry { country } | Reason::TargetsYourCountry { country } => {
            json!({ "country": country })
        }
        Reason::SizeFit { yours, theirs } => {
            json!({ "yours": yours.slug(), "theirs": theirs.slug() })
        }
        Reason::CrossBorder { yours, theirs } => json!({ "yours": yours, "theirs": theirs }),
        Reason::CrossSectoral { yours, theirs } => json!({ "yours": yours, "theirs": theirs }),
    }
}

fn suggestion_views(
    locale: Locale,
    reference: &Reference,
    partners: Vec<SuggestedPartner>,
) -> Vec<SuggestionView> {
    partners
        .into_iter()
        .map(|partner| SuggestionView {
            id: partner.id,
            name: partner.name,
            country: partner.country,
            kind: partner.kind,
            score: partner.suggestion.score,
            components: partner
                .suggestion
                .components
                .iter()
                .map(|component| ComponentView {
                    kind: component.kind().slug(),
                    points: component.points,
                    reason: reason_text(locale, reference, &component.reason),
                    facts: facts(&component.reason),
                })
                .collect(),
        })
        .collect()
}

fn locale_of(query: &QueryParameters) -> Result<Locale, ApiError> {
    Ok(query
        .choice("lang", &[("en", "en"), ("fr", "fr"), ("de", "de")])?
        .and_then(Locale::from_code)
        .unwrap_or_default())
}

fn limit_of(query: &QueryParameters) -> Result<usize, ApiError> {
    Ok(query
        .integer_in("limit", 1, MAX_LIMIT)?
        .unwrap_or(DEFAULT_LIMIT))
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OrganisationNotFound,
        format!(
            "No organisation has the id `{id}`. Ids are the positive whole numbers the directory gives."
        ),
    )
}

/// Partner suggestions are computed afresh from the current directory, so they are not cached.
fn fresh_json<T: Serialize>(value: &T) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::Json(value),
    )
        .into_response()
}

/// Partner suggestions for an organisation.
///
/// Candidates come from the directory's search index and are scored by offer and request
/// texts, complementary sectors, shared technologies, target countries, size fit and
/// cross-border and cross-sectoral bonuses. Each `score` is the sum of its components'
/// `points`; the organisation itself is never suggested.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/partners",
    operation_id = "organisation_partners",
    tag = "organisations",
    params(
        ("id" = i64, Path, minimum = 1, description = "The organisation's id"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 50, description = "How many suggestions, 10 when absent"),
        ("lang" = Option<super::openapi::LangValue>, Query, description = "The language of the reasons; English when absent"),
    ),
    responses(
        (status = 200, description = "The suggestions, best first", body = OrganisationPartners),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, description = "No organisation has this id (`organisation_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn organisation_partners(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), &["lang", "limit"])?;
    let locale = locale_of(&query)?;
    let limit = limit_of(&query)?;
    let numeric_id = parse_id(&id).ok_or_else(|| not_found(&id))?;
    let (stored, partners) = crate::partners::for_organisation(&state, numeric_id, limit)
        .await?
        .ok_or_else(|| not_found(&id))?;
    Ok(fresh_json(&OrganisationPartners {
        organisation: OrganisationRef {
            id: stored.id,
            name: stored.profile.name,
            country: stored.profile.country,
            kind: stored.profile.kind,
        },
        lang: locale.code(),
        suggestions: suggestion_views(locale, state.reference(), partners),
    }))
}

/// Reads `/api/v1/partners`' query string: `q` once, `sector`, `technology` and `country` any
/// number of times, `limit` and `lang` once.
fn parse_need(raw: Option<&str>) -> Result<(Need, Locale, usize), ApiError> {
    let mut single: Vec<(String, String)> = Vec::new();
    let mut need = Need::default();
    let mut text: Option<String> = None;
    for (name, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        if name.is_empty() && value.is_empty() {
            continue;
        }
        let value = value.trim();
        let group = match name.as_ref() {
            "sector" => Some(FacetGroup::Sector),
            "technology" => Some(FacetGroup::Technology),
            "country" => Some(FacetGroup::Country),
            _ => None,
        };
        if let Some(group) = group {
            let count = need.sectors.len() + need.technologies.len() + need.countries.len();
            if count >= MAX_VALUES_PER_GROUP {
                return Err(ApiError::invalid_parameter(
                    &name,
                    format!(
                        "At most {MAX_VALUES_PER_GROUP} sectors, technologies and countries together."
                    ),
                ));
            }
            let normalised = normalise_value(group, value)?;
            match group {
                FacetGroup::Sector => need
                    .sectors
                    .push(normalised.parse().map_err(ApiError::internal)?),
                FacetGroup::Technology => need.technologies.push(normalised),
                _ => need.countries.push(normalised),
            }
            continue;
        }
        match name.as_ref() {
            "q" => {
                if text.is_some() {
                    return Err(ApiError::new(
                        ErrorCode::RepeatedParameter,
                        "The parameter `q` is given more than once; give it once.",
                    )
                    .with_parameter("q"));
                }
                if value.chars().count() > MAX_TEXT_CHARS {
                    return Err(ApiError::invalid_parameter(
                        "q",
                        format!("`q` is at most {MAX_TEXT_CHARS} characters long."),
                    ));
                }
                text = Some(value.to_owned());
            }
            "lang" | "limit" => single.push((name.into_owned(), value.to_owned())),
            _ => {
                return Err(ApiError::new(
                    ErrorCode::UnknownParameter,
                    format!(
                        "This endpoint does not know the parameter `{name}`; it accepts q, sector, technology, country, limit, lang."
                    ),
                )
                .with_parameter(&name));
            }
        }
    }
    need.text = text.unwrap_or_default();
    if need.text.is_empty()
        && need.sectors.is_empty()
        && need.technologies.is_empty()
        && need.countries.is_empty()
    {
        return Err(ApiError::invalid_parameter(
            "q",
            "Say what partners should offer in `q` (and optionally `sector`, `technology`, `country`).",
        ));
    }
    let rest = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&single)
        .finish();
    let query = QueryParameters::parse(Some(&rest), &["lang", "limit"])?;
    Ok((need, locale_of(&query)?, limit_of(&query)?))
}

/// Partner suggestions for a free-text need.
///
/// Organisations whose offers cover `q`, in the value chains of the given sectors, with the
/// given technologies or in the given countries. Each `score` is the sum of its components'
/// `points`.
#[utoipa::path(
    get,
    path = "/api/v1/partners",
    operation_id = "need_partners",
    tag = "organisations",
    params(
        ("q" = Option<String>, Query, max_length = 500, description = "What partners should offer, at most 500 characters; required unless a sector, technology or country is given"),
        ("sector" = Option<Vec<u8>>, Query, explode, description = "The seeker's cluster categories (1 to 51), for complementary sectors; may repeat"),
        ("technology" = Option<Vec<String>>, Query, explode, description = "Technology field ids partners should share; may repeat"),
        ("country" = Option<Vec<String>>, Query, explode, description = "Countries where partners are wanted (ISO 3166-1 alpha-2); may repeat"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 50, description = "How many suggestions, 10 when absent"),
        ("lang" = Option<super::openapi::LangValue>, Query, description = "The language of the reasons; English when absent"),
    ),
    responses(
        (status = 200, description = "The suggestions, best first", body = NeedPartners),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn need_partners(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (need, locale, limit) = parse_need(query.as_deref())?;
    let partners = crate::partners::for_need(&state, &need, limit).await?;
    Ok(fresh_json(&NeedPartners {
        suggestions: suggestion_views(locale, state.reference(), partners),
        need: NeedView {
            q: need.text,
            sectors: need.sectors,
            technologies: need.technologies,
            countries: need.countries,
        },
        lang: locale.code(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(query: &str) -> (ErrorCode, Option<String>) {
        let error = parse_need(Some(query)).expect_err("refused");
        (error.code(), error.parameter().map(str::to_owned))
    }

    #[test]
    fn a_need_is_read_with_repeated_filters() {
        let (need, locale, limit) = parse_need(Some(
            "q=hydrogen+storage&sector=4&sector=45&technology=robotics&country=el&lang=de&limit=5",
        ))
        .expect("valid");
        assert_eq!(need.text, "hydrogen storage");
        assert_eq!(need.sectors, [4, 45]);
        assert_eq!(need.technologies, ["robotics"]);
        assert_eq!(need.countries, ["GR"]);
        assert_eq!(locale.code(), "de");
        assert_eq!(limit, 5);
    }

    #[test]
    fn bad_needs_are_refused_by_parameter() {
        assert_eq!(
            refused("q=a&sector=52"),
            (ErrorCode::InvalidParameter, Some(String::from("sector")))
        );
        assert_eq!(
            refused("q=a&q=b"),
            (ErrorCode::RepeatedParameter, Some(String::from("q")))
        );
        assert_eq!(
            refused("q=a&limit=0"),
            (ErrorCode::InvalidParameter, Some(String::from("limit")))
        );
        assert_eq!(
            refused("q=a&limit=2&limit=3"),
            (ErrorCode::RepeatedParameter, Some(String::from("limit")))
        );
        assert_eq!(
            refused("q=a&colour=red"),
            (ErrorCode::UnknownParameter, Some(String::from("colour")))
        );
        assert_eq!(
            refused("lang=fr"),
            (ErrorCode::InvalidParameter, Some(String::from("q")))
        );
        let long = format!("q={}", "é".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            refused(&long),
            (ErrorCode::InvalidParameter, Some(String::from("q")))
        );
        let longest = format!("q={}", "é".repeat(MAX_TEXT_CHARS));
        assert!(
            parse_need(Some(&longest)).is_ok(),
            "500 characters of 2 bytes"
        );
    }
}
