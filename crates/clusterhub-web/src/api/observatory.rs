//! The observatory's JSON API and its exports: `GET /api/v1/observatory` (what it holds),
//! `/api/v1/observatory/regions/{nuts}` (a region's sectors), `/api/v1/observatory/sectors/{sector}`
//! (the regions of a level in one sector, strongest first) and `/api/v1/observatory/compare`
//! (up to five regions side by side), each also as `export.csv` and `export.xlsx`.
//!
//! Every answer is a list of rows with `region`, `sector`, `year`, `employment`, `share`, `lq`,
//! `stars` and the names of the `criteria` met, for the chosen `year` (a year, or `all`),
//! `level` and `method` (`eco`: the European Cluster Observatory's stars, one per criterion met
//! among size, specialisation and focus; `us`: the US Cluster Mapping strong cluster, 1 star for
//! strong, 2 for the top tier). Unknown parameters or values are a 400 naming the parameter; a
//! region or sector the observatory does not hold is a 404. The pages under `/observatory` read
//! their parameters with the same functions.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_observatory::{CellStatistics, ReferenceArea};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::api::organisations_export::{Cell, XLSX_CONTENT_TYPE, attachment, csv_of, xlsx_of};
use crate::error::{ApiError, ErrorCode};
use crate::observatory::{Method, ObservatoryData, ObservatoryError, region_name_en, role_name};
use crate::query::QueryParameters;

/// The most regions one comparison holds.
pub const COMPARE_MAX_REGIONS: usize = 5;

/// The parameter naming the regions of a comparison (repeated).
pub const REGION: &str = "region";
pub const YEAR: &str = "year";
pub const LEVEL: &str = "level";
pub const METHOD: &str = "method";
pub const SECTOR: &str = "sector";

/// The level the sector view shows when none is asked for: NUTS 2, the level regional policy
/// works at.
pub const DEFAULT_SECTOR_LEVEL: u8 = 2;

/// The observatory routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/observatory", get(index))
        .route("/api/v1/observatory/regions/{nuts}", get(region_json))
        .route(
            "/api/v1/observatory/regions/{nuts}/export.csv",
            get(region_csv),
        )
        .route(
            "/api/v1/observatory/regions/{nuts}/export.xlsx",
            get(region_xlsx),
        )
        .route("/api/v1/observatory/sectors/{sector}", get(sector_json))
        .route(
            "/api/v1/observatory/sectors/{sector}/export.csv",
            get(sector_csv),
        )
        .route(
            "/api/v1/observatory/sectors/{sector}/export.xlsx",
            get(sector_xlsx),
        )
        .route("/api/v1/observatory/compare", get(compare_json))
        .route("/api/v1/observatory/compare/export.csv", get(compare_csv))
        .route("/api/v1/observatory/compare/export.xlsx", get(compare_xlsx))
}

/// The operations of this module.
#[derive(OpenApi)]
#[openapi(
    paths(
        index,
        region_json,
        region_csv,
        region_xlsx,
        sector_json,
        sector_csv,
        sector_xlsx,
        compare_json,
        compare_csv,
        compare_xlsx
    ),
    components(schemas(MethodName))
)]
pub(super) struct Doc;

/// How stars are awarded: `eco`, the European Cluster Observatory's (one star per criterion met
/// among size, specialisation and focus), or `us`, the US Cluster Mapping strong cluster (1 star
/// for strong, 2 for the top tier).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // Only its documentation is used; the parser is `parse_method`.
enum MethodName {
    Eco,
    Us,
}

/// The query parameters of a region's rows.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its documentation is used; the parser is `region_request`.
struct RegionParameters {
    /// A year of the table, or `all` for every year; by default the region's latest year with
    /// location quotients.
    year: Option<String>,
    /// A NUTS level from the region's own (the default) to 3; a deeper level gives the region's
    /// sub-regions of that level.
    #[param(minimum = 0, maximum = 3)]
    level: Option<u8>,
    /// `eco` (the default) or `us`.
    method: Option<MethodName>,
}

/// The query parameters of a sector's rows.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its documentation is used; the parser is `sector_request`.
struct SectorParameters {
    /// A year of the table, or `all` for every year; by default the latest year in which most
    /// regions of the level have location quotients.
    year: Option<String>,
    /// The NUTS level of the regions listed, 2 by default.
    #[param(minimum = 0, maximum = 3)]
    level: Option<u8>,
    /// `eco` (the default) or `us`.
    method: Option<MethodName>,
}

/// The query parameters of a comparison.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Only its documentation is used; the parser is `compare_request`.
struct CompareParameters {
    /// The regions, 1 to 5 NUTS codes (`region=DE21&region=FR10`); repeats count once.
    #[param(style = Form, explode, min_items = 1, max_items = 5)]
    region: Vec<String>,
    /// Only this sector; every sector by default.
    sector: Option<String>,
    /// A year of the table, or `all`; by default the latest year in which every region has
    /// location quotients.
    year: Option<String>,
    /// `eco` (the default) or `us`.
    method: Option<MethodName>,
}

