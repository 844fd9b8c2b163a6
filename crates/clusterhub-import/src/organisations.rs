//! Rows of Clusterhub's organisation layout (`docs/import-format.md`) into validated
//! [`Organisation`]s: the header decides which cell feeds which field, and every refused field is
//! reported under the column the person wrote it in.

use clusterhub_domain::{FieldError, Language, Organisation, OrganisationRecord, field};
use time::Date;

use crate::table::RawRow;
use crate::{ImportError, RowError};

/// An organisation read from one row.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedOrganisation {
    pub line: u64,
    pub organisation: Organisation,
}

/// The columns of the layout with a single cell each, and the domain field each one feeds.
const SINGLE_COLUMNS: &[(&str, &str)] = &[
    ("external_id", field::EXTERNAL_KEY),
    ("type", field::KIND),
    ("language", field::LANGUAGE),
    ("name", field::NAMES),
    ("description", field::DESCRIPTION),
    ("website", field::WEBSITE),
    ("email", field::EMAIL),
    ("pic", field::PIC),
    ("vat", field::VAT),
    ("country", field::COUNTRY),
    ("nuts", field::NUTS),
    ("city", field::CITY),
    ("lat", field::LATITUDE),
    ("lon", field::LONGITUDE),
    ("founded", field::FOUNDED),
    ("staff", field::STAFF),
    ("turnover", field::TURNOVER),
    ("balance_sheet", field::BALANCE_SHEET),
    ("currency", field::CURRENCY),
    ("sectors", field::SECTORS),
    ("nace", field::NACE),
    ("technologies", field::TECHNOLOGIES),
    ("s3_areas", field::S3_AREAS),
    ("emerging", field::EMERGING_INDUSTRIES),
    (
        "target_countries_international",
        field::TARGET_COUNTRIES_INTERNATIONAL,
    ),
    (
        "target_countries_transnational",
        field::TARGET_COUNTRIES_TRANSNATIONAL,
    ),
    ("escp", field::ESCP),
    ("label", field::LABEL),
    ("label_date", field::LABEL_AWARDED),
    ("offers", field::OFFERS),
    ("requests", field::REQUESTS),
    ("members_sme", field::MEMBERS_SME),
    ("members_large", field::MEMBERS_LARGE),
    ("members_research", field::MEMBERS_RESEARCH),
    ("members_other", field::MEMBERS_OTHER),
    ("member_of", field::MEMBER_OF),
];

const REQUIRED_COLUMNS: &[&str] = &["external_id", "type", "name", "country"];

/// Where each column of a file's header goes.
#[derive(Debug, Clone)]
pub struct OrganisationColumns {
    /// For each entry of [`SINGLE_COLUMNS`], the cell index in a row, if the file has it.
    single: Vec<Option<usize>>,
    /// `name_xx` columns: (language, cell index).
    names: Vec<(Language, usize, String)>,
    /// `description_xx` columns: (language, cell index).
    descriptions: Vec<(Language, usize, String)>,
}

impl OrganisationColumns {
    /// Reads a header. Unknown or repeated columns, and missing required ones, are errors: a typo
    /// in a header must never drop a column's data silently.
    pub fn from_header(header: &[String]) -> Result<Self, ImportError> {
        let mut single = vec![None; SINGLE_COLUMNS.len()];
        let mut names = Vec::new();
        let mut descriptions = Vec::new();
        let mut problems = Vec::new();
        for (index, raw) in header.iter().enumerate() {
            let column = raw.trim().to_ascii_lowercase();
            if column.is_empty() {
                problems.push(format!("column {} has no name", index + 1));
                continue;
            }
            if let Some(position) = SINGLE_COLUMNS.iter().position(|(name, _)| *name == column) {
                if single[position].is_some() {
                    problems.push(format!("column {column} appears twice"));
                }
                single[position] = Some(index);
                continue;
            }
            let localised = column
                .strip_prefix("name_")
                .map(|code| (code, &mut names))
                .or_else(|| {
                    column
                        .strip_prefix("description_")
                        .map(|code| (code, &mut descriptions))
                });
            match localised {
                Some((code, target)) => match Language::parse(code) {
                    Ok(language) => {
                        if target.iter().any(|(seen, _, _)| *seen == language) {
                            problems.push(format!("column {column} appears twice"));
                        }
                        target.push((language, index, column.clone()));
                    }
                    Err(reason) => problems.push(format!("column {column}: {reason}")),
                },
                None => problems.push(format!(
                    "unknown column {raw:?} (column {}); the layout is in docs/import-format.md",
                    index + 1
                )),
            }
        }
        for required in REQUIRED_COLUMNS {
            let position = SINGLE_COLUMNS.iter().position(|(name, _)| name == required);
            if position.and_then(|position| single[position]).is_none() {
                problems.push(format!("the required column {required} is missing"));
            }
        }
        if problems.is_empty() {
            Ok(OrganisationColumns {
                single,
                names,
                descriptions,
            })
        } else {
            Err(ImportError::Header(problems.join("; ")))
        }
    }

