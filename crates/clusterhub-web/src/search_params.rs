//! The directory's search parameters, read from a query string into a
//! [`clusterhub_search::SearchQuery`]: one parser, one set of names, shared by the JSON search
//! (`/api/v1/organisations`), its exports and the HTML directory page (`/organisations`).
//!
//! Filter groups may repeat (`country=DE&country=FR`): values within one group are alternatives
//! (OR), the groups must all hold (AND). Every value is checked against the platform's reference
//! data and turned into the stable id the index and the facet counts use (`el` → `GR`, `6201` →
//! `62.01`), so a facet value can always be sent back as a filter. Anything unknown is a 400
//! naming the parameter.

use std::collections::BTreeMap;

use clusterhub_domain::{
    ClusterCategoryId, CountryCode, EmergingIndustry, LabelLevel, MembersBand, NaceCode, NutsCode,
    OrgType, S3PriorityArea, SmeStatus, StaffBand, TechnologyField,
};
use clusterhub_search::{BoundingBox, FacetGroup, Filters, MAX_RESULT_WINDOW, SearchQuery, Sort};

use crate::error::{ApiError, ErrorCode};

/// Hits per page when `per_page` is absent.
pub const DEFAULT_PER_PAGE: usize = 20;

/// The most hits one page may hold; a larger `per_page` is refused with a 400.
pub const MAX_PER_PAGE: usize = 100;

/// The keyword parameter.
pub const TEXT: &str = "q";
/// The map box parameter: `west,south,east,north` in degrees.
pub const BBOX: &str = "bbox";
/// The point parameter: `lat,lon` in degrees.
pub const NEAR: &str = "near";
/// The order parameter: `relevance`, `name` or `distance`.
pub const SORT: &str = "sort";
/// The page parameter, counted from 1.
pub const PAGE: &str = "page";
/// The page size parameter.
pub const PER_PAGE: &str = "per_page";

/// The longest keyword text `q` a directory search accepts, in characters (Unicode scalar
/// values, as JSON Schema's `maxLength` counts them).
pub const MAX_TEXT_CHARS: usize = 500;

/// The most values one filter group may list (repeats included).
pub const MAX_VALUES_PER_GROUP: usize = 100;

/// The sort orders by name.
pub const SORTS: &[(&str, Sort)] = &[
    ("relevance", Sort::Relevance),
    ("name", Sort::Name),
    ("distance", Sort::Distance),
];

/// Every parameter of a directory search, filters first (their names are the facet groups'
/// slugs), then keywords, box, point, order and page.
pub fn search_parameter_names() -> Vec<&'static str> {
    FacetGroup::ALL
        .iter()
        .map(|group| group.slug())
        .chain([TEXT, BBOX, NEAR, SORT, PAGE, PER_PAGE])
        .collect()
}

/// How [`parse_search`] treats what it is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions<'a> {
    /// Parameters the caller reads itself (for example `lang` on a page, `id` on an export);
    /// they are accepted and handed back in [`ParsedSearch::other`]. They may repeat.
    pub extra: &'a [&'a str],
    /// Treat an empty value as absent (what an HTML form sends for a field left blank) instead
    /// of refusing it (the API's rule).
    pub ignore_empty: bool,
    /// The endpoint answers every hit at once (an export): `page` and `per_page` are unknown
    /// parameters there.
    pub no_paging: bool,
}

/// A read query string: the search, and the caller's own parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSearch {
    pub query: SearchQuery,
    /// The values of the caller's [`ParseOptions::extra`] parameters, in the order given.
    pub other: BTreeMap<String, Vec<String>>,
}

