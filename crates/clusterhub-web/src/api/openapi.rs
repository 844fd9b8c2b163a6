//! The OpenAPI 3.1 document of `/api/v1`, generated from the code with utoipa, and
//! `GET /api/v1/openapi.json`, which serves it.
//!
//! Every handler carries a `#[utoipa::path]` attribute next to its code, and each resource
//! module lists its operations in a `Doc` beside its `router()`; [`document`] merges them with
//! what they share, defined here: the problem+json answers, the search parameters (built from
//! the facet groups and checked by the very parser the search uses), and stand-ins for the
//! reference crate's types (which does not depend on utoipa). The document is committed at
//! `docs/openapi.json`; a test fails when the two differ, and another when a route under
//! `/api/v1` has no operation in the document.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use clusterhub_domain::{LabelLevel, MembersBand, OrgType, SmeStatus, StaffBand};
use clusterhub_reference::{
    CohesionPeriod, Lang, NutsTranslationMethod, NutsVersion, Reference, RegionCategory,
};
use clusterhub_search::{FacetGroup, MAX_MAP_LEVEL, MAX_RESULT_WINDOW};
use serde::Serialize;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, OpenApi as Document, Ref, RefOr, Required, Response as Answer,
    ResponseBuilder, Schema,
};
use utoipa::{IntoParams, OpenApi, PartialSchema, ToResponse, ToSchema};

use crate::AppState;
use crate::caching::cacheable_json;
use crate::error::{ApiError, ErrorCode, PROBLEM_JSON, PROBLEM_TYPE_PREFIX};
use crate::query::QueryParameters;
use crate::search_params::{
    BBOX, DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_TEXT_CHARS, MAX_VALUES_PER_GROUP, NEAR, PAGE,
    PER_PAGE, SORT, SORTS, TEXT, normalise_value,
};

/// `GET /api/v1/openapi.json`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi_json))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(paths(openapi_json))]
pub(super) struct Doc;

/// The document's frame: what it is, its tags, and the parts operations share.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Clusterhub API",
        version = "1",
        description = "The JSON API of Clusterhub, the European cluster platform: the directory \
            of organisations (keyword and faceted search with disjunctive counts, map markers, \
            profiles, CSV and XLSX exports) and its reference data.\n\n\
            Every error is an RFC 9457 `application/problem+json` answer whose `code` is one of \
            the stable codes listed at `/api/v1/problems`. A query parameter the endpoint does \
            not know, a repeated single-valued parameter or a value it does not accept is a 400 \
            that names the parameter. Reference data carries a weak `ETag`; a request with a \
            matching `If-None-Match` is answered 304 without a body.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    tags(
        (name = "service", description = "Where to start, health, this document and the error codes"),
        (name = "organisations", description = "The directory: search, profiles, map markers and exports"),
        (name = "taxonomies", description = "Reference data: NUTS, NACE, countries, cities and the profile vocabularies"),
        (name = "observatory", description = "Regional employment by sector (Eurostat): shares, location quotients, ranks, growth and cluster stars, with CSV and XLSX exports"),
        (name = "accounts", description = "Signing in and out, the signed-in person, roles and the audit log"),
    ),
    components(
        schemas(
            crate::error::ProblemDetails,
            ErrorCodeName,
            OrganisationTypeValue,
            CountryCodeValue,
            NutsCodeValue,
            ClusterCategoryValue,
            NaceCodeValue,
            NaceParentValue,
            NutsParentValue,
            TechnologyFieldValue,
            S3PriorityAreaValue,
            EmergingIndustryValue,
            StaffBandValue,
            MembersBandValue,
            LabelLevelValue,
            ProgrammeCodeValue,
            SmeStatusValue,
            LangValue,
            NutsVersionValue,
            CohesionPeriodValue,
            RegionCategoryValue,
            NutsTranslationMethodValue,
            CountryView,
            CityView,
        ),
        responses(
            BadRequest,
            NotModified,
            TooManyRequests,
            UriTooLong,
            InternalError,
            DatabaseUnavailable
        ),
    ),
)]
struct Frame;

