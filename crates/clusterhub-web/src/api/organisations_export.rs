//! `GET /api/v1/organisations/export.csv` and `export.xlsx`: the organisations a directory search
//! finds (the same parameters as `/api/v1/organisations`, without paging), or an explicit list
//! (`id=1&id=2`, the page's "selected list"), as a spreadsheet.
//!
//! Rows come from the database, and their facet columns from the very mapping that builds the
//! search documents ([`clusterhub_directory::document_from`]), so an export recounts to the
//! facet counts of the same search. Every text cell that a spreadsheet could take for a formula
//! (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as
//! OWASP recommends against CSV injection; numbers are written as numbers.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_directory::{RelatedFacts, document_from};
use clusterhub_search::{MAX_RESULT_WINDOW, OrganisationDocument, SearchQuery};
use clusterhub_storage::{OrganisationIds, Storage, StoredOrganisation};

use crate::AppState;
use crate::api::organisations_search::run_search;
use crate::error::{ApiError, ErrorCode};
use crate::search_params::{ParseOptions, parse_search};

/// The most rows one export holds: the deepest a search can list.
pub const EXPORT_MAX_ROWS: usize = MAX_RESULT_WINDOW;

/// The parameter listing organisations by id.
const ID: &str = "id";

/// The export routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organisations/export.csv", get(export_csv))
        .route("/api/v1/organisations/export.xlsx", get(export_xlsx))
}

/// The operations of this module.
#[derive(utoipa::OpenApi)]
#[openapi(paths(export_csv, export_xlsx))]
pub(super) struct Doc;

/// The columns of an export, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "name",
    "type",
    "country",
    "nuts",
    "city",
    "lat",
    "lon",
    "website",
    "email",
    "pic",
    "vat",
    "founded",
    "staff",
    "staff_band",
    "members_band",
    "sme_status",
    "sectors",
    "nace",
    "technologies",
    "s3_areas",
    "emerging",
    "programmes",
    "target_countries",
    "escp",
    "escp_partnership",
    "label",
    "label_date",
    "description",
];

/// The separator of the values of a list column.
pub const LIST_SEPARATOR: &str = "; ";

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    pub(crate) fn text(value: impl Into<String>) -> Cell {
        Cell::Text(neutralise(&value.into()))
    }

    pub(crate) fn optional_text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, Cell::text)
    }

    fn list(values: &[String]) -> Cell {
        Cell::text(values.join(LIST_SEPARATOR))
    }

    #[allow(clippy::cast_precision_loss)]
    fn integer(value: Option<i64>) -> Cell {
        value.map_or(Cell::Empty, |value| Cell::Number(value as f64))
    }
}

/// A text that a spreadsheet would read as a formula (or as a command after a leading tab or
/// carriage return) gets a leading `'`, which makes it plain text.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The row of one organisation.
fn row(stored: &StoredOrganisation, document: &OrganisationDocument) -> Vec<Cell> {
    let profile = &stored.profile;
    let description = profile
        .descriptions
        .get("en")
        .or_else(|| profile.descriptions.values().next())
        .map(String::as_str);
    vec![
        Cell::integer(Some(stored.id)),
        Cell::text(profile.name.as_str()),
        Cell::text(document.kind.as_str()),
        Cell::text(document.country.as_str()),
        Cell::optional_text(document.nuts.as_deref()),
        Cell::optional_text(profile.city.as_deref()),
        profile.lat.map_or(Cell::Empty, Cell::Number),
        profile.lon.map_or(Cell::Empty, Cell::Number),
        Cell::optional_text(profile.website.as_deref()),
        Cell::optional_text(profile.email.as_deref()),
        Cell::optional_text(profile.pic.as_deref()),
        Cell::optional_text(profile.vat.as_deref()),
        Cell::integer(profile.founded),
        Cell::integer(profile.staff),
        Cell::optional_text(document.staff_band.as_deref()),
        Cell::optional_text(document.members_band.as_deref()),
        Cell::optional_text(document.sme_status.as_deref()),
        Cell::list(&document.sectors),
        Cell::list(&document.nace),
        Cell::list(&document.technologies),
        Cell::list(&document.s3_areas),
        Cell::list(&document.emerging),
        Cell::list(&document.programmes),
        Cell::list(&document.target_countries),
        Cell::text(if document.escp { "true" } else { "false" }),
        Cell::optional_text(profile.escp.as_deref()),
        Cell::optional_text(document.label.as_deref()),
        Cell::optional_text(profile.label_date.as_deref()),
        Cell::optional_text(description),
    ]
}