    fn cell<'row>(&self, row: &'row RawRow, column: &str) -> &'row str {
        SINGLE_COLUMNS
            .iter()
            .position(|(name, _)| *name == column)
            .and_then(|position| self.single[position])
            .and_then(|index| row.fields.get(index))
            .map_or("", String::as_str)
    }

    /// Reads one row; `today` bounds founding years and label dates.
    pub fn parse(&self, row: &RawRow, today: Date) -> Result<ParsedOrganisation, Vec<RowError>> {
        let cell = |column: &str| self.cell(row, column);
        let other_names: Vec<(&str, &str)> = self
            .names
            .iter()
            .filter_map(|(language, index, _)| {
                let text = row.fields.get(*index).map_or("", String::as_str);
                (!text.trim().is_empty()).then_some((language.as_str(), text))
            })
            .collect();
        let other_descriptions: Vec<(&str, &str)> = self
            .descriptions
            .iter()
            .filter_map(|(language, index, _)| {
                let text = row.fields.get(*index).map_or("", String::as_str);
                (!text.trim().is_empty()).then_some((language.as_str(), text))
            })
            .collect();
        let record = OrganisationRecord {
            external_key: cell("external_id"),
            kind: cell("type"),
            language: cell("language"),
            name: cell("name"),
            description: cell("description"),
            other_names,
            other_descriptions,
            website: cell("website"),
            email: cell("email"),
            pic: cell("pic"),
            vat: cell("vat"),
            country: cell("country"),
            nuts: cell("nuts"),
            city: cell("city"),
            latitude: cell("lat"),
            longitude: cell("lon"),
            founded: cell("founded"),
            staff: cell("staff"),
            turnover: cell("turnover"),
            balance_sheet: cell("balance_sheet"),
            currency: cell("currency"),
            sectors: cell("sectors"),
            nace: cell("nace"),
            technologies: cell("technologies"),
            s3_areas: cell("s3_areas"),
            emerging_industries: cell("emerging"),
            target_countries_international: cell("target_countries_international"),
            target_countries_transnational: cell("target_countries_transnational"),
            escp: cell("escp"),
            label: cell("label"),
            label_awarded: cell("label_date"),
            offers: cell("offers"),
            requests: cell("requests"),
            members_sme: cell("members_sme"),
            members_large: cell("members_large"),
            members_research: cell("members_research"),
            members_other: cell("members_other"),
            member_of: cell("member_of"),
        };
        match record.parse(today) {
            Ok(organisation) => Ok(ParsedOrganisation {
                line: row.line,
                organisation,
            }),
            Err(errors) => Err(errors
                .into_iter()
                .map(|error| self.row_error(row, error))
                .collect()),
        }
    }

    /// The report line for a field error: the column the person wrote the value in.
    fn row_error(&self, row: &RawRow, error: FieldError) -> RowError {
        if error.field == field::LOCATION {
            return RowError {
                line: row.line,
                column: String::from("lat, lon"),
                value: error.value,
                reason: error.reason,
            };
        }
        let column = SINGLE_COLUMNS
            .iter()
            .find(|(_, domain_field)| *domain_field == error.field)
            .map(|(column, _)| (*column).to_owned())
            .or_else(|| {
                // A localised name or description refused in another language: name the column
                // whose text matches the value reported.
                self.names
                    .iter()
                    .chain(&self.descriptions)
                    .find(|(_, index, _)| {
                        row.fields
                            .get(*index)
                            .is_some_and(|text| text.starts_with(error.value.trim_end_matches('…')))
                    })
                    .map(|(_, _, column)| column.clone())
            })
            .unwrap_or_else(|| error.field.to_owned());
        RowError {
            line: row.line,
            column,
            value: error.value,
            reason: error.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn header(columns: &[&str]) -> Vec<String> {
        columns.iter().map(|column| (*column).to_owned()).collect()
    }

    fn row(header: &[String], line: u64, cells: &[&str]) -> RawRow {
        RawRow {
            line,
            fields: cells.iter().map(|cell| (*cell).to_owned()).collect(),
            header: Arc::from(header.to_vec()),
        }
    }

    fn today() -> Date {
        Date::from_calendar_date(2026, time::Month::November, 22).expect("date")
    }

    #[test]
    fn header_errors_name_every_problem() {
        let error = OrganisationColumns::from_header(&header(&[
            "external_id",
            "nmae",
            "name_xx",
            "type",
            "type",
        ]))
        .expect_err("bad header");
        let text = error.to_string();
        assert!(text.contains("unknown column \"nmae\""), "{text}");
        assert!(text.contains("name_xx"), "{text}");
        assert!(text.contains("type appears twice"), "{text}");
        assert!(text.contains("required column name is missing"), "{text}");
        assert!(
            text.contains("required column country is missing"),
            "{text}"
        );
    }

    #[test]
    fn a_good_row_parses_and_bad_cells_name_their_columns() {
        let columns = header(&[
            "External_ID",
            "type",
            "name",
            "name_fr",
            "country",
            "nuts",
            "vat",
            "staff",
            "lat",
            "lon",
        ]);
        let parser = OrganisationColumns::from_header(&columns).expect("header");
        let good = row(
            &columns,
            2,
            &[
                "k1",
                "sme",
                "Robotik GmbH",
                "Robotique SARL",
                "DE",
                "DE212",
                "",
                "12",
                "48.1",
                "11.5",
            ],
        );
        let parsed = parser.parse(&good, today()).expect("valid row");
        assert_eq!(parsed.line, 2);
        assert_eq!(parsed.organisation.external_key.as_str(), "k1");

        let bad = row(
            &columns,
            3,
            &[
                "k2", "sme", "", "", "DE", "FR101", "DE123", "many", "91", "11.5",
            ],
        );
        let errors = parser.parse(&bad, today()).expect_err("invalid row");
        let columns_reported: Vec<&str> =
            errors.iter().map(|error| error.column.as_str()).collect();
        for expected in ["name", "vat", "staff"] {
            assert!(
                columns_reported.contains(&expected),
                "{expected} missing from {errors:?}"
            );
        }
        assert!(errors.iter().all(|error| error.line == 3));
        assert!(columns_reported.contains(&"lat, lon"), "{errors:?}");
    }
}