impl ParsedSearch {
    /// The values of one of the caller's parameters (empty if absent).
    pub fn other(&self, name: &str) -> &[String] {
        self.other.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Reads a raw query string (without the `?`) into a search.
///
/// Refuses, with a 400 naming the parameter: a parameter that is neither a search parameter nor
/// one of `options.extra`; a repeated single-valued parameter (`q`, `bbox`, `near`, `sort`,
/// `page`, `per_page`); a filter value that is not a known id; a malformed box or point; a
/// distance order without `near`; `per_page` above [`MAX_PER_PAGE`]; a page beyond
/// [`MAX_RESULT_WINDOW`] hits.
pub fn parse_search(
    query: Option<&str>,
    options: ParseOptions<'_>,
) -> Result<ParsedSearch, ApiError> {
    let mut single: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut groups: BTreeMap<FacetGroup, Vec<String>> = BTreeMap::new();
    let mut given: BTreeMap<FacetGroup, usize> = BTreeMap::new();
    let mut other: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if name.is_empty() && value.is_empty() {
            continue;
        }
        let value = value.trim();
        if let Some(extra) = options.extra.iter().find(|extra| **extra == name) {
            other
                .entry((*extra).to_owned())
                .or_default()
                .push(value.to_owned());
            continue;
        }
        if value.is_empty() {
            if options.ignore_empty && known_name(&name) {
                continue;
            }
            if known_name(&name) {
                return Err(ApiError::invalid_parameter(
                    &name,
                    format!("The parameter `{name}` is empty; give a value or leave it out."),
                ));
            }
        }
        if let Some(group) = FacetGroup::from_slug(&name) {
            let count = given.entry(group).or_default();
            *count += 1;
            if *count > MAX_VALUES_PER_GROUP {
                return Err(ApiError::invalid_parameter(
                    &name,
                    format!(
                        "`{name}` is given more than {MAX_VALUES_PER_GROUP} times; narrow the selection."
                    ),
                ));
            }
            let values = groups.entry(group).or_default();
            let normalised = normalise_value(group, value)?;
            if !values.contains(&normalised) {
                values.push(normalised);
            }
            continue;
        }
        let paging = !options.no_paging;
        let Some(single_name) = [TEXT, BBOX, NEAR, SORT, PAGE, PER_PAGE]
            .into_iter()
            .find(|known| *known == name && (paging || (*known != PAGE && *known != PER_PAGE)))
        else {
            let mut accepted = search_parameter_names();
            if !paging {
                accepted.retain(|name| *name != PAGE && *name != PER_PAGE);
            }
            accepted.extend(options.extra.iter().copied());
            return Err(ApiError::new(
                ErrorCode::UnknownParameter,
                format!(
                    "This endpoint does not know the parameter `{name}`; it accepts {}.",
                    accepted.join(", ")
                ),
            )
            .with_parameter(&name));
        };
        if single.insert(single_name, value.to_owned()).is_some() {
            return Err(ApiError::new(
                ErrorCode::RepeatedParameter,
                format!("The parameter `{name}` is given more than once; give it once."),
            )
            .with_parameter(&name));
        }
    }

    let mut search = SearchQuery::default();
    for (group, values) in groups {
        set_group(&mut search.filters, group, values);
    }
    if let Some(text) = single.get(TEXT) {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(ApiError::invalid_parameter(
                TEXT,
                format!("`q` is longer than {MAX_TEXT_CHARS} characters; use fewer keywords."),
            ));
        }
        search.text = Some(text.clone());
    }
    if let Some(text) = single.get(BBOX) {
        search.bbox = Some(parse_bbox(text)?);
    }
    if let Some(text) = single.get(NEAR) {
        search.near = Some(parse_near(text)?);
    }
    if let Some(text) = single.get(SORT) {
        search.sort = SORTS
            .iter()
            .find(|(choice, _)| choice.eq_ignore_ascii_case(text))
            .map(|(_, sort)| *sort)
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    SORT,
                    "`sort` must be one of relevance, name, distance.",
                )
            })?;
    }
    if search.sort == Sort::Distance && search.near.is_none() {
        return Err(ApiError::invalid_parameter(
            SORT,
            "`sort=distance` needs a point to measure from: add `near=lat,lon`.",
        ));
    }
    let per_page = match single.get(PER_PAGE) {
        None => DEFAULT_PER_PAGE,
        Some(text) => parse_whole(PER_PAGE, text, 1, MAX_PER_PAGE)?,
    };
    let max_page = MAX_RESULT_WINDOW / per_page;
    let page = match single.get(PAGE) {
        None => 1,
        Some(text) => parse_whole(PAGE, text, 1, max_page).map_err(|_| {
            ApiError::invalid_parameter(
                PAGE,
                format!(
                    "`page` must be a whole number from 1 to {max_page}: a search shows at most \
                     its first {MAX_RESULT_WINDOW} hits ({per_page} per page). Narrow the search \
                     or use the export."
                ),
            )
        })?,
    };
    search.page = page;
    search.per_page = per_page;
    Ok(ParsedSearch {
        query: search,
        other,
    })
}