/// The whole document: the frame and every resource module's operations.
pub fn document() -> &'static Document {
    static DOCUMENT: LazyLock<Document> = LazyLock::new(|| {
        let mut document = Frame::openapi();
        for part in super::documents() {
            document.merge(part);
        }
        answer_429_on_every_change(&mut document);
        document
    });
    &DOCUMENT
}

/// Every state-changing request with a session passes the form rate limit (`auth/`), so every
/// POST, PUT, PATCH and DELETE operation can answer 429; operations that declare their own 429
/// keep it.
fn answer_429_on_every_change(document: &mut Document) {
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            operation
                .responses
                .responses
                .entry(String::from("429"))
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooManyRequests")));
        }
    }
}

/// The document as the committed `docs/openapi.json` holds it: pretty-printed, with a final
/// newline.
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(document()).expect("the document serialises");
    text.push('\n');
    text
}

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    tag = "service",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of `/api/v1`", content_type = "application/json", body = Object),
        (status = 304, response = NotModified),
        (status = 400, response = BadRequest),
    ),
)]
pub(super) async fn openapi_json(
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    cacheable_json(&headers, document())
}

// ---------------------------------------------------------------------------------------------
// Answers every operation shares.

/// A problem+json answer with this description.
fn problem_answer(description: &str) -> Answer {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// 400: a parameter the endpoint does not know, gives twice or does not accept.
pub(crate) struct BadRequest;

impl<'r> ToResponse<'r> for BadRequest {
    fn response() -> (&'r str, RefOr<Answer>) {
        (
            "BadRequest",
            problem_answer(
                "The request is refused: a query parameter the endpoint does not know \
                 (`unknown_parameter`), a single-valued parameter given twice \
                 (`repeated_parameter`), or a value it does not accept (`invalid_parameter`, \
                 `bad_request`, `export_too_large`). `parameter` names the parameter at fault.",
            )
            .into(),
        )
    }
}

/// 304: the client's copy is current.
pub(crate) struct NotModified;

impl<'r> ToResponse<'r> for NotModified {
    fn response() -> (&'r str, RefOr<Answer>) {
        (
            "NotModified",
            ResponseBuilder::new()
                .description(
                    "The `If-None-Match` header names the answer's current `ETag`: the client's \
                     copy is current. No body.",
                )
                .header(
                    "ETag",
                    HeaderBuilder::new()
                        .schema(String::schema())
                        .description(Some("The weak validator of the answer"))
                        .build(),
                )
                .build()
                .into(),
        )
    }
}

/// 429: too many requests from this address or account; `Retry-After` says when to try again.
pub(crate) struct TooManyRequests;

impl<'r> ToResponse<'r> for TooManyRequests {
    fn response() -> (&'r str, RefOr<Answer>) {
        let mut answer = problem_answer(
            "Too many requests of this kind from this address or account in the last minutes \
             (`too_many_requests`): sign-in attempts, password resets, sign-ups, and every \
             state-changing request made with a session. Try again after `Retry-After` seconds.",
        );
        answer.headers.insert(
            String::from("Retry-After"),
            HeaderBuilder::new()
                .schema(u64::schema())
                .description(Some("Seconds to wait before trying again"))
                .build(),
        );
        ("TooManyRequests", answer.into())
    }
}

/// 414: the request line is longer than the server reads.
pub(crate) struct UriTooLong;

impl<'r> ToResponse<'r> for UriTooLong {
    fn response() -> (&'r str, RefOr<Answer>) {
        (
            "UriTooLong",
            ResponseBuilder::new()
                .description(
                    "The request's URL is longer than the HTTP server reads (64 KiB); it is \
                     refused before it reaches the API, without a body. Long lists of values \
                     (such as many export ids) can get there.",
                )
                .build()
                .into(),
        )
    }
}

/// 500: the server failed; the cause is logged, not sent.
pub(crate) struct InternalError;

impl<'r> ToResponse<'r> for InternalError {
    fn response() -> (&'r str, RefOr<Answer>) {
        (
            "InternalError",
            problem_answer(
                "The server could not answer (`internal_error`); the cause is logged with the \
                 request id of the `x-request-id` header, never sent.",
            )
            .into(),
        )
    }
}

/// 503: the database does not answer.
pub(crate) struct DatabaseUnavailable;

impl<'r> ToResponse<'r> for DatabaseUnavailable {
    fn response() -> (&'r str, RefOr<Answer>) {
        (
            "DatabaseUnavailable",
            problem_answer(
                "The database does not answer within 5 s (`database_unavailable`); try again \
                 later.",
            )
            .into(),
        )
    }
}

/// The stable error codes, from [`ErrorCode::ALL`].
pub(crate) struct ErrorCodeName;

impl PartialSchema for ErrorCodeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(format!(
                "One of the stable error codes; `{PROBLEM_TYPE_PREFIX}{{code}}` explains each."
            )))
            .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.code())))
            .into()
    }
}