impl From<ObservatoryError> for ApiError {
    fn from(error: ObservatoryError) -> ApiError {
        match error {
            ObservatoryError::Storage(error) => ApiError::from(error),
            ObservatoryError::Task(cause) => ApiError::internal(cause),
        }
    }
}

/// The statistics as they stand.
pub async fn data_of(state: &AppState) -> Result<Arc<ObservatoryData>, ApiError> {
    Ok(state.observatory().current(state.storage()).await?)
}

/// Which years rows are given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Years {
    One(u16),
    All,
}

impl Years {
    /// The parameter value.
    pub fn text(self) -> String {
        match self {
            Years::One(year) => year.to_string(),
            Years::All => String::from("all"),
        }
    }

    /// The positions of the years in the table.
    fn positions(self, data: &ObservatoryData) -> Vec<usize> {
        match self {
            Years::One(year) => data.table.year_position(year).into_iter().collect(),
            Years::All => (0..data.table.years().len()).collect(),
        }
    }
}

/// `year`: a year of the table, or `all` where `allow_all`; `None` when absent.
pub fn parse_year(
    query: &QueryParameters,
    data: &ObservatoryData,
    allow_all: bool,
) -> Result<Option<Years>, ApiError> {
    let Some(text) = query.text(YEAR)? else {
        return Ok(None);
    };
    if allow_all && text.eq_ignore_ascii_case("all") {
        return Ok(Some(Years::All));
    }
    let years = data.table.years();
    let or_all = if allow_all { ", or `all`" } else { "" };
    match (text.parse::<u16>().ok(), years.first(), years.last()) {
        (Some(year), Some(_), Some(_)) if data.table.year_position(year).is_some() => {
            Ok(Some(Years::One(year)))
        }
        (_, Some(first), Some(last)) => Err(ApiError::invalid_parameter(
            YEAR,
            format!("`year` must be a year from {first} to {last}{or_all}."),
        )),
        _ => Err(ApiError::invalid_parameter(
            YEAR,
            "The observatory holds no employment figures yet, so no year can be chosen.",
        )),
    }
}

/// `level`: a NUTS level from 0 to 3.
pub fn parse_level(query: &QueryParameters) -> Result<Option<u8>, ApiError> {
    query.integer_in(LEVEL, 0u8, 3)
}

/// `method`: `eco` (the default) or `us`.
pub fn parse_method(query: &QueryParameters) -> Result<Method, ApiError> {
    Ok(query
        .choice(METHOD, &Method::CHOICES)?
        .unwrap_or(Method::Eco))
}

/// The position of a region the table holds, by NUTS code (any case); 404 otherwise.
pub fn find_region(data: &ObservatoryData, code: &str) -> Result<usize, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    data.table.region_position(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ObservatoryRegionNotFound,
            format!(
                "The observatory holds no employment figures for the region `{code}`. Regions are \
                 NUTS 2021 codes such as `DE`, `DE2`, `DE21` or `DE212`."
            ),
        )
    })
}

/// The position of a sector of the classification, by code (any case); 404 otherwise.
pub fn find_sector(data: &ObservatoryData, code: &str) -> Result<usize, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    let classification = data.table.classification();
    classification.position(&code).ok_or_else(|| {
        let codes: Vec<&str> = classification
            .sectors()
            .iter()
            .map(|sector| sector.code.as_str())
            .collect();
        ApiError::new(
            ErrorCode::ObservatorySectorNotFound,
            format!(
                "`{code}` is not a sector of {}; the sectors are {}.",
                classification.name(),
                codes.join(", ")
            ),
        )
    })
}

/// One region, sector and year with its statistics.
#[derive(Debug, Clone, Serialize, PartialEq, ToSchema)]
pub struct Row {
    pub region: String,
    pub region_name: String,
    pub level: u8,
    pub country: String,
    pub sector: String,
    pub sector_label: String,
    /// `partition`, `subgroup` or `aggregate`: only partition sectors add up to the total.
    #[schema(value_type = String)]
    pub sector_role: &'static str,
    pub year: u16,
    pub employment: Option<u64>,
    pub region_employment: Option<u64>,
    pub share: Option<f64>,
    pub lq: Option<f64>,
    pub employment_rank: Option<f64>,
    pub share_rank: Option<f64>,
    pub lq_rank: Option<f64>,
    pub growth: Option<f64>,
    /// ECO: one per criterion met (0 to 3); US: 1 for a strong cluster, 2 for the top tier.
    pub stars: u8,
    /// The names of the criteria met: `size`, `specialisation`, `focus` (ECO);
    /// `lq_at_least_percentile`, `employment_above_percentile`, `lq_at_least_minimum`,
    /// `top_tier` (US).
    #[schema(value_type = Vec<String>)]
    pub criteria: Vec<&'static str>,
}

/// The row of a cell.
pub fn row_of(data: &ObservatoryData, cell: &CellStatistics, method: Method) -> Row {
    let region = &data.table.regions()[cell.region as usize];
    let classification = data.table.classification();
    let sector = usize::from(cell.sector);
    let info = &classification.sectors()[sector];
    Row {
        region: region.code.clone(),
        region_name: region_name_en(&region.code),
        level: region.level,
        country: region.country.clone(),
        sector: info.code.clone(),
        sector_label: info.label.clone(),
        sector_role: role_name(classification.role(sector)),
        year: cell.year,
        employment: cell.employment,
        region_employment: cell.region_employment,
        share: cell.share,
        lq: cell.lq,
        employment_rank: cell.employment_rank,
        share_rank: cell.share_rank,
        lq_rank: cell.lq_rank,
        growth: cell.growth,
        stars: method.stars(cell),
        criteria: method.criteria(cell),
    }
}