/// Whether `name` is one of the search parameters.
fn known_name(name: &str) -> bool {
    FacetGroup::from_slug(name).is_some()
        || [TEXT, BBOX, NEAR, SORT, PAGE, PER_PAGE].contains(&name)
}

fn parse_whole(name: &str, text: &str, minimum: usize, maximum: usize) -> Result<usize, ApiError> {
    match text.parse::<usize>() {
        Ok(value) if (minimum..=maximum).contains(&value) => Ok(value),
        _ => Err(ApiError::invalid_parameter(
            name,
            format!("`{name}` must be a whole number from {minimum} to {maximum}."),
        )),
    }
}

/// Reads a finite number in degrees.
fn degrees(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

/// `west,south,east,north`: longitudes from -180 to 180, latitudes from -90 to 90, south not
/// above north. West may lie east of east (a box across the antimeridian).
pub fn parse_bbox(text: &str) -> Result<BoundingBox, ApiError> {
    let bad = |why: &str| {
        ApiError::invalid_parameter(
            BBOX,
            format!(
                "`bbox` must be `west,south,east,north` in degrees (longitudes -180 to 180, \
                 latitudes -90 to 90, south ≤ north), for example `5.9,47.3,15.0,55.1`; {why}."
            ),
        )
    };
    let parts: Vec<&str> = text.split(',').collect();
    let [west, south, east, north] = parts.as_slice() else {
        return Err(bad(&format!("{} numbers were given", parts.len())));
    };
    let (Some(west), Some(south), Some(east), Some(north)) =
        (degrees(west), degrees(south), degrees(east), degrees(north))
    else {
        return Err(bad("one of them is not a number"));
    };
    if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
        return Err(bad("a longitude is out of range"));
    }
    if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) {
        return Err(bad("a latitude is out of range"));
    }
    if south > north {
        return Err(bad("south lies north of north"));
    }
    Ok(BoundingBox {
        west,
        south,
        east,
        north,
    })
}

/// `lat,lon` in degrees.
pub fn parse_near(text: &str) -> Result<(f64, f64), ApiError> {
    let bad = |why: &str| {
        ApiError::invalid_parameter(
            NEAR,
            format!(
                "`near` must be `lat,lon` in degrees (latitude -90 to 90, longitude -180 to 180), \
                 for example `48.14,11.58`; {why}."
            ),
        )
    };
    let parts: Vec<&str> = text.split(',').collect();
    let [lat, lon] = parts.as_slice() else {
        return Err(bad(&format!("{} numbers were given", parts.len())));
    };
    let (Some(lat), Some(lon)) = (degrees(lat), degrees(lon)) else {
        return Err(bad("one of them is not a number"));
    };
    if !(-90.0..=90.0).contains(&lat) {
        return Err(bad("the latitude is out of range"));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(bad("the longitude is out of range"));
    }
    Ok((lat, lon))
}