impl ToSchema for ErrorCodeName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorCode")
    }
}

// ---------------------------------------------------------------------------------------------
// The directory's search parameters.

/// Declares a schema-only type named `$name` whose schema is `$schema`.
macro_rules! named_schema {
    ($(#[$meta:meta])* $type:ident, $name:literal, $schema:expr) => {
        $(#[$meta])*
        pub(crate) struct $type;

        impl PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }

        impl ToSchema for $type {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

/// A string schema listing `values`.
fn string_enum<I, S>(description: &str, values: I) -> RefOr<Schema>
where
    I: IntoIterator<Item = S>,
    S: Into<serde_json::Value>,
{
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// The ids the search parser accepts for `group`, out of `candidates`: each one kept only if
/// [`normalise_value`] takes it and gives it back unchanged, so every documented value is one
/// the API answers 200 for and the facet counts name the same way.
fn accepted(group: FacetGroup, candidates: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut values: Vec<String> = candidates
        .into_iter()
        .filter(|value| normalise_value(group, value).is_ok_and(|id| id == *value))
        .collect();
    values.sort();
    values.dedup();
    values
}

/// A value serialised as the API writes it.
fn serialised<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("a reference enum serialises")
}

named_schema!(OrganisationTypeValue, "OrganisationType", {
    let slugs = OrgType::ALL.iter().map(|kind| kind.slug().to_owned());
    string_enum("An organisation type", accepted(FacetGroup::Kind, slugs))
});

named_schema!(CountryCodeValue, "CountryCode", {
    let codes = Reference::get()
        .countries()
        .iter()
        .map(|country| country.alpha2.clone());
    string_enum(
        "An ISO 3166-1 alpha-2 country code (in a filter, the EU's `EL` and `UK` and any letter \
         case are accepted too and read as `GR` and `GB`)",
        accepted(FacetGroup::Country, codes),
    )
});

named_schema!(NutsCodeValue, "NutsCode", {
    let codes = Reference::get()
        .nuts(NutsVersion::V2021)
        .iter()
        .map(|region| region.code.clone());
    string_enum(
        "A NUTS 2021 region of level 0 to 3 (a filter on a region matches everything inside it)",
        accepted(FacetGroup::Nuts, codes),
    )
});

named_schema!(ClusterCategoryValue, "ClusterCategory", {
    let ids: Vec<u8> = Reference::get()
        .cluster_categories()
        .iter()
        .map(|category| category.id)
        .filter(|id| normalise_value(FacetGroup::Sector, &id.to_string()).is_ok())
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .description(Some(
            "A cluster category (sectoral industry) number; see \
             `/api/v1/taxonomies/cluster-categories`",
        ))
        .minimum(ids.iter().min().copied())
        .maximum(ids.iter().max().copied())
        .into()
});

named_schema!(NaceCodeValue, "NaceCode", {
    let codes = Reference::get()
        .nace()
        .iter()
        .map(|activity| activity.code.clone());
    string_enum(
        "A NACE Rev. 2 section, division, group or class in its dotted form (a filter also \
         takes `6201` for `62.01`, and matches everything inside the activity)",
        accepted(FacetGroup::Nace, codes),
    )
});

named_schema!(
    /// The regions `/api/v1/taxonomies/nuts` can list the inside of: levels 0 to 2 (of NUTS
    /// 2021, the default version).
    NutsParentValue,
    "NutsParentCode",
    string_enum(
        "A NUTS 2021 region of level 0 to 2 (with `version=2016`, a region of NUTS 2016 instead)",
        Reference::get()
            .nuts(NutsVersion::V2021)
            .iter()
            .filter(|region| region.level <= 2)
            .map(|region| region.code.clone())
    )
);

named_schema!(
    /// The activities `/api/v1/taxonomies/nace` can list the inside of: sections, divisions and
    /// groups.
    NaceParentValue,
    "NaceParentCode",
    string_enum(
        "A NACE Rev. 2 section, division or group in its dotted form",
        Reference::get()
            .nace()
            .iter()
            .filter(|activity| activity.level <= 3)
            .map(|activity| activity.code.clone())
    )
);

named_schema!(TechnologyFieldValue, "TechnologyField", {
    let ids = Reference::get()
        .technology_fields()
        .iter()
        .map(|term| term.id.clone());
    string_enum(
        "A technology field id; see `/api/v1/taxonomies/technology-fields`",
        accepted(FacetGroup::Technology, ids),
    )
});

named_schema!(S3PriorityAreaValue, "S3PriorityArea", {
    let ids = Reference::get()
        .s3_priority_areas()
        .iter()
        .map(|term| term.id.clone());
    string_enum(
        "An S3 EU priority area id; see `/api/v1/taxonomies/s3-priority-areas`",
        accepted(FacetGroup::S3, ids),
    )
});

named_schema!(EmergingIndustryValue, "EmergingIndustry", {
    let ids = Reference::get()
        .emerging_industries()
        .iter()
        .map(|term| term.id.clone());
    string_enum(
        "An emerging industry id; see `/api/v1/taxonomies/emerging-industries`",
        accepted(FacetGroup::Emerging, ids),
    )
});

named_schema!(StaffBandValue, "StaffBand", {
    let slugs = StaffBand::ALL.iter().map(|band| band.slug().to_owned());
    string_enum(
        "A band of staff numbers",
        accepted(FacetGroup::Staff, slugs),
    )
});

named_schema!(MembersBandValue, "MembersBand", {
    let slugs = MembersBand::ALL.iter().map(|band| band.slug().to_owned());
    string_enum(
        "A band of a cluster's member numbers",
        accepted(FacetGroup::Members, slugs),
    )
});

named_schema!(LabelLevelValue, "LabelLevel", {
    let slugs = LabelLevel::ALL.iter().map(|level| level.slug().to_owned());
    string_enum(
        "A cluster excellence label level",
        accepted(FacetGroup::Label, slugs),
    )
});

named_schema!(
    ProgrammeCodeValue,
    "ProgrammeCode",
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "An EU programme code as the projects carry it (`H2020`, `FP7`, `HORIZON`); \
             programmes are an open list, so only the shape is checked",
        ))
        .pattern(Some("^[A-Za-z0-9._-]{1,32}$"))
        .into()
);

named_schema!(SmeStatusValue, "SmeStatus", {
    let slugs = SmeStatus::ALL.iter().map(|status| status.slug().to_owned());
    string_enum(
        "An SME status (Recommendation 2003/361/EC)",
        accepted(FacetGroup::Sme, slugs),
    )
});

/// The schema of one value of a filter group.
fn group_value_schema(group: FacetGroup) -> RefOr<Schema> {
    let name = match group {
        FacetGroup::Kind => OrganisationTypeValue::name(),
        FacetGroup::Country | FacetGroup::TargetCountry => CountryCodeValue::name(),
        FacetGroup::Nuts => NutsCodeValue::name(),
        FacetGroup::Sector => ClusterCategoryValue::name(),
        FacetGroup::Nace => NaceCodeValue::name(),
        FacetGroup::Technology => TechnologyFieldValue::name(),
        FacetGroup::S3 => S3PriorityAreaValue::name(),
        FacetGroup::Emerging => EmergingIndustryValue::name(),
        FacetGroup::Staff => StaffBandValue::name(),
        FacetGroup::Members => MembersBandValue::name(),
        FacetGroup::Label => LabelLevelValue::name(),
        FacetGroup::Escp => return bool::schema(),
        FacetGroup::Programme => ProgrammeCodeValue::name(),
        FacetGroup::Sme => SmeStatusValue::name(),
    };
    Ref::from_schema_name(name).into()
}

/// What a filter group selects.
fn group_description(group: FacetGroup) -> &'static str {
    match group {
        FacetGroup::Kind => "Organisation type",
        FacetGroup::Country => "Country (ISO 3166-1 alpha-2)",
        FacetGroup::Nuts => "NUTS 2021 region, any level; matches the regions inside it",
        FacetGroup::Sector => "Cluster category (sectoral industry) number",
        FacetGroup::Nace => "NACE Rev. 2 activity, any level; matches the activities inside it",
        FacetGroup::Technology => "Technology field",
        FacetGroup::S3 => "S3 EU priority area",
        FacetGroup::Emerging => "Emerging industry",
        FacetGroup::Staff => "Band of staff numbers",
        FacetGroup::Members => "Band of a cluster's member numbers",
        FacetGroup::Label => "Cluster excellence label level",
        FacetGroup::Escp => {
            "Member of a European Strategic Cluster Partnership (`true`) or not (`false`)"
        }
        FacetGroup::Programme => "Participation in an EU programme",
        FacetGroup::TargetCountry => "Target country of international or trans-national activities",
        FacetGroup::Sme => "SME status",
    }
}

/// A query parameter.
fn query_parameter(name: &str, description: String, schema: RefOr<Schema>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// A query parameter that may repeat (`country=DE&country=FR`).
fn repeated_parameter(name: &str, description: String, items: RefOr<Schema>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(
            ArrayBuilder::new()
                .items(items)
                .max_items(Some(MAX_VALUES_PER_GROUP)),
        ))
        .style(Some(ParameterStyle::Form))
        .explode(Some(true))
        .build()
}

/// A longitude in decimal degrees, from -180 to 180, as a regular expression.
const LONGITUDE: &str = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)";