/// The cells of regions × sectors × years, in that order.
fn cells<'d>(
    data: &'d ObservatoryData,
    regions: &[usize],
    sectors: &[usize],
    years: &[usize],
) -> Vec<&'d CellStatistics> {
    let mut found = Vec::with_capacity(regions.len() * sectors.len() * years.len());
    for &region in regions {
        for &sector in sectors {
            for &year in years {
                found.extend(data.cell(region, sector, year));
            }
        }
    }
    found
}

/// Orders cells strongest first: more stars, then a higher LQ (unknown last), then more
/// employment, then by code.
pub fn strongest_first(data: &ObservatoryData, method: Method, cells: &mut [&CellStatistics]) {
    cells.sort_by(|left, right| {
        left.year
            .cmp(&right.year)
            .then(method.stars(right).cmp(&method.stars(left)))
            .then(match (left.lq, right.lq) {
                (Some(l), Some(r)) => r.total_cmp(&l),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(right.employment.cmp(&left.employment))
            .then_with(|| {
                let code = |cell: &CellStatistics| &data.table.regions()[cell.region as usize].code;
                code(left).cmp(code(right))
            })
    });
}

/// What a region request asks for, checked.
#[derive(Debug, Clone)]
pub struct RegionRequest {
    pub region: usize,
    pub level: u8,
    pub years: Years,
    pub method: Method,
}

/// Reads a region request: the region in the path, `year` (default: the region's latest year
/// with location quotients; `all` for every year), `level` where `with_level` (default: the
/// region's own; a deeper level gives its sub-regions of that level) and `method`. `extra` are
/// parameters the caller reads itself (the pages' `lang`).
pub fn region_request(
    data: &ObservatoryData,
    nuts: &str,
    raw_query: Option<&str>,
    extra: &[&str],
    with_level: bool,
) -> Result<RegionRequest, ApiError> {
    let mut accepted = vec![YEAR, METHOD];
    if with_level {
        accepted.push(LEVEL);
    }
    accepted.extend_from_slice(extra);
    let query = QueryParameters::parse(raw_query, &accepted)?;
    let region = find_region(data, nuts)?;
    let own_level = data.table.regions()[region].level;
    let level = match parse_level(&query)? {
        Some(level) if level < own_level => {
            return Err(ApiError::invalid_parameter(
                LEVEL,
                format!(
                    "`level` must be the region's own level ({own_level}) or a deeper one (up to \
                     3), for its sub-regions."
                ),
            ));
        }
        Some(level) => level,
        None => own_level,
    };
    let years = match parse_year(&query, data, true)? {
        Some(years) => years,
        None => data.latest_year_of(region).map_or(Years::All, Years::One),
    };
    Ok(RegionRequest {
        region,
        level,
        years,
        method: parse_method(&query)?,
    })
}

/// The rows of a region request: each region (the one asked for, or its sub-regions) by code,
/// then each sector in the classification's order, then each year.
pub fn region_rows(data: &ObservatoryData, request: &RegionRequest) -> Vec<Row> {
    let regions = data.regions_within(request.region, request.level);
    let sectors: Vec<usize> = (0..data.table.classification().len()).collect();
    let years = request.years.positions(data);
    cells(data, &regions, &sectors, &years)
        .into_iter()
        .map(|cell| row_of(data, cell, request.method))
        .collect()
}

/// What a sector request asks for, checked.
#[derive(Debug, Clone)]
pub struct SectorRequest {
    pub sector: usize,
    pub level: u8,
    pub years: Years,
    pub method: Method,
}

/// Reads a sector request: the sector in the path, `level` (default 2), `year` (default: the
/// latest well-covered year of that level, [`ObservatoryData::default_year`]; `all` for every
/// year) and `method`.
pub fn sector_request(
    data: &ObservatoryData,
    sector: &str,
    raw_query: Option<&str>,
    extra: &[&str],
) -> Result<SectorRequest, ApiError> {
    let mut accepted = vec![YEAR, LEVEL, METHOD];
    accepted.extend_from_slice(extra);
    let query = QueryParameters::parse(raw_query, &accepted)?;
    let sector = find_sector(data, sector)?;
    let level = parse_level(&query)?.unwrap_or(DEFAULT_SECTOR_LEVEL);
    let years = match parse_year(&query, data, true)? {
        Some(years) => years,
        None => data.default_year(level).map_or(Years::All, Years::One),
    };
    Ok(SectorRequest {
        sector,
        level,
        years,
        method: parse_method(&query)?,
    })
}

/// The rows of a sector request: year by year, the regions of the level strongest first
/// ([`strongest_first`]).
pub fn sector_rows(data: &ObservatoryData, request: &SectorRequest) -> Vec<Row> {
    let regions: Vec<usize> = data.regions_at_level(request.level).collect();
    let years = request.years.positions(data);
    let mut found = cells(data, &regions, &[request.sector], &years);
    strongest_first(data, request.method, &mut found);
    found
        .into_iter()
        .map(|cell| row_of(data, cell, request.method))
        .collect()
}

/// What a comparison asks for, checked.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    /// The regions, in the order given, without repeats.
    pub regions: Vec<usize>,
    /// One sector, or every sector.
    pub sector: Option<usize>,
    pub years: Years,
    pub method: Method,
}

/// The values of a repeated parameter, and the query string without it.
pub fn take_repeated(raw_query: Option<&str>, name: &str) -> (Vec<String>, String) {
    let mut values = Vec::new();
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(raw_query.unwrap_or_default().as_bytes()) {
        if key == name {
            values.push(value.into_owned());
        } else {
            rest.append_pair(&key, &value);
        }
    }
    (values, rest.finish())
}

/// Reads a comparison: `region` given 1 to [`COMPARE_MAX_REGIONS`] times (empty values are
/// skipped when `skip_empty`, as a form sends them), `sector` (default: every sector), `year`
/// (default: the latest year in which every region has location quotients) and `method`. A
/// region the table does not hold is a 400 naming `region` (it is a parameter, not the path).
pub fn compare_request(
    data: &ObservatoryData,
    raw_query: Option<&str>,
    extra: &[&str],
    skip_empty: bool,
) -> Result<CompareRequest, ApiError> {
    let (given, rest) = take_repeated(raw_query, REGION);
    let mut accepted = vec![YEAR, METHOD, SECTOR];
    accepted.extend_from_slice(extra);
    let query = QueryParameters::parse(Some(&rest), &accepted)?;
    let mut regions = Vec::new();
    for text in &given {
        // A form's suggestion list may send "DE21 · Oberbayern": the code is the first word.
        let code = text.split_whitespace().next().unwrap_or_default();
        if code.is_empty() {
            if skip_empty {
                continue;
            }
            return Err(ApiError::invalid_parameter(
                REGION,
                "A `region` is empty; give a NUTS code or leave it out.",
            ));
        }
        let region = find_region(data, code)
            .map_err(|error| ApiError::invalid_parameter(REGION, error.detail().to_owned()))?;
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if regions.len() > COMPARE_MAX_REGIONS {
        return Err(ApiError::invalid_parameter(
            REGION,
            format!(
                "{} regions are given; a comparison holds at most {COMPARE_MAX_REGIONS}.",
                regions.len()
            ),
        ));
    }
    let sector = match query.text(SECTOR)? {
        Some(code) => Some(
            find_sector(data, code)
                .map_err(|error| ApiError::invalid_parameter(SECTOR, error.detail().to_owned()))?,
        ),
        None => None,
    };
    let years = match parse_year(&query, data, true)? {
        Some(years) => years,
        None => common_latest_year(data, &regions).map_or(Years::All, Years::One),
    };
    Ok(CompareRequest {
        regions,
        sector,
        years,
        method: parse_method(&query)?,
    })
}

/// The latest year in which every region has a location quotient in some sector (else the
/// latest year of the first region).
pub fn common_latest_year(data: &ObservatoryData, regions: &[usize]) -> Option<u16> {
    let years = data.table.years();
    let n_sectors = data.table.classification().len();
    let has_lq = |region: usize, year: usize| {
        (0..n_sectors).any(|sector| {
            data.cell(region, sector, year)
                .is_some_and(|cell| cell.lq.is_some())
        })
    };
    (0..years.len())
        .rev()
        .find(|&year| !regions.is_empty() && regions.iter().all(|&region| has_lq(region, year)))
        .map(|year| years[year])
        .or_else(|| {
            regions
                .first()
                .and_then(|&region| data.latest_year_of(region))
        })
}

/// The rows of a comparison: region by region (in the order given), sector, year.
pub fn compare_rows(data: &ObservatoryData, request: &CompareRequest) -> Vec<Row> {
    let sectors: Vec<usize> = match request.sector {
        Some(sector) => vec![sector],
        None => (0..data.table.classification().len()).collect(),
    };
    let years = request.years.positions(data);
    cells(data, &request.regions, &sectors, &years)
        .into_iter()
        .map(|cell| row_of(data, cell, request.method))
        .collect()
}

/// The reference area the location quotients compare with, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceView {
    /// `eu27` or `all_countries`.
    #[schema(value_type = String)]
    pub area: &'static str,
    /// The countries in the reference for the year shown (empty for `year=all`).
    pub countries: Vec<String>,
    pub note: Option<String>,
}

fn reference_view(data: &ObservatoryData, years: Years) -> ReferenceView {
    let area = match data.statistics.options.reference {
        ReferenceArea::Countries(_) => "eu27",
        ReferenceArea::AllCountries => "all_countries",
    };
    let year = match years {
        Years::One(year) => data.table.year_position(year),
        Years::All => None,
    };
    let reference = year.and_then(|year| data.statistics.reference.get(year));
    ReferenceView {
        area,
        countries: reference.map(|r| r.countries.clone()).unwrap_or_default(),
        note: reference.and_then(|r| r.note.clone()),
    }
}

/// What differs from the published method, shown beside the rows.
fn method_notes(data: &ObservatoryData, method: Method) -> Vec<String> {
    match method {
        Method::Eco => Vec::new(),
        Method::Us => data.statistics.us_method_notes.clone(),
    }
}

/// The download links and the page of an answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    pub csv: String,
    pub xlsx: String,
    pub page: String,
}