/// Checks one filter value and gives the id the index uses for it.
pub fn normalise_value(group: FacetGroup, value: &str) -> Result<String, ApiError> {
    let name = group.slug();
    let refuse = |what: String| {
        ApiError::invalid_parameter(name, format!("`{name}={value}` is not known: {what}."))
    };
    let slugs = |slugs: Vec<&str>| format!("use one of {}", slugs.join(", "));
    match group {
        FacetGroup::Kind => OrgType::from_slug(&value.to_ascii_lowercase())
            .map(|kind| kind.slug().to_owned())
            .ok_or_else(|| refuse(slugs(OrgType::ALL.iter().map(|kind| kind.slug()).collect()))),
        FacetGroup::Country | FacetGroup::TargetCountry => CountryCode::parse(value)
            .map(|code| code.as_str().to_owned())
            .map_err(|error| refuse(format!("{error}; give an ISO 3166-1 alpha-2 code such as DE"))),
        FacetGroup::Nuts => NutsCode::parse(value)
            .map(|code| code.as_str().to_owned())
            .map_err(|error| {
                refuse(format!(
                    "{error}; give a NUTS 2021 code of level 0 to 3 such as DE, DE2, DE21 or DE212"
                ))
            }),
        FacetGroup::Sector => value
            .parse::<u8>()
            .ok()
            .and_then(ClusterCategoryId::from_id)
            .map(|category| category.id().to_string())
            .ok_or_else(|| refuse(String::from("give a cluster category number from 1 to 51"))),
        FacetGroup::Nace => NaceCode::parse(value)
            .map(|code| code.as_str().to_owned())
            .map_err(|error| {
                refuse(format!(
                    "{error}; give a NACE Rev. 2 section, division, group or class such as C, 62, 62.0 or 62.01"
                ))
            }),
        FacetGroup::Technology => exact_term(value, TechnologyField::parse(value).map(|term| term.as_str()))
            .ok_or_else(|| refuse(String::from("see GET /api/v1/taxonomies for the technology field ids"))),
        FacetGroup::S3 => exact_term(value, S3PriorityArea::parse(value).map(|term| term.as_str()))
            .ok_or_else(|| refuse(String::from("see GET /api/v1/taxonomies for the S3 priority area ids"))),
        FacetGroup::Emerging => exact_term(value, EmergingIndustry::parse(value).map(|term| term.as_str()))
            .ok_or_else(|| refuse(String::from("see GET /api/v1/taxonomies for the emerging industry ids"))),
        FacetGroup::Staff => StaffBand::from_slug(value)
            .map(|band| band.slug().to_owned())
            .ok_or_else(|| refuse(slugs(StaffBand::ALL.iter().map(|band| band.slug()).collect()))),
        FacetGroup::Members => MembersBand::from_slug(value)
            .map(|band| band.slug().to_owned())
            .ok_or_else(|| {
                refuse(slugs(MembersBand::ALL.iter().map(|band| band.slug()).collect()))
            }),
        FacetGroup::Label => LabelLevel::from_slug(&value.to_ascii_lowercase())
            .map(|level| level.slug().to_owned())
            .ok_or_else(|| {
                refuse(slugs(LabelLevel::ALL.iter().map(|level| level.slug()).collect()))
            }),
        FacetGroup::Escp => match value.to_ascii_lowercase().as_str() {
            "true" => Ok(String::from("true")),
            "false" => Ok(String::from("false")),
            _ => Err(refuse(String::from("use true or false"))),
        },
        FacetGroup::Programme => programme_code(value).ok_or_else(|| {
            refuse(String::from(
                "give a programme code such as H2020, FP7 or HORIZON (letters, digits, `-`, `_` or `.`, at most 32)",
            ))
        }),
        FacetGroup::Sme => SmeStatus::from_slug(&value.to_ascii_lowercase())
            .map(|status| status.slug().to_owned())
            .ok_or_else(|| {
                refuse(slugs(SmeStatus::ALL.iter().map(|status| status.slug()).collect()))
            }),
    }
}

/// A vocabulary id: only the id itself (in any letter case) is accepted in a filter, not a
/// label, so that a link names one value one way.
fn exact_term<E>(value: &str, parsed: Result<&'static str, E>) -> Option<String> {
    parsed
        .ok()
        .filter(|id| id.eq_ignore_ascii_case(value))
        .map(str::to_owned)
}

/// An EU programme code as the projects table holds it (`H2020`, `FP7`, `HORIZON`): programmes
/// are an open list filled by imports, so only the shape is checked; letters are upper-cased.
fn programme_code(value: &str) -> Option<String> {
    let shape_ok = !value.is_empty()
        && value.len() <= 32
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    shape_ok.then(|| value.to_ascii_uppercase())
}

