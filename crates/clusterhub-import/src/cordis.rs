//! CORDIS project records: the XML export (one `<project>` per file) and the CSV layout of the
//! `organization.csv` open-data file (`projectID;projectAcronym;organisationID;vatNumber;name;...`).
//!
//! Both give projects with their participating organisations. Country codes come as EU statistics
//! write them (`EL`, `UK`) and are mapped to ISO; NUTS codes of older versions are translated to
//! NUTS 2021.

use std::collections::BTreeMap;
use std::io::Read;

use clusterhub_domain::{CountryCode, Currency, Money, NutsCode, OrgType};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Serialize;

use crate::table::{CsvRows, RawRow};
use crate::{ImportError, RowError};

/// A project as CORDIS describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CordisProject {
    /// The grant agreement number (CORDIS `reference` / `projectID`).
    pub grant_id: String,
    pub acronym: String,
    pub title: String,
    /// The framework programme, e.g. `H2020`.
    pub programme: String,
    pub call_id: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub total_cost: Option<Money>,
    pub ec_max_contribution: Option<Money>,
    pub participants: Vec<CordisParticipant>,
}

/// One organisation's part in a CORDIS project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CordisParticipant {
    /// A stable key for the organisation: `pic:NNNNNNNNN` when CORDIS gives its PIC
    /// (`organisationID` in the CSV), else `cordis-org:RCN` from the XML record.
    pub external_key: String,
    pub pic: Option<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub country: Option<CountryCode>,
    /// NUTS 2021, translated from the code CORDIS gives when that is of an older version.
    pub nuts: Option<NutsCode>,
    pub city: Option<String>,
    pub vat: Option<String>,
    pub website: Option<String>,
    /// CORDIS activity type: PRC, HES, REC, PUB, OTH.
    pub activity_type: Option<String>,
    pub sme: Option<bool>,
    /// `coordinator` or `participant` (or another CORDIS role).
    pub role: String,
    pub ec_contribution: Option<Money>,
}

impl CordisParticipant {
    /// The organisation type the directory uses for this participant, from CORDIS's activity
    /// type and SME flag.
    pub fn org_type(&self) -> OrgType {
        match self.activity_type.as_deref() {
            Some("HES") => OrgType::University,
            Some("REC") => OrgType::Rto,
            Some("PUB") => OrgType::PublicAuthority,
            Some("PRC") if self.sme == Some(true) => OrgType::Sme,
            Some("PRC") if self.sme == Some(false) => OrgType::LargeEnterprise,
            _ => OrgType::Other,
        }
    }
}

/// The programme code of a CORDIS programme id such as `H2020-EU.1.1.` → `H2020`.
fn framework_programme(code: &str) -> String {
    code.split(['-', '.']).next().unwrap_or(code).to_owned()
}