/// A path with a query string built from pairs (none: the bare path).
pub fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    format!("{path}?{}", serializer.finish())
}

/// The region of a path segment, escaped for a URL (codes are letters and digits, but the
/// path may hold anything someone typed).
fn path_segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The query pairs of a region request, as its links repeat them.
pub fn region_pairs(
    data: &ObservatoryData,
    request: &RegionRequest,
) -> Vec<(&'static str, String)> {
    let mut pairs = vec![(YEAR, request.years.text())];
    if request.level != data.table.regions()[request.region].level {
        pairs.push((LEVEL, request.level.to_string()));
    }
    pairs.push((METHOD, request.method.slug().to_owned()));
    pairs
}

/// The query pairs of a sector request.
pub fn sector_pairs(request: &SectorRequest) -> Vec<(&'static str, String)> {
    vec![
        (LEVEL, request.level.to_string()),
        (YEAR, request.years.text()),
        (METHOD, request.method.slug().to_owned()),
    ]
}

/// The query pairs of a comparison.
pub fn compare_pairs(
    data: &ObservatoryData,
    request: &CompareRequest,
) -> Vec<(&'static str, String)> {
    let mut pairs: Vec<(&'static str, String)> = request
        .regions
        .iter()
        .map(|&region| (REGION, data.table.regions()[region].code.clone()))
        .collect();
    if let Some(sector) = request.sector {
        pairs.push((
            SECTOR,
            data.table.classification().sectors()[sector].code.clone(),
        ));
    }
    pairs.push((YEAR, request.years.text()));
    pairs.push((METHOD, request.method.slug().to_owned()));
    pairs
}

/// The export and page addresses of a region request.
pub fn region_links(data: &ObservatoryData, request: &RegionRequest) -> Links {
    let code = path_segment(&data.table.regions()[request.region].code);
    let pairs = region_pairs(data, request);
    Links {
        csv: with_query(
            &format!("/api/v1/observatory/regions/{code}/export.csv"),
            &pairs,
        ),
        xlsx: with_query(
            &format!("/api/v1/observatory/regions/{code}/export.xlsx"),
            &pairs,
        ),
        page: with_query(&format!("/observatory/regions/{code}"), &pairs),
    }
}

/// The export and page addresses of a sector request.
pub fn sector_links(data: &ObservatoryData, request: &SectorRequest) -> Links {
    let code = path_segment(&data.table.classification().sectors()[request.sector].code);
    let pairs = sector_pairs(request);
    Links {
        csv: with_query(
            &format!("/api/v1/observatory/sectors/{code}/export.csv"),
            &pairs,
        ),
        xlsx: with_query(
            &format!("/api/v1/observatory/sectors/{code}/export.xlsx"),
            &pairs,
        ),
        page: with_query(&format!("/observatory/sectors/{code}"), &pairs),
    }
}

/// The export and page addresses of a comparison.
pub fn compare_links(data: &ObservatoryData, request: &CompareRequest) -> Links {
    let pairs = compare_pairs(data, request);
    Links {
        csv: with_query("/api/v1/observatory/compare/export.csv", &pairs),
        xlsx: with_query("/api/v1/observatory/compare/export.xlsx", &pairs),
        page: with_query("/observatory/compare", &pairs),
    }
}

/// A region as the answers describe it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub country: String,
}