/// A latitude in decimal degrees, from -90 to 90, as a regular expression.
const LATITUDE: &str = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)";

/// Whether an operation pages its hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    Paged,
    Unpaged,
}

/// The directory's search parameters as `crate::search_params::parse_search` reads them: one
/// repeatable filter per facet group, then `q`, `bbox`, `near`, `sort` and, when paged, `page`
/// and `per_page`.
pub(crate) fn search_parameters(paging: Paging) -> Vec<Parameter> {
    let mut parameters: Vec<Parameter> = FacetGroup::ALL
        .iter()
        .map(|group| {
            repeated_parameter(
                group.slug(),
                format!(
                    "{}. Repeat the parameter for alternatives (OR); different filters must all \
                     hold (AND). At most {MAX_VALUES_PER_GROUP} values.",
                    group_description(*group)
                ),
                group_value_schema(*group),
            )
        })
        .collect();
    parameters.push(query_parameter(
        TEXT,
        format!(
            "Keywords, searched in every language of the profiles (names, descriptions, offers, \
             requests, NACE labels). At most {MAX_TEXT_CHARS} characters, not only spaces."
        ),
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_TEXT_CHARS))
            .pattern(Some(r"\S"))
            .into(),
    ));
    parameters.push(query_parameter(
        BBOX,
        String::from(
            "The map box `west,south,east,north` in degrees: longitudes from -180 to 180, \
             latitudes from -90 to 90, south not above north; west east of east crosses the \
             antimeridian.",
        ),
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(
                "^{LONGITUDE},{LATITUDE},{LONGITUDE},{LATITUDE}$"
            )))
            .examples([serde_json::json!("5.9,47.3,15.0,55.1")])
            .into(),
    ));
    parameters.push(query_parameter(
        NEAR,
        String::from(
            "A point `lat,lon` in degrees to measure distances from: each hit gets its \
             `distance_km`, and `sort=distance` orders by it.",
        ),
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!("^{LATITUDE},{LONGITUDE}$")))
            .examples([serde_json::json!("48.14,11.58")])
            .into(),
    ));
    parameters.push(query_parameter(
        SORT,
        String::from(
            "The order of the hits: keyword relevance (the default; by name without keywords), \
             name, or distance from `near` (which it needs).",
        ),
        string_enum(
            "An order of the hits",
            SORTS.iter().map(|(name, _)| (*name).to_owned()),
        ),
    ));
    if paging == Paging::Paged {
        parameters.push(query_parameter(
            PAGE,
            format!(
                "The page, counted from 1. A search lists at most its first {MAX_RESULT_WINDOW} \
                 hits, so `page` × `per_page` may not exceed {MAX_RESULT_WINDOW}."
            ),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(MAX_RESULT_WINDOW))
                .default(Some(serde_json::json!(1)))
                .into(),
        ));
        parameters.push(query_parameter(
            PER_PAGE,
            format!("Hits per page, at most {MAX_PER_PAGE}."),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(MAX_PER_PAGE))
                .default(Some(serde_json::json!(DEFAULT_PER_PAGE)))
                .into(),
        ));
    }
    parameters
}