fn parse_amount(text: &str) -> Option<Money> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    // CORDIS writes amounts with a dot and sometimes more decimals than cents ("12345.678");
    // round half away from zero to cents on the decimal text, never through a float.
    let (integer, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let mut digits: Vec<u8> = fraction.bytes().filter(u8::is_ascii_digit).collect();
    digits.resize(3, b'0');
    let round_up = digits[2] >= b'5';
    let cents_text = format!("{integer}.{}{}", digits[0] as char, digits[1] as char);
    let money = Money::parse_in(&cents_text, Currency::EUR).ok()?;
    Some(if round_up {
        Money {
            cents: money.cents + money.cents.signum().max(1),
            currency: money.currency,
        }
    } else {
        money
    })
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Reads one CORDIS XML project record.
pub fn parse_cordis_xml(bytes: &[u8], file: &str) -> Result<CordisProject, ImportError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut project = CordisProject {
        grant_id: String::new(),
        acronym: String::new(),
        title: String::new(),
        programme: String::new(),
        call_id: None,
        start_date: None,
        end_date: None,
        total_cost: None,
        ec_max_contribution: None,
        participants: Vec::new(),
    };
    let mut participant: Option<CordisParticipant> = None;
    let mut participant_rcn = String::new();
    let mut buffer = Vec::new();
    let error = |position: u64, message: String| ImportError::Xml {
        file: file.to_owned(),
        position,
        message,
    };
    loop {
        let position = reader.buffer_position();
        match reader.read_event_into(&mut buffer) {
            Err(xml_error) => return Err(error(position, xml_error.to_string())),
            Ok(Event::Eof) => break,
            Ok(Event::Start(start)) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if name == "organization" {
                    let mut role = String::from("participant");
                    let mut contribution = None;
                    for attribute in start.attributes().flatten() {
                        let value = attribute
                            .unescape_value()
                            .map_err(|xml_error| error(position, xml_error.to_string()))?;
                        match attribute.key.local_name().as_ref() {
                            b"type" => role = value.into_owned(),
                            b"ecContribution" => contribution = parse_amount(&value),
                            _ => {}
                        }
                    }
                    participant = Some(CordisParticipant {
                        external_key: String::new(),
                        pic: None,
                        name: String::new(),
                        short_name: None,
                        country: None,
                        nuts: None,
                        city: None,
                        vat: None,
                        website: None,
                        activity_type: None,
                        sme: None,
                        role,
                        ec_contribution: contribution,
                    });
                    participant_rcn.clear();
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if path.last().map(String::as_str) == Some("organization")
                    && let Some(mut done) = participant.take()
                {
                    if participant_rcn.is_empty() {
                        return Err(error(
                            position,
                            String::from("an organization without <rcn>"),
                        ));
                    }
                    done.external_key = format!("cordis-org:{participant_rcn}");
                    if done.name.is_empty() {
                        done.name = done.short_name.clone().unwrap_or_default();
                    }
                    project.participants.push(done);
                }
                path.pop();
            }
            Ok(Event::Text(text)) => {
                let value = text
                    .xml_content()
                    .map_err(|xml_error| error(position, xml_error.to_string()))?
                    .into_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                apply_xml_text(
                    &here,
                    &value,
                    &mut project,
                    participant.as_mut(),
                    &mut participant_rcn,
                );
            }
            Ok(Event::CData(data)) => {
                let value = String::from_utf8_lossy(&data).into_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                apply_xml_text(
                    &here,
                    &value,
                    &mut project,
                    participant.as_mut(),
                    &mut participant_rcn,
                );
            }
            Ok(_) => {}
        }
        buffer.clear();
    }
    if project.grant_id.is_empty() {
        return Err(error(
            0,
            String::from("no <reference> (grant agreement number) in the project record"),
        ));
    }
    if project.programme.is_empty() {
        project.programme = String::from("CORDIS");
    }
    Ok(project)
}

fn apply_xml_text(
    path: &[&str],
    value: &str,
    project: &mut CordisProject,
    participant: Option<&mut CordisParticipant>,
    participant_rcn: &mut String,
) {
    match path {
        ["project", "reference"] => project.grant_id = value.trim().to_owned(),
        ["project", "acronym"] => project.acronym = value.trim().to_owned(),
        ["project", "title"] => project.title = value.trim().to_owned(),
        ["project", "startDate"] => project.start_date = non_empty(value),
        ["project", "endDate"] => project.end_date = non_empty(value),
        ["project", "totalCost"] => project.total_cost = parse_amount(value),
        ["project", "ecMaxContribution"] => project.ec_max_contribution = parse_amount(value),
        ["project", "relations", "associations", "programme", "code"]
            if project.programme.is_empty() =>
        {
            project.programme = framework_programme(value.trim());
        }
        ["project", "relations", "associations", "call", "identifier"] => {
            project.call_id = non_empty(value);
        }
        [
            "project",
            "relations",
            "associations",
            "organization",
            rest @ ..,
        ] => {
            let Some(participant) = participant else {
                return;
            };
            match rest {
                ["rcn"] => *participant_rcn = value.trim().to_owned(),
                ["legalName"] => participant.name = value.trim().to_owned(),
                ["shortName"] => participant.short_name = non_empty(value),
                ["address", "country"] => {
                    participant.country = CountryCode::parse(value.trim()).ok()
                }
                ["address", "city"] => participant.city = non_empty(value),
                ["address", "url"] => participant.website = non_empty(value),
                ["vatNumber"] => participant.vat = non_empty(value),
                ["relations", "regions", "region", "nutsCode"] => {
                    let code = value.trim();
                    if code.len() > 2 {
                        participant.nuts = NutsCode::parse_translated(code).ok();
                    }
                }
                ["relations", "categories", "category", "code"] => {
                    participant.activity_type = non_empty(value);
                }
                _ => {}
            }
        }
        _ => {}
    }
}

