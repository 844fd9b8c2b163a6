//! `GET /api/v1/organisations/{id}`: one organisation's whole profile, with the names of its
//! codes in the request's language, the clusters it belongs to, a cluster's members and the EU
//! projects it took part in. The profile page renders the same [`OrganisationProfile`].

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_domain::{LabelLevel, Language, OrgType, SmeStatus, StaffBand};
use clusterhub_reference::{Lang, NutsVersion, Reference};
use clusterhub_storage::{Participation, Storage, StorageError, StoredOrganisation};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode};
use crate::i18n::Locale;
use crate::query::QueryParameters;

/// How many members of a cluster a profile lists; `cluster_members.total` tells how many there
/// are in all.
pub const MEMBERS_SHOWN: i64 = 200;

/// `GET /api/v1/organisations/{id}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/organisations/{id}", get(organisation))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(organisation))]
pub(super) struct Doc;

/// A code with its name in the requested language.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// A region of the NUTS 2021 hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NutsRegionView {
    pub code: String,
    pub level: u8,
    pub name: String,
}

/// The organisation's NUTS region with the regions above it, the country last.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NutsView {
    pub code: String,
    pub level: u8,
    pub name: String,
    /// The regions above this one, from its parent up to the country (level 0).
    pub ancestry: Vec<NutsRegionView>,
    /// The region's centroid as `[longitude, latitude]`, where NUTS 2021 has one.
    #[schema(required = true)]
    pub centroid: Option<(f64, f64)>,
}

/// An amount of money in integer cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MoneyView {
    pub cents: i64,
    pub currency: String,
}

/// The cluster excellence label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LabelView {
    pub level: String,
    pub name: String,
    /// The day it was awarded, `YYYY-MM-DD`.
    pub awarded: Option<String>,
    /// The first day it is no longer valid, `YYYY-MM-DD`.
    pub expires: Option<String>,
}

/// A cluster's member counts by kind, as the cluster declares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemberCounts {
    pub sme: Option<i64>,
    pub large: Option<i64>,
    pub research: Option<i64>,
    pub other: Option<i64>,
    /// The sum of the declared counts; `None` when none is declared.
    pub total: Option<i64>,
}

/// An organisation linked from a profile.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LinkedOrganisation {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Named>,
}

/// The first members of a cluster and how many it has.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ClusterMembers {
    pub total: i64,
    pub members: Vec<LinkedOrganisation>,
}

/// One participation in an EU-funded project.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ParticipationView {
    pub acronym: String,
    pub title: String,
    pub programme: String,
    pub role: String,
    pub ec_contribution_cents: Option<i64>,
    pub currency: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// Target countries of international and of trans-national activities.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetCountries {
    pub international: Vec<Named>,
    pub transnational: Vec<Named>,
}

/// The whole profile, as the API answers it and the profile page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganisationProfile {
    pub id: i64,
    pub external_key: String,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The language of every `name` of a code in this answer.
    #[schema(value_type = super::openapi::LangValue)]
    pub lang: &'static str,
    #[serde(rename = "type")]
    pub kind: Named,
    pub name: String,
    pub names: BTreeMap<String, String>,
    pub descriptions: BTreeMap<String, String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub pic: Option<String>,
    pub vat: Option<String>,
    pub country: Named,
    pub nuts: Option<NutsView>,
    pub city: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub founded: Option<i64>,
    pub staff: Option<i64>,
    pub staff_band: Option<Named>,
    pub turnover: Option<MoneyView>,
    pub balance_sheet: Option<MoneyView>,
    pub sme_status: Named,
    pub sectors: Vec<Named>,
    pub nace: Vec<Named>,
    pub technologies: Vec<Named>,
    pub s3_areas: Vec<Named>,
    pub emerging: Vec<Named>,
    pub target_countries: TargetCountries,
    pub escp: Option<String>,
    pub label: Option<LabelView>,
    pub offers: Vec<String>,
    pub requests: Vec<String>,
    pub member_counts: MemberCounts,
    /// The clusters this organisation is a member of.
    pub member_of: Vec<LinkedOrganisation>,
    /// For a cluster organisation, its members in the directory; `None` for other kinds.
    pub cluster_members: Option<ClusterMembers>,
    pub participations: Vec<ParticipationView>,
}

/// The domain language of an interface locale, for the labels of domain enums.
fn domain_language(lang: Lang) -> Language {
    match lang {
        Lang::Fr => Language::Fr,
        Lang::De => Language::De,
        Lang::En => Language::En,
    }
}