/// The parameters of `GET /api/v1/organisations`.
pub(crate) struct SearchParameters;

impl IntoParams for SearchParameters {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        search_parameters(Paging::Paged)
    }
}

/// The parameters of the map markers: the search without paging, and the grid level.
pub(crate) struct MapParameters;

impl IntoParams for MapParameters {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut parameters = search_parameters(Paging::Unpaged);
        parameters.push(query_parameter(
            "zoom",
            format!(
                "The grid level: cells of 360/2^zoom degrees of longitude by 180/2^zoom of \
                 latitude. 6 when absent, at most {MAX_MAP_LEVEL}."
            ),
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(MAX_MAP_LEVEL))
                .default(Some(serde_json::json!(6)))
                .into(),
        ));
        parameters
    }
}

/// The parameters of the exports: the search without paging, or a list of ids.
pub(crate) struct ExportParameters;

impl IntoParams for ExportParameters {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut parameters = search_parameters(Paging::Unpaged);
        parameters.push(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(format!(
                    "Organisations to export by id, in the order given, instead of a search \
                     (it cannot be combined with search parameters). At most {} ids.",
                    super::organisations_export::EXPORT_MAX_ROWS
                )))
                .schema(Some(
                    ArrayBuilder::new()
                        .items(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                                .minimum(Some(1)),
                        )
                        .max_items(Some(super::organisations_export::EXPORT_MAX_ROWS)),
                ))
                .style(Some(ParameterStyle::Form))
                .explode(Some(true))
                .build(),
        );
        parameters
    }
}