/// Reads the CORDIS CSV layout (`organization.csv`): one row per participation, `;`-separated.
/// Rows are grouped into projects by `projectID`. Returns the projects and every bad row.
pub fn parse_cordis_csv<R: Read>(
    reader: R,
) -> Result<(Vec<CordisProject>, Vec<RowError>), ImportError> {
    let mut rows = CsvRows::new(reader)?;
    let header: Vec<String> = rows.header().to_vec();
    let column = |name: &str| {
        header
            .iter()
            .position(|column| column.eq_ignore_ascii_case(name))
    };
    let required = [
        "projectID",
        "projectAcronym",
        "organisationID",
        "name",
        "role",
    ];
    let mut missing = Vec::new();
    for name in required {
        if column(name).is_none() {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return Err(ImportError::Header(format!(
            "the CORDIS CSV layout needs the columns {}; this file has no {}",
            required.join(", "),
            missing.join(", ")
        )));
    }
    let get = |row: &RawRow, name: &str| -> String {
        column(name)
            .and_then(|index| row.fields.get(index))
            .map(|value| value.trim().to_owned())
            .unwrap_or_default()
    };
    let mut projects: BTreeMap<String, CordisProject> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in rows.by_ref() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        let project_id = get(&row, "projectID");
        let organisation_id = get(&row, "organisationID");
        let mut row_errors = Vec::new();
        if project_id.is_empty() {
            row_errors.push(row.error("projectID", "", "every row names its project"));
        }
        if organisation_id.is_empty() || !organisation_id.bytes().all(|byte| byte.is_ascii_digit())
        {
            row_errors.push(row.error(
                "organisationID",
                &organisation_id,
                "the organisation's PIC is 9 digits",
            ));
        }
        let country_text = get(&row, "country");
        let country = if country_text.is_empty() {
            None
        } else {
            match CountryCode::parse(&country_text) {
                Ok(country) => Some(country),
                Err(reason) => {
                    row_errors.push(row.error("country", &country_text, reason));
                    None
                }
            }
        };
        let nuts_text = get(&row, "nutsCode");
        let nuts = if nuts_text.len() <= 2 {
            None
        } else {
            match NutsCode::parse_translated(&nuts_text) {
                Ok(nuts) => Some(nuts),
                Err(reason) => {
                    row_errors.push(row.error("nutsCode", &nuts_text, reason));
                    None
                }
            }
        };
        let contribution_text = get(&row, "ecContribution");
        let contribution = parse_amount(&contribution_text);
        if contribution.is_none() && !contribution_text.is_empty() {
            row_errors.push(row.error("ecContribution", &contribution_text, "not an amount"));
        }
        if !row_errors.is_empty() {
            errors.extend(row_errors);
            continue;
        }
        let sme = match get(&row, "SME").to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        };
        let project = projects
            .entry(project_id.clone())
            .or_insert_with(|| CordisProject {
                grant_id: project_id.clone(),
                acronym: get(&row, "projectAcronym"),
                title: get(&row, "projectAcronym"),
                programme: non_empty(&get(&row, "frameworkProgramme"))
                    .unwrap_or_else(|| String::from("CORDIS")),
                call_id: None,
                start_date: None,
                end_date: None,
                total_cost: None,
                ec_max_contribution: None,
                participants: Vec::new(),
            });
        project.participants.push(CordisParticipant {
            external_key: format!("pic:{organisation_id}"),
            pic: Some(organisation_id),
            name: get(&row, "name"),
            short_name: non_empty(&get(&row, "shortName")),
            country,
            nuts,
            city: non_empty(&get(&row, "city")),
            vat: non_empty(&get(&row, "vatNumber")),
            website: non_empty(&get(&row, "organizationURL")),
            activity_type: non_empty(&get(&row, "activityType")),
            sme,
            role: non_empty(&get(&row, "role")).unwrap_or_else(|| String::from("participant")),
            ec_contribution: contribution,
        });
    }
    Ok((projects.into_values().collect(), errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_to_cents_without_floats() {
        let check = |text: &str, expected: Option<i64>| {
            assert_eq!(
                parse_amount(text).map(|money| money.cents),
                expected,
                "{text}"
            );
        };
        check("230000", Some(23_000_000));
        check("1234.5", Some(123_450));
        check("1234.565", Some(123_457));
        check("1234.564", Some(123_456));
        check("", None);
        check("abc", None);
    }

    #[test]
    fn programme_of_a_code() {
        assert_eq!(framework_programme("H2020-EU.1.1."), "H2020");
        assert_eq!(framework_programme("FP7-ICT"), "FP7");
    }
}