fn region_view(data: &ObservatoryData, position: usize) -> RegionView {
    let region = &data.table.regions()[position];
    RegionView {
        code: region.code.clone(),
        name: region_name_en(&region.code),
        level: region.level,
        country: region.country.clone(),
    }
}

/// A sector as the answers describe it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorView {
    pub code: String,
    pub label: String,
    /// `partition`, `subgroup` or `aggregate`.
    #[schema(value_type = String)]
    pub role: &'static str,
    /// The sector this one is part of, if any.
    pub parent: Option<String>,
}

fn sector_view(data: &ObservatoryData, position: usize) -> SectorView {
    let classification = data.table.classification();
    let sector = &classification.sectors()[position];
    SectorView {
        code: sector.code.clone(),
        label: sector.label.clone(),
        role: role_name(classification.role(position)),
        parent: sector.parent.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
struct RegionAnswer {
    region: RegionView,
    level: u8,
    year: String,
    #[schema(value_type = String)]
    method: &'static str,
    reference: ReferenceView,
    method_notes: Vec<String>,
    count: usize,
    rows: Vec<Row>,
    links: Links,
}

#[derive(Debug, Serialize, ToSchema)]
struct SectorAnswer {
    sector: SectorView,
    level: u8,
    year: String,
    #[schema(value_type = String)]
    method: &'static str,
    reference: ReferenceView,
    method_notes: Vec<String>,
    count: usize,
    rows: Vec<Row>,
    links: Links,
}

#[derive(Debug, Serialize, ToSchema)]
struct CompareAnswer {
    regions: Vec<RegionView>,
    sector: Option<SectorView>,
    year: String,
    #[schema(value_type = String)]
    method: &'static str,
    reference: ReferenceView,
    method_notes: Vec<String>,
    count: usize,
    rows: Vec<Row>,
    links: Links,
}

/// JSON that may change with the next import: no caching.
fn fresh_json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(ApiError::internal)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response())
}