/// The facet counts of a search: every group by its slug, each a map from value to count.
pub(crate) struct FacetCounts;

impl PartialSchema for FacetCounts {
    fn schema() -> RefOr<Schema> {
        let counts = || {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(AdditionalProperties::from(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .minimum(Some(0)),
                )))
        };
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "The counts of every facet group (by the filter parameter's name), each a map from \
             value to the number of organisations found. Counts are disjunctive: a group's \
             counts apply every filter except the group's own. A value is written the way the \
             filter takes it back.",
            ));
        for group in FacetGroup::ALL {
            object = object
                .property(
                    group.slug(),
                    counts().description(Some(group_description(group))),
                )
                .required(group.slug());
        }
        object.into()
    }
}

impl ToSchema for FacetCounts {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("FacetCounts")
    }
}

// ---------------------------------------------------------------------------------------------
// Stand-ins for the reference crate's types, which the API writes as they serialise.

named_schema!(
    /// A label language, as [`Lang`] serialises.
    LangValue,
    "Lang",
    string_enum("A label language", Lang::ALL.iter().map(serialised))
);

named_schema!(
    /// A NUTS version, as [`NutsVersion`] serialises.
    NutsVersionValue,
    "NutsVersion",
    string_enum("A NUTS version", NutsVersion::ALL.iter().map(serialised))
);