fn set_group(filters: &mut Filters, group: FacetGroup, values: Vec<String>) {
    let list = match group {
        FacetGroup::Kind => &mut filters.kind,
        FacetGroup::Country => &mut filters.country,
        FacetGroup::Nuts => &mut filters.nuts,
        FacetGroup::Sector => &mut filters.sector,
        FacetGroup::Nace => &mut filters.nace,
        FacetGroup::Technology => &mut filters.technology,
        FacetGroup::S3 => &mut filters.s3,
        FacetGroup::Emerging => &mut filters.emerging,
        FacetGroup::Staff => &mut filters.staff,
        FacetGroup::Members => &mut filters.members,
        FacetGroup::Label => &mut filters.label,
        FacetGroup::Escp => {
            filters.escp = values.iter().map(|value| value == "true").collect();
            return;
        }
        FacetGroup::Programme => &mut filters.programme,
        FacetGroup::TargetCountry => &mut filters.target_country,
        FacetGroup::Sme => &mut filters.sme,
    };
    *list = values;
}

/// The query string of a search, parameters in a stable order: what links to other pages of the
/// same search (and the export of it) are built from. `page` is left out when it is 1,
/// `per_page` when it is the default, `sort` when it is relevance.
pub fn to_query_string(query: &SearchQuery) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    if let Some(text) = &query.text {
        out.append_pair(TEXT, text);
    }
    for group in FacetGroup::ALL {
        for value in query.filters.values(group) {
            out.append_pair(group.slug(), &value);
        }
    }
    if let Some(bbox) = query.bbox {
        out.append_pair(
            BBOX,
            &format!("{},{},{},{}", bbox.west, bbox.south, bbox.east, bbox.north),
        );
    }
    if let Some((lat, lon)) = query.near {
        out.append_pair(NEAR, &format!("{lat},{lon}"));
    }
    match query.sort {
        Sort::Relevance => {}
        Sort::Name => {
            out.append_pair(SORT, "name");
        }
        Sort::Distance => {
            out.append_pair(SORT, "distance");
        }
    }
    if query.page != 1 {
        out.append_pair(PAGE, &query.page.to_string());
    }
    if query.per_page != DEFAULT_PER_PAGE {
        out.append_pair(PER_PAGE, &query.per_page.to_string());
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<SearchQuery, ApiError> {
        parse_search(Some(query), ParseOptions::default()).map(|parsed| parsed.query)
    }

    fn refused(query: &str) -> (ErrorCode, String) {
        let error = parse(query).expect_err(query);
        (
            error.code(),
            error.parameter().unwrap_or_default().to_owned(),
        )
    }

    #[test]
    fn repeated_filters_are_alternatives_and_values_become_ids() {
        let query = parse(
            "country=de&country=EL&country=DE&type=Cluster&nace=6201&nace=C&sector=7&escp=TRUE&programme=h2020&q=laser",
        )
        .expect("valid");
        assert_eq!(query.filters.country, ["DE", "GR"]);
        assert_eq!(query.filters.kind, ["cluster"]);
        assert_eq!(query.filters.nace, ["62.01", "C"]);
        assert_eq!(query.filters.sector, ["7"]);
        assert_eq!(query.filters.escp, [true]);
        assert_eq!(query.filters.programme, ["H2020"]);
        assert_eq!(query.text.as_deref(), Some("laser"));
        assert_eq!((query.page, query.per_page), (1, DEFAULT_PER_PAGE));
    }

    #[test]
    fn unknown_names_values_and_shapes_are_refused_by_name() {
        assert_eq!(
            refused("colour=red"),
            (ErrorCode::UnknownParameter, "colour".into())
        );
        assert_eq!(
            refused("country=XX"),
            (ErrorCode::InvalidParameter, "country".into())
        );
        assert_eq!(
            refused("nuts=DE9ZZ"),
            (ErrorCode::InvalidParameter, "nuts".into())
        );
        assert_eq!(
            refused("sector=52"),
            (ErrorCode::InvalidParameter, "sector".into())
        );
        assert_eq!(
            refused("technology=Artificial intelligence"),
            (ErrorCode::InvalidParameter, "technology".into())
        );
        assert_eq!(
            refused("staff=lots"),
            (ErrorCode::InvalidParameter, "staff".into())
        );
        assert_eq!(
            refused("escp=maybe"),
            (ErrorCode::InvalidParameter, "escp".into())
        );
        assert_eq!(
            refused("programme=H%202020"),
            (ErrorCode::InvalidParameter, "programme".into())
        );
        assert_eq!(
            refused("bbox=1,2,3"),
            (ErrorCode::InvalidParameter, "bbox".into())
        );
        assert_eq!(
            refused("bbox=1,60,3,50"),
            (ErrorCode::InvalidParameter, "bbox".into())
        );
        assert_eq!(
            refused("bbox=1,2,3,NaN"),
            (ErrorCode::InvalidParameter, "bbox".into())
        );
        assert_eq!(
            refused("near=91,0"),
            (ErrorCode::InvalidParameter, "near".into())
        );
        assert_eq!(
            refused("sort=distance"),
            (ErrorCode::InvalidParameter, "sort".into())
        );
        assert_eq!(
            refused("sort=newest"),
            (ErrorCode::InvalidParameter, "sort".into())
        );
        assert_eq!(
            refused("per_page=101"),
            (ErrorCode::InvalidParameter, "per_page".into())
        );
        assert_eq!(
            refused("per_page=0"),
            (ErrorCode::InvalidParameter, "per_page".into())
        );
        assert_eq!(
            refused("page=0"),
            (ErrorCode::InvalidParameter, "page".into())
        );
        assert_eq!(
            refused("page=101&per_page=100"),
            (ErrorCode::InvalidParameter, "page".into())
        );
        assert_eq!(
            refused("q=a&q=b"),
            (ErrorCode::RepeatedParameter, "q".into())
        );
        assert_eq!(refused("q="), (ErrorCode::InvalidParameter, "q".into()));
    }

    #[test]
    fn limits_count_repeats_and_characters() {
        let repeated = |times: usize| vec!["country=DE"; times].join("&");
        assert_eq!(
            parse(&repeated(MAX_VALUES_PER_GROUP))
                .expect("at the limit")
                .filters
                .country,
            ["DE"]
        );
        assert_eq!(
            refused(&repeated(MAX_VALUES_PER_GROUP + 1)),
            (ErrorCode::InvalidParameter, "country".into())
        );
        let accents = "é".repeat(MAX_TEXT_CHARS);
        assert!(accents.len() > MAX_TEXT_CHARS, "two bytes a character");
        assert!(parse(&format!("q={accents}")).is_ok());
        assert_eq!(
            refused(&format!("q={accents}e")),
            (ErrorCode::InvalidParameter, "q".into())
        );
    }

    #[test]
    fn pages_forms_and_extra_parameters() {
        let parsed = parse_search(
            Some("q=&country=&lang=fr&sort=distance&near=48.1,11.5&page=3&per_page=100"),
            ParseOptions {
                extra: &["lang"],
                ignore_empty: true,
                no_paging: false,
            },
        )
        .expect("valid");
        assert_eq!(parsed.other("lang"), ["fr"]);
        assert_eq!(parsed.other("id"), [] as [String; 0]);
        assert_eq!(parsed.query.text, None);
        assert!(parsed.query.filters.country.is_empty());
        assert_eq!(parsed.query.near, Some((48.1, 11.5)));
        assert_eq!((parsed.query.page, parsed.query.per_page), (3, 100));
    }

    #[test]
    fn a_query_string_reads_back_as_the_same_search() {
        let query = parse(
            "q=wasser+stoff&nuts=DE21&staff=10_49&members=1_24&label=gold&bbox=-10,35,30,60&near=50,10&sort=distance&page=2&per_page=50&target_country=JP&s3=digital_agenda",
        )
        .expect("valid");
        assert_eq!(parse(&to_query_string(&query)).expect("valid"), query);
    }
}