/// A region's sectors (or its sub-regions' at a deeper `level`), one row per region, sector and
/// year.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/regions/{nuts}",
    operation_id = "observatory_region",
    tag = "observatory",
    params(("nuts" = String, Path, description = "A NUTS 2021 code the observatory holds, such as `DE`, `DE2`, `DE21` or `DE212`"), RegionParameters),
    responses(
        (status = 200, description = "The rows", body = RegionAnswer),
        (status = 404, description = "The observatory holds no figures for this region (`observatory_region_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn region_json(
    State(state): State<AppState>,
    Path(nuts): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = region_request(&data, &nuts, query.as_deref(), &[], true)?;
    let rows = region_rows(&data, &request);
    fresh_json(&RegionAnswer {
        region: region_view(&data, request.region),
        level: request.level,
        year: request.years.text(),
        method: request.method.slug(),
        reference: reference_view(&data, request.years),
        method_notes: method_notes(&data, request.method),
        count: rows.len(),
        rows,
        links: region_links(&data, &request),
    })
}

/// The regions of a level in one sector, strongest first (most stars, then the highest location
/// quotient).
#[utoipa::path(
    get,
    path = "/api/v1/observatory/sectors/{sector}",
    operation_id = "observatory_sector",
    tag = "observatory",
    params(("sector" = String, Path, description = "A sector code: `A`, `B-E`, `C`, `F`, `G-I`, `G-J`, `J`, `K`, `K-N`, `L`, `M-N`, `O-Q`, `O-U` or `R-U`"), SectorParameters),
    responses(
        (status = 200, description = "The rows", body = SectorAnswer),
        (status = 404, description = "No such sector (`observatory_sector_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn sector_json(
    State(state): State<AppState>,
    Path(sector): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = sector_request(&data, &sector, query.as_deref(), &[])?;
    let rows = sector_rows(&data, &request);
    fresh_json(&SectorAnswer {
        sector: sector_view(&data, request.sector),
        level: request.level,
        year: request.years.text(),
        method: request.method.slug(),
        reference: reference_view(&data, request.years),
        method_notes: method_notes(&data, request.method),
        count: rows.len(),
        rows,
        links: sector_links(&data, &request),
    })
}

/// A comparison needs at least one region.
fn require_regions(request: &CompareRequest) -> Result<(), ApiError> {
    if request.regions.is_empty() {
        return Err(ApiError::invalid_parameter(
            REGION,
            format!(
                "Give 1 to {COMPARE_MAX_REGIONS} regions to compare: `region=DE21&region=FR10`."
            ),
        ));
    }
    Ok(())
}

/// Up to five regions side by side: their rows, region by region.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/compare",
    operation_id = "observatory_compare",
    tag = "observatory",
    params(CompareParameters),
    responses(
        (status = 200, description = "The rows", body = CompareAnswer),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn compare_json(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = compare_request(&data, query.as_deref(), &[], false)?;
    require_regions(&request)?;
    let rows = compare_rows(&data, &request);
    fresh_json(&CompareAnswer {
        regions: request
            .regions
            .iter()
            .map(|&region| region_view(&data, region))
            .collect(),
        sector: request.sector.map(|sector| sector_view(&data, sector)),
        year: request.years.text(),
        method: request.method.slug(),
        reference: reference_view(&data, request.years),
        method_notes: method_notes(&data, request.method),
        count: rows.len(),
        rows,
        links: compare_links(&data, &request),
    })
}

/// The columns of every observatory export, in order.
pub const EXPORT_COLUMNS: &[&str] = &[
    "region",
    "region_name",
    "level",
    "country",
    "sector",
    "sector_label",
    "sector_role",
    "year",
    "employment",
    "region_employment",
    "share",
    "lq",
    "employment_rank",
    "share_rank",
    "lq_rank",
    "growth",
    "stars",
    "criteria",
];

#[allow(clippy::cast_precision_loss)]
fn export_cells(row: &Row) -> Vec<Cell> {
    let number = |value: Option<f64>| value.map_or(Cell::Empty, Cell::Number);
    let whole = |value: Option<u64>| value.map_or(Cell::Empty, |value| Cell::Number(value as f64));
    vec![
        Cell::text(row.region.as_str()),
        Cell::text(row.region_name.as_str()),
        Cell::Number(f64::from(row.level)),
        Cell::text(row.country.as_str()),
        Cell::text(row.sector.as_str()),
        Cell::text(row.sector_label.as_str()),
        Cell::text(row.sector_role),
        Cell::Number(f64::from(row.year)),
        whole(row.employment),
        whole(row.region_employment),
        number(row.share),
        number(row.lq),
        number(row.employment_rank),
        number(row.share_rank),
        number(row.lq_rank),
        number(row.growth),
        Cell::Number(f64::from(row.stars)),
        Cell::text(row.criteria.join("; ")),
    ]
}

/// Which format a download is in.
#[derive(Debug, Clone, Copy)]
enum Format {
    Csv,
    Xlsx,
}

/// Rows as a download named `name` (without extension).
async fn download(rows: Vec<Row>, format: Format, name: String) -> Result<Response, ApiError> {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cells: Vec<Vec<Cell>> = rows.iter().map(export_cells).collect();
    let body = tokio::task::spawn_blocking(move || match format {
        Format::Csv => csv_of(EXPORT_COLUMNS, &cells),
        Format::Xlsx => xlsx_of("observatory", EXPORT_COLUMNS, &cells),
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(match format {
        Format::Csv => attachment(
            body,
            "text/csv; charset=utf-8",
            &format!("attachment; filename=\"{name}.csv\""),
        ),
        Format::Xlsx => attachment(
            body,
            XLSX_CONTENT_TYPE,
            &format!("attachment; filename=\"{name}.xlsx\""),
        ),
    })
}

async fn region_export(
    state: AppState,
    nuts: String,
    query: Option<String>,
    format: Format,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = region_request(&data, &nuts, query.as_deref(), &[], true)?;
    let rows = region_rows(&data, &request);
    let name = format!(
        "observatory-{}-{}-{}",
        data.table.regions()[request.region].code,
        request.years.text(),
        request.method.slug()
    );
    download(rows, format, name).await
}

/// A region's rows as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/regions/{nuts}/export.csv",
    operation_id = "observatory_region_csv",
    tag = "observatory",
    params(("nuts" = String, Path, description = "A NUTS 2021 code the observatory holds, such as `DE`, `DE2`, `DE21` or `DE212`"), RegionParameters),
    responses(
        (status = 200, description = "The rows as CSV (the columns of the JSON rows, `criteria` joined with `; `)", body = String, content_type = "text/csv; charset=utf-8"),
        (status = 404, description = "The observatory holds no figures for this region (`observatory_region_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn region_csv(
    State(state): State<AppState>,
    Path(nuts): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    region_export(state, nuts, query, Format::Csv).await
}

/// A region's rows as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/regions/{nuts}/export.xlsx",
    operation_id = "observatory_region_xlsx",
    tag = "observatory",
    params(("nuts" = String, Path, description = "A NUTS 2021 code the observatory holds, such as `DE`, `DE2`, `DE21` or `DE212`"), RegionParameters),
    responses(
        (status = 200, description = "The rows as an XLSX workbook with one sheet `observatory`", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "The observatory holds no figures for this region (`observatory_region_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn region_xlsx(
    State(state): State<AppState>,
    Path(nuts): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    region_export(state, nuts, query, Format::Xlsx).await
}

async fn sector_export(
    state: AppState,
    sector: String,
    query: Option<String>,
    format: Format,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = sector_request(&data, &sector, query.as_deref(), &[])?;
    let rows = sector_rows(&data, &request);
    let name = format!(
        "observatory-{}-nuts{}-{}-{}",
        data.table.classification().sectors()[request.sector].code,
        request.level,
        request.years.text(),
        request.method.slug()
    );
    download(rows, format, name).await
}

/// A sector's rows as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/sectors/{sector}/export.csv",
    operation_id = "observatory_sector_csv",
    tag = "observatory",
    params(("sector" = String, Path, description = "A sector code: `A`, `B-E`, `C`, `F`, `G-I`, `G-J`, `J`, `K`, `K-N`, `L`, `M-N`, `O-Q`, `O-U` or `R-U`"), SectorParameters),
    responses(
        (status = 200, description = "The rows as CSV (the columns of the JSON rows, `criteria` joined with `; `)", body = String, content_type = "text/csv; charset=utf-8"),
        (status = 404, description = "No such sector (`observatory_sector_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn sector_csv(
    State(state): State<AppState>,
    Path(sector): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    sector_export(state, sector, query, Format::Csv).await
}

/// A sector's rows as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/sectors/{sector}/export.xlsx",
    operation_id = "observatory_sector_xlsx",
    tag = "observatory",
    params(("sector" = String, Path, description = "A sector code: `A`, `B-E`, `C`, `F`, `G-I`, `G-J`, `J`, `K`, `K-N`, `L`, `M-N`, `O-Q`, `O-U` or `R-U`"), SectorParameters),
    responses(
        (status = 200, description = "The rows as an XLSX workbook with one sheet `observatory`", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "No such sector (`observatory_sector_not_found`)", body = crate::error::ProblemDetails, content_type = "application/problem+json"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn sector_xlsx(
    State(state): State<AppState>,
    Path(sector): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    sector_export(state, sector, query, Format::Xlsx).await
}

async fn compare_export(
    state: AppState,
    query: Option<String>,
    format: Format,
) -> Result<Response, ApiError> {
    let data = data_of(&state).await?;
    let request = compare_request(&data, query.as_deref(), &[], false)?;
    require_regions(&request)?;
    let rows = compare_rows(&data, &request);
    let codes: Vec<&str> = request
        .regions
        .iter()
        .map(|&region| data.table.regions()[region].code.as_str())
        .collect();
    let name = format!(
        "observatory-compare-{}-{}-{}",
        codes.join("-"),
        request.years.text(),
        request.method.slug()
    );
    download(rows, format, name).await
}

/// A comparison's rows as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/compare/export.csv",
    operation_id = "observatory_compare_csv",
    tag = "observatory",
    params(CompareParameters),
    responses(
        (status = 200, description = "The rows as CSV (the columns of the JSON rows, `criteria` joined with `; `)", body = String, content_type = "text/csv; charset=utf-8"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn compare_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    compare_export(state, query, Format::Csv).await
}

/// A comparison's rows as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/observatory/compare/export.xlsx",
    operation_id = "observatory_compare_xlsx",
    tag = "observatory",
    params(CompareParameters),
    responses(
        (status = 200, description = "The rows as an XLSX workbook with one sheet `observatory`", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn compare_xlsx(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    compare_export(state, query, Format::Xlsx).await
}

/// One level of the table.
#[derive(Debug, Serialize, ToSchema)]
struct LevelView {
    level: u8,
    regions: usize,
    /// The year the sector view shows for this level by default.
    default_year: Option<u16>,
}

/// One year's reference area.
#[derive(Debug, Serialize, ToSchema)]
struct ReferenceYearView {
    year: u16,
    countries: Vec<String>,
    total: Option<u64>,
    note: Option<String>,
}

/// What the observatory holds.
#[derive(Debug, Serialize, ToSchema)]
struct ObservatoryIndex {
    classification: String,
    sectors: Vec<SectorView>,
    years: Vec<u16>,
    levels: Vec<LevelView>,
    /// `eu27` or `all_countries`.
    #[schema(value_type = String)]
    reference_area: &'static str,
    reference: Vec<ReferenceYearView>,
    #[schema(value_type = Vec<String>)]
    methods: Vec<&'static str>,
    us_method_notes: Vec<String>,
    links: Vec<IndexLink>,
}

/// A link from the index.
#[derive(Debug, Serialize, ToSchema)]
struct IndexLink {
    #[schema(value_type = String)]
    rel: &'static str,
    #[schema(value_type = String)]
    href: &'static str,
}

/// What the observatory holds: its classification and sectors, years, regions per level (with
/// the year each level shows by default), the reference area of every year, and the methods.
#[utoipa::path(
    get,
    path = "/api/v1/observatory",
    operation_id = "observatory",
    tag = "observatory",
    responses(
        (status = 200, description = "What the observatory holds", body = ObservatoryIndex),
        (status = 400, response = super::openapi::BadRequest),
        (status = 500, response = super::openapi::InternalError),
        (status = 503, response = super::openapi::DatabaseUnavailable),
    ),
)]
async fn index(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    QueryParameters::parse(query.as_deref(), &[])?;
    let data = data_of(&state).await?;
    let classification = data.table.classification();
    let answer = ObservatoryIndex {
        classification: classification.name().to_owned(),
        sectors: (0..classification.len())
            .map(|sector| sector_view(&data, sector))
            .collect(),
        years: data.table.years().to_vec(),
        levels: (0..=3)
            .map(|level| LevelView {
                level,
                regions: data.regions_at_level(level).count(),
                default_year: data.default_year(level),
            })
            .collect(),
        reference_area: reference_view(&data, Years::All).area,
        reference: data
            .statistics
            .reference
            .iter()
            .map(|reference| ReferenceYearView {
                year: reference.year,
                countries: reference.countries.clone(),
                total: reference.total,
                note: reference.note.clone(),
            })
            .collect(),
        methods: Method::CHOICES.iter().map(|(slug, _)| *slug).collect(),
        us_method_notes: data.statistics.us_method_notes.clone(),
        links: vec![
            IndexLink {
                rel: "region",
                href: "/api/v1/observatory/regions/{nuts}?year=&level=&method=",
            },
            IndexLink {
                rel: "sector",
                href: "/api/v1/observatory/sectors/{sector}?year=&level=&method=",
            },
            IndexLink {
                rel: "compare",
                href: "/api/v1/observatory/compare?region=&region=&sector=&year=&method=",
            },
            IndexLink {
                rel: "page",
                href: "/observatory",
            },
        ],
    };
    fresh_json(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_parameter_is_taken_out_of_the_query() {
        let (regions, rest) =
            take_repeated(Some("region=DE21&year=2015&region=FR10&lang=fr"), REGION);
        assert_eq!(regions, ["DE21", "FR10"]);
        assert_eq!(rest, "year=2015&lang=fr");
        let (none, rest) = take_repeated(None, REGION);
        assert!(none.is_empty() && rest.is_empty());
    }

    #[test]
    fn links_carry_their_parameters_escaped() {
        assert_eq!(with_query("/x", &[]), "/x");
        assert_eq!(
            with_query(
                "/x",
                &[(YEAR, String::from("all")), (REGION, String::from("a b&c"))]
            ),
            "/x?year=all&region=a+b%26c"
        );
        assert_eq!(path_segment("B-E"), "B-E");
        assert_eq!(path_segment("a/b"), "a%2Fb");
    }
}