named_schema!(
    /// A cohesion-policy period, as [`CohesionPeriod`] serialises.
    CohesionPeriodValue,
    "CohesionPeriod",
    string_enum(
        "A cohesion-policy programming period",
        CohesionPeriod::ALL.iter().map(serialised)
    )
);

named_schema!(
    /// A cohesion-policy region category, as [`RegionCategory`] serialises.
    RegionCategoryValue,
    "RegionCategory",
    string_enum(
        "A cohesion-policy region category",
        [
            RegionCategory::LessDeveloped,
            RegionCategory::Transition,
            RegionCategory::MoreDeveloped,
        ]
        .iter()
        .map(serialised)
    )
);

named_schema!(
    /// How an old NUTS code maps to NUTS 2021: `unchanged`, or a [`NutsTranslationMethod`].
    NutsTranslationMethodValue,
    "NutsRecodingMethod",
    string_enum(
        "How an old NUTS code maps to NUTS 2021",
        std::iter::once(serde_json::json!("unchanged")).chain(
            [
                NutsTranslationMethod::Recoded,
                NutsTranslationMethod::ExtraRegio,
                NutsTranslationMethod::CommonAncestor,
                NutsTranslationMethod::Parent,
                NutsTranslationMethod::NoSuccessor,
            ]
            .iter()
            .map(serialised)
        )
    )
);

/// A country, as `clusterhub_reference::Country` serialises.
#[derive(ToSchema)]
#[schema(as = Country)]
#[allow(dead_code)]
pub(crate) struct CountryView {
    /// The ISO 3166-1 alpha-2 code (`GR`, `GB`).
    alpha2: String,
    /// The ISO 3166-1 alpha-3 code.
    alpha3: String,
    /// The ISO 3166-1 numeric code (0 for Kosovo, which has none).
    numeric: u16,
    /// The short English name.
    name: String,
    /// The code EU statistics use: `EL` for Greece, `UK` for the United Kingdom, otherwise the
    /// alpha-2 code.
    eu_code: String,
    /// Whether the country is one of the 27 member states of the European Union today.
    eu_member: bool,
    /// Whether NUTS 2021 has regions for the country.
    nuts: bool,
}

/// A city, as `clusterhub_reference::City` serialises.
#[derive(ToSchema)]
#[schema(as = City)]
#[allow(dead_code)]
pub(crate) struct CityView {
    /// The GeoNames identifier.
    geonameid: u32,
    /// The name in its usual local spelling.
    name: String,
    /// The name in plain ASCII letters.
    ascii: String,
    /// The ISO 3166-1 alpha-2 code of the country (`GR`, `GB`, not `EL`, `UK`).
    country: String,
    /// Latitude in degrees (WGS 84).
    lat: f64,
    /// Longitude in degrees (WGS 84).
    lon: f64,
    /// Population as GeoNames records it.
    population: u32,
    /// The NUTS 2021 level-3 region the city lies in; null outside NUTS.
    #[schema(required = true)]
    nuts3: Option<String>,
}