/// Reads an organisation and everything its profile shows; `None` if no organisation has `id`.
pub async fn load_profile(
    storage: &Storage,
    reference: &Reference,
    id: i64,
    locale: Locale,
) -> Result<Option<OrganisationProfile>, StorageError> {
    let Some(stored) = storage.organisation(id).await? else {
        return Ok(None);
    };
    let (clusters, participations) =
        tokio::try_join!(storage.clusters_of(id), storage.participations(id))?;
    let cluster_members = if stored.profile.kind == OrgType::Cluster.slug() {
        let (members, total) = tokio::try_join!(
            storage.cluster_members_first(id, MEMBERS_SHOWN),
            storage.cluster_member_count(id)
        )?;
        Some((members, total))
    } else {
        None
    };
    Ok(Some(build_profile(
        reference,
        locale,
        stored,
        clusters,
        cluster_members,
        participations,
    )))
}

/// The first members of a cluster as (id, name, kind), and how many it has in all.
type MembersPage = (Vec<(i64, String, String)>, i64);

/// Puts the pieces read from the database together with the names from the reference data.
fn build_profile(
    reference: &Reference,
    locale: Locale,
    stored: StoredOrganisation,
    clusters: Vec<(i64, String)>,
    cluster_members: Option<MembersPage>,
    participations: Vec<Participation>,
) -> OrganisationProfile {
    let lang = locale.reference_lang();
    let language = domain_language(lang);
    let profile = stored.profile;
    let kind_name = |slug: &str| Named {
        id: slug.to_owned(),
        name: OrgType::from_slug(slug)
            .map_or_else(|| slug.to_owned(), |kind| kind.label(language).to_owned()),
    };
    let country = |code: &str| Named {
        id: code.to_owned(),
        name: locale.country_name(code),
    };
    let terms = |ids: &[String], vocabulary: &[clusterhub_reference::Term]| -> Vec<Named> {
        ids.iter()
            .map(|id| Named {
                id: id.clone(),
                name: vocabulary
                    .iter()
                    .find(|term| term.id == *id)
                    .map_or_else(|| id.clone(), |term| term.label(lang).to_owned()),
            })
            .collect()
    };
    let nuts_table = reference.nuts(NutsVersion::V2021);
    let nuts = profile.nuts.as_deref().map(|code| {
        let chain = nuts_table.ancestors(code);
        match chain.split_first() {
            Some((region, above)) => NutsView {
                code: region.code.clone(),
                level: region.level,
                name: region.name.clone(),
                ancestry: above
                    .iter()
                    .map(|region| NutsRegionView {
                        code: region.code.clone(),
                        level: region.level,
                        name: region.name.clone(),
                    })
                    .collect(),
                centroid: region.centroid,
            },
            None => NutsView {
                code: code.to_owned(),
                level: u8::try_from(code.len().saturating_sub(2)).unwrap_or(0),
                name: code.to_owned(),
                ancestry: Vec::new(),
                centroid: None,
            },
        }
    });
    let money = |cents: Option<i64>, currency: &Option<String>| {
        cents.map(|cents| MoneyView {
            cents,
            currency: currency.clone().unwrap_or_else(|| String::from("EUR")),
        })
    };
    let declared = [
        profile.members_sme,
        profile.members_large,
        profile.members_research,
        profile.members_other,
    ];
    let total = declared
        .iter()
        .flatten()
        .copied()
        .reduce(|sum, count| sum.saturating_add(count));
    let label = profile.label.as_deref().map(|level| LabelView {
        level: level.to_owned(),
        name: LabelLevel::from_slug(level).map_or_else(
            || level.to_owned(),
            |level| level.label(language).to_owned(),
        ),
        awarded: profile.label_date.clone(),
        expires: profile.label_date.as_deref().and_then(|awarded| {
            let validity = LabelLevel::from_slug(level).map_or(2, LabelLevel::validity_years);
            label_expiry(awarded, validity)
        }),
    });
    OrganisationProfile {
        id: stored.id,
        external_key: profile.external_key.clone(),
        revision: stored.revision,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        lang: lang.code(),
        kind: kind_name(&profile.kind),
        name: profile.name.clone(),
        names: profile.names.clone(),
        descriptions: profile.descriptions.clone(),
        website: profile.website.clone(),
        email: profile.email.clone(),
        pic: profile.pic.clone(),
        vat: profile.vat.clone(),
        country: country(&profile.country),
        nuts,
        city: profile.city.clone(),
        lat: profile.lat,
        lon: profile.lon,
        founded: profile.founded,
        staff: profile.staff,
        staff_band: profile
            .staff
            .and_then(|staff| u32::try_from(staff).ok())
            .and_then(StaffBand::for_count)
            .map(|band| Named {
                id: band.slug().to_owned(),
                name: band.label(language).to_owned(),
            }),
        turnover: money(profile.turnover_cents, &profile.turnover_currency),
        balance_sheet: money(profile.balance_sheet_cents, &profile.balance_sheet_currency),
        sme_status: Named {
            id: profile.sme_status.clone(),
            name: SmeStatus::from_slug(&profile.sme_status).map_or_else(
                || profile.sme_status.clone(),
                |status| status.label(language).to_owned(),
            ),
        },
        sectors: profile
            .sectors
            .iter()
            .map(|id| Named {
                id: id.clone(),
                name: id
                    .parse::<u8>()
                    .ok()
                    .and_then(|number| reference.cluster_category(number))
                    .map_or_else(|| id.clone(), |category| category.name(lang).to_owned()),
            })
            .collect(),
        nace: profile
            .nace
            .iter()
            .map(|code| Named {
                id: code.clone(),
                name: reference
                    .nace()
                    .get(code)
                    .map_or_else(|| code.clone(), |activity| activity.label(lang).to_owned()),
            })
            .collect(),
        technologies: terms(&profile.technologies, reference.technology_fields()),
        s3_areas: terms(&profile.s3_areas, reference.s3_priority_areas()),
        emerging: terms(&profile.emerging, reference.emerging_industries()),
        target_countries: TargetCountries {
            international: profile
                .target_international
                .iter()
                .map(|code| country(code))
                .collect(),
            transnational: profile
                .target_transnational
                .iter()
                .map(|code| country(code))
                .collect(),
        },
        escp: profile.escp.clone(),
        label,
        offers: profile.offers.clone(),
        requests: profile.requests.clone(),
        member_counts: MemberCounts {
            sme: profile.members_sme,
            large: profile.members_large,
            research: profile.members_research,
            other: profile.members_other,
            total,
        },
        member_of: clusters
            .into_iter()
            .map(|(id, name)| LinkedOrganisation {
                id,
                name,
                kind: None,
            })
            .collect(),
        cluster_members: cluster_members.map(|(members, total)| ClusterMembers {
            total,
            members: members
                .into_iter()
                .map(|(id, name, kind)| LinkedOrganisation {
                    id,
                    name,
                    kind: Some(kind_name(&kind)),
                })
                .collect(),
        }),
        participations: participations
            .into_iter()
            .map(|participation| ParticipationView {
                acronym: participation.project.acronym,
                title: participation.project.title,
                programme: participation.project.programme,
                role: participation.role,
                ec_contribution_cents: participation.ec_contribution_cents,
                currency: participation.project.currency,
                start_date: participation.project.start_date,
                end_date: participation.project.end_date,
            })
            .collect(),
    }
}