/// Which organisations an export holds, in the order it lists them.
async fn export_ids(state: &AppState, query: Option<&str>) -> Result<Vec<i64>, ApiError> {
    let parsed = parse_search(
        query,
        ParseOptions {
            extra: &[ID],
            ignore_empty: false,
            no_paging: true,
        },
    )?;
    let listed = parsed.other(ID);
    if !listed.is_empty() {
        if parsed.query != SearchQuery::default() {
            return Err(ApiError::invalid_parameter(
                ID,
                "`id` lists the organisations to export and cannot be combined with search \
                 parameters; give either ids or a search.",
            ));
        }
        if listed.len() > EXPORT_MAX_ROWS {
            return Err(ApiError::new(
                ErrorCode::ExportTooLarge,
                format!(
                    "{} ids are listed; one export holds at most {EXPORT_MAX_ROWS}.",
                    listed.len()
                ),
            )
            .with_parameter(ID));
        }
        let mut ids = Vec::with_capacity(listed.len());
        for text in listed {
            let id = text
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        ID,
                        format!(
                            "`id={text}` is not an organisation id; ids are positive whole numbers."
                        ),
                    )
                })?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        return Ok(ids);
    }
    let mut search = parsed.query;
    search.page = 1;
    search.per_page = EXPORT_MAX_ROWS;
    let results = run_search(state.search(), search).await?;
    if results.total > EXPORT_MAX_ROWS as u64 {
        return Err(ApiError::new(
            ErrorCode::ExportTooLarge,
            format!(
                "This search finds {} organisations; one export holds at most {EXPORT_MAX_ROWS}. \
                 Narrow it with filters or keywords.",
                results.total
            ),
        ));
    }
    Ok(results.hits.into_iter().map(|hit| hit.id).collect())
}

/// The rows of these organisations, in this order; ids that are not stored are left out.
pub async fn export_rows(storage: &Storage, ids: &[i64]) -> Result<Vec<Vec<Cell>>, ApiError> {
    let (stored, programmes, members) = tokio::try_join!(
        storage.organisations_by_ids(ids),
        storage.programmes_of(OrganisationIds::List(ids)),
        storage.directory_member_counts(OrganisationIds::List(ids)),
    )?;
    let mut related: HashMap<i64, RelatedFacts> = HashMap::new();
    for (id, programme) in programmes {
        related.entry(id).or_default().programmes.push(programme);
    }
    for (id, count) in members {
        related.entry(id).or_default().directory_members = count;
    }
    let by_id: HashMap<i64, &StoredOrganisation> =
        stored.iter().map(|stored| (stored.id, stored)).collect();
    let none = RelatedFacts::default();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.get(id))
        .map(|stored| {
            let document = document_from(stored, related.get(&stored.id).unwrap_or(&none));
            row(stored, &document)
        })
        .collect())
}

/// The export as CSV (UTF-8, comma-separated, a header row).
pub fn to_csv(rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    csv_of(COLUMNS, rows)
}