/// The first day a label awarded on `awarded` (`YYYY-MM-DD`) is no longer valid: the same day
/// `years` later, 1 March for a label awarded on 29 February.
pub fn label_expiry(awarded: &str, years: i32) -> Option<String> {
    let mut parts = awarded.get(..10)?.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let year = year.checked_add(years)?;
    let is_leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let (month, day) = if month == 2 && day == 29 && !is_leap {
        (3, 1)
    } else {
        (month, day)
    };
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The organisation id of a path: a positive whole number, else the organisation is not found.
pub fn parse_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::OrganisationNotFound,
        format!(
            "No organisation has the id `{id}`. Ids are the positive whole numbers the directory gives."
        ),
    )
}

/// One organisation's whole profile, with the names of its codes in one language, the clusters
/// it belongs to, a cluster's members and the EU projects it took part in.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}",
    operation_id = "organisation",
    tag = "organisations",
    params(
        ("id" = i64, Path, minimum = 1, example = 1, description = "The organisation's id"),
        ("lang" = Option<super::openapi::LangValue>, Query, description = "The language of the names of codes; English when absent"),
    ),
    responses(
        (status = 200, description = "The profile", body = OrganisationProfile),
        (status = 304, response = super::openapi::NotModified),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, description = "No organisation has this id (`organisation_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn organisation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParameters::parse(query.as_deref(), &["lang"])?;
    let locale = query
        .choice("lang", &[("en", "en"), ("fr", "fr"), ("de", "de")])?
        .and_then(Locale::from_code)
        .unwrap_or_default();
    let Some(numeric_id) = parse_id(&id) else {
        return Err(not_found(&id));
    };
    let profile = load_profile(state.storage(), state.reference(), numeric_id, locale)
        .await?
        .ok_or_else(|| not_found(&id))?;
    cacheable_json(&headers, &profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_expire_on_the_same_day_years_later() {
        assert_eq!(label_expiry("2024-05-31", 2).as_deref(), Some("2026-05-31"));
        assert_eq!(label_expiry("2024-02-29", 2).as_deref(), Some("2026-03-01"));
        assert_eq!(label_expiry("2024-02-29", 4).as_deref(), Some("2028-02-29"));
        assert_eq!(label_expiry("soon", 2), None);
    }

    #[test]
    fn only_positive_whole_numbers_are_ids() {
        assert_eq!(parse_id("42"), Some(42));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("-3"), None);
        assert_eq!(parse_id("abc"), None);
        assert_eq!(parse_id("99999999999999999999"), None);
    }
}