/// Rows under these column names as CSV (UTF-8, comma-separated, a header row).
pub fn csv_of(columns: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).map_err(ApiError::internal)?;
    let mut record: Vec<String> = Vec::with_capacity(columns.len());
    for row in rows {
        record.clear();
        record.extend(row.iter().map(|cell| match cell {
            Cell::Text(text) => text.clone(),
            Cell::Number(number) => number.to_string(),
            Cell::Empty => String::new(),
        }));
        writer.write_record(&record).map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

/// The export as an XLSX workbook with one sheet, text cells as strings (never formulas).
pub fn to_xlsx(rows: &[Vec<Cell>]) -> Result<Vec<u8>, ApiError> {
    xlsx_of("organisations", COLUMNS, rows)
}

/// Rows under these column names as an XLSX workbook with one sheet named `sheet_name`, text
/// cells as strings (never formulas), the header row frozen.
pub fn xlsx_of(
    sheet_name: &str,
    columns: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(ApiError::internal)?;
    let bold = Format::new().set_bold();
    for (column, name) in (0u16..).zip(columns) {
        sheet
            .write_string_with_format(0, column, *name, &bold)
            .map_err(ApiError::internal)?;
    }
    for (line, row) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Text(text) => sheet.write_string(line, column, text),
                Cell::Number(number) => sheet.write_number(line, column, *number),
                Cell::Empty => continue,
            }
            .map_err(ApiError::internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(ApiError::internal)?;
    workbook.save_to_buffer().map_err(ApiError::internal)
}

/// The media type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A download: the body with its media type, `Content-Disposition` (for example
/// `attachment; filename="x.csv"`) and no caching.
pub fn attachment(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition =
        HeaderValue::from_str(file_name).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The organisations a directory search finds (without paging), or those listed by `id`, as
/// CSV: a header row, then one row per organisation; list columns join their values with `; `;
/// text that a spreadsheet could take for a formula starts with `'`.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/export.csv",
    operation_id = "organisations_export_csv",
    tag = "organisations",
    params(super::openapi::ExportParameters),
    responses(
        (status = 200, description = "The export, as an attachment `organisations.csv`", body = String, content_type = "text/csv; charset=utf-8"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 414, response = super::openapi::UriTooLong),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn export_csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let ids = export_ids(&state, query.as_deref()).await?;
    let rows = export_rows(state.storage(), &ids).await?;
    let body = tokio::task::spawn_blocking(move || to_csv(&rows))
        .await
        .map_err(ApiError::internal)??;
    Ok(attachment(
        body,
        "text/csv; charset=utf-8",
        "attachment; filename=\"organisations.csv\"",
    ))
}

/// The same rows as the CSV export, as an XLSX workbook with one sheet `organisations`; text
/// cells are strings, never formulas.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/export.xlsx",
    operation_id = "organisations_export_xlsx",
    tag = "organisations",
    params(super::openapi::ExportParameters),
    responses(
        (status = 200, description = "The export, as an attachment `organisations.xlsx`", body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, response = super::openapi::BadRequest),
        (status = 414, response = super::openapi::UriTooLong),
        (status = 500, response = super::openapi::InternalError),
    ),
)]
async fn export_xlsx(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let ids = export_ids(&state, query.as_deref()).await?;
    let rows = export_rows(state.storage(), &ids).await?;
    let body = tokio::task::spawn_blocking(move || to_xlsx(&rows))
        .await
        .map_err(ApiError::internal)??;
    Ok(attachment(
        body,
        XLSX_CONTENT_TYPE,
        "attachment; filename=\"organisations.xlsx\"",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_kept() {
        for dangerous in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(dangerous), format!("'{dangerous}"));
        }
        for safe in ["Acme", "", "1=1", " =x", "'quoted"] {
            assert_eq!(neutralise(safe), safe);
        }
    }

    #[test]
    fn every_row_has_a_cell_per_column() {
        let stored = StoredOrganisation {
            id: 3,
            revision: 1,
            created_at: String::new(),
            updated_at: String::new(),
            profile: clusterhub_storage::OrganisationImport {
                external_key: String::from("k"),
                kind: String::from("sme"),
                name: String::from("=HYPERLINK(\"x\")"),
                country: String::from("DE"),
                sme_status: String::from("micro"),
                ..Default::default()
            },
        };
        let document = document_from(&stored, &RelatedFacts::default());
        let cells = row(&stored, &document);
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(cells[1], Cell::Text(String::from("'=HYPERLINK(\"x\")")));
    }
}
