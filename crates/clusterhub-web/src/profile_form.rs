//! The texts of a profile as people edit them (the edit page's form and the JSON of
//! `PUT /api/v1/organisations/{id}`), read with the importer's own validation
//! ([`OrganisationRecord::parse`], the same path a row of an import file takes), and written
//! back from a stored profile to fill the form.

use std::collections::BTreeMap;

use clusterhub_domain::{FieldError, Language, Organisation, OrganisationRecord, field};
use clusterhub_storage::OrganisationImport;
use serde::Deserialize;
use utoipa::ToSchema;

/// Every field of a profile (DESIGN C1) as text, in the layout of an import row: lists
/// separated by `;` or new lines, offers and requests one per line, amounts as decimal text in
/// `currency`. The external key and the clusters it belongs to are not edited here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileFields {
    /// The organisation type: `cluster`, `sme`, `large_enterprise`, `rto`, `university`,
    /// `incubator`, `public_authority`, `investor` or `other`.
    pub kind: String,
    /// The ISO 639-1 code of the language of `name` and `description` (English when empty).
    pub language: String,
    pub name: String,
    pub description: String,
    /// Names in other languages, by ISO 639-1 code.
    pub other_names: BTreeMap<String, String>,
    /// Descriptions in other languages, by ISO 639-1 code.
    pub other_descriptions: BTreeMap<String, String>,
    pub website: String,
    pub email: String,
    pub pic: String,
    pub vat: String,
    /// ISO 3166-1 alpha-2 (`EL` and `UK` are read as `GR` and `GB`).
    pub country: String,
    /// A NUTS 2021 region of level 1 to 3 in the country.
    pub nuts: String,
    pub city: String,
    pub latitude: String,
    pub longitude: String,
    pub founded: String,
    pub staff: String,
    pub turnover: String,
    pub balance_sheet: String,
    /// ISO 4217; EUR when empty.
    pub currency: String,
    /// Cluster categories 1 to 51.
    pub sectors: String,
    pub nace: String,
    pub technologies: String,
    pub s3_areas: String,
    pub emerging_industries: String,
    pub target_countries_international: String,
    pub target_countries_transnational: String,
    pub escp: String,
    /// `bronze`, `silver` or `gold`.
    pub label: String,
    /// The label's award date, `YYYY-MM-DD`.
    pub label_awarded: String,
    pub offers: String,
    pub requests: String,
    pub members_sme: String,
    pub members_large: String,
    pub members_research: String,
    pub members_other: String,
}

/// The form fields with one text each, by name (the names are the domain's field names).
pub const SINGLE_FIELDS: &[&str] = &[
    field::KIND,
    field::LANGUAGE,
    "name",
    field::DESCRIPTION,
    field::WEBSITE,
    field::EMAIL,
    field::PIC,
    field::VAT,
    field::COUNTRY,
    field::NUTS,
    field::CITY,
    field::LATITUDE,
    field::LONGITUDE,
    field::FOUNDED,
    field::STAFF,
    field::TURNOVER,
    field::BALANCE_SHEET,
    field::CURRENCY,
    field::SECTORS,
    field::NACE,
    field::TECHNOLOGIES,
    field::S3_AREAS,
    field::EMERGING_INDUSTRIES,
    field::TARGET_COUNTRIES_INTERNATIONAL,
    field::TARGET_COUNTRIES_TRANSNATIONAL,
    field::ESCP,
    field::LABEL,
    field::LABEL_AWARDED,
    field::OFFERS,
    field::REQUESTS,
    field::MEMBERS_SME,
    field::MEMBERS_LARGE,
    field::MEMBERS_RESEARCH,
    field::MEMBERS_OTHER,
];

impl ProfileFields {
    /// The text of a single field by its form name.
    pub fn get(&self, name: &str) -> &str {
        SINGLE_FIELDS
            .iter()
            .position(|known| *known == name)
            .map_or("", |index| self.slots()[index].as_str())
    }

    fn slots(&self) -> [&String; 34] {
        [
            &self.kind,
            &self.language,
            &self.name,
            &self.description,
            &self.website,
            &self.email,
            &self.pic,
            &self.vat,
            &self.country,
            &self.nuts,
            &self.city,
            &self.latitude,
            &self.longitude,
            &self.founded,
            &self.staff,
            &self.turnover,
            &self.balance_sheet,
            &self.currency,
            &self.sectors,
            &self.nace,
            &self.technologies,
            &self.s3_areas,
            &self.emerging_industries,
            &self.target_countries_international,
            &self.target_countries_transnational,
            &self.escp,
            &self.label,
            &self.label_awarded,
            &self.offers,
            &self.requests,
            &self.members_sme,
            &self.members_large,
            &self.members_research,
            &self.members_other,
        ]
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut String> {
        let index = SINGLE_FIELDS.iter().position(|known| *known == name)?;
        let slots: [&mut String; 34] = [
            &mut self.kind,
            &mut self.language,
            &mut self.name,
            &mut self.description,
            &mut self.website,
            &mut self.email,
            &mut self.pic,
            &mut self.vat,
            &mut self.country,
            &mut self.nuts,
            &mut self.city,
            &mut self.latitude,
            &mut self.longitude,
            &mut self.founded,
            &mut self.staff,
            &mut self.turnover,
            &mut self.balance_sheet,
            &mut self.currency,
            &mut self.sectors,
            &mut self.nace,
            &mut self.technologies,
            &mut self.s3_areas,
            &mut self.emerging_industries,
            &mut self.target_countries_international,
            &mut self.target_countries_transnational,
            &mut self.escp,
            &mut self.label,
            &mut self.label_awarded,
            &mut self.offers,
            &mut self.requests,
            &mut self.members_sme,
            &mut self.members_large,
            &mut self.members_research,
            &mut self.members_other,
        ];
        slots.into_iter().nth(index)
    }

    /// Reads a submitted form: the single fields by name, `name_xx` and `description_xx` for
    /// other languages; anything else (the CSRF field) is ignored.
    pub fn from_form(pairs: &[(String, String)]) -> ProfileFields {
        let mut fields = ProfileFields::default();
        for (name, value) in pairs {
            if let Some(slot) = fields.slot_mut(name) {
                value.clone_into(slot);
            } else if let Some(code) = name.strip_prefix("name_") {
                if !value.trim().is_empty() {
                    fields.other_names.insert(code.to_owned(), value.clone());
                }
            } else if let Some(code) = name.strip_prefix("description_")
                && !value.trim().is_empty()
            {
                fields
                    .other_descriptions
                    .insert(code.to_owned(), value.clone());
            }
        }
        fields
    }

    /// The texts of a stored profile, as the form shows them.
    pub fn from_stored(profile: &OrganisationImport) -> ProfileFields {
        let language = profile
            .names
            .iter()
            .find(|(_, name)| **name == profile.name)
            .map_or("en", |(language, _)| language.as_str())
            .to_owned();
        let lines = |values: &[String]| values.join("\n");
        let amount = |cents: Option<i64>| {
            cents.map_or_else(String::new, |cents| {
                format!("{}.{:02}", cents / 100, (cents % 100).abs())
            })
        };
        let currency = profile
            .turnover_currency
            .clone()
            .or_else(|| profile.balance_sheet_currency.clone())
            .unwrap_or_default();
        let mut balance_sheet = amount(profile.balance_sheet_cents);
        if let (Some(own), false) = (&profile.balance_sheet_currency, balance_sheet.is_empty())
            && *own != currency
        {
            balance_sheet = format!("{own} {balance_sheet}");
        }
        let number = |value: Option<i64>| value.map(|value| value.to_string()).unwrap_or_default();
        let coordinate =
            |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
        ProfileFields {
            kind: profile.kind.clone(),
            name: profile.name.clone(),
            description: profile
                .descriptions
                .get(&language)
                .cloned()
                .unwrap_or_default(),
            other_names: profile
                .names
                .iter()
                .filter(|(code, _)| **code != language)
                .map(|(code, text)| (code.clone(), text.clone()))
                .collect(),
            other_descriptions: profile
                .descriptions
                .iter()
                .filter(|(code, _)| **code != language)
                .map(|(code, text)| (code.clone(), text.clone()))
                .collect(),
            language,
            website: profile.website.clone().unwrap_or_default(),
            email: profile.email.clone().unwrap_or_default(),
            pic: profile.pic.clone().unwrap_or_default(),
            vat: profile.vat.clone().unwrap_or_default(),
            country: profile.country.clone(),
            nuts: profile.nuts.clone().unwrap_or_default(),
            city: profile.city.clone().unwrap_or_default(),
            latitude: coordinate(profile.lat),
            longitude: coordinate(profile.lon),
            founded: number(profile.founded),
            staff: number(profile.staff),
            turnover: amount(profile.turnover_cents),
            balance_sheet,
            currency,
            sectors: lines(&profile.sectors),
            nace: lines(&profile.nace),
            technologies: lines(&profile.technologies),
            s3_areas: lines(&profile.s3_areas),
            emerging_industries: lines(&profile.emerging),
            target_countries_international: lines(&profile.target_international),
            target_countries_transnational: lines(&profile.target_transnational),
            escp: profile.escp.clone().unwrap_or_default(),
            label: profile.label.clone().unwrap_or_default(),
            label_awarded: profile.label_date.clone().unwrap_or_default(),
            offers: lines(&profile.offers),
            requests: lines(&profile.requests),
            members_sme: number(profile.members_sme),
            members_large: number(profile.members_large),
            members_research: number(profile.members_research),
            members_other: number(profile.members_other),
        }
    }

    /// Validates the texts as the importer validates a row (the same parser), for the
    /// organisation whose external key is `external_key`; `today` bounds years and dates.
    pub fn parse(
        &self,
        external_key: &str,
        today: time::Date,
    ) -> Result<Organisation, Vec<FieldError>> {
        let other_names: Vec<(&str, &str)> = self
            .other_names
            .iter()
            .map(|(code, text)| (code.as_str(), text.as_str()))
            .collect();
        let other_descriptions: Vec<(&str, &str)> = self
            .other_descriptions
            .iter()
            .map(|(code, text)| (code.as_str(), text.as_str()))
            .collect();
        let mut errors = Vec::new();
        // A language code the form does not offer would be dropped by the record silently;
        // refuse it by name instead.
        for (code, _) in other_names.iter().chain(&other_descriptions) {
            if Language::parse(code).is_err() {
                errors.push(FieldError::new(
                    field::LANGUAGE,
                    code,
                    "not an ISO 639-1 code of an official EU language",
                ));
            }
        }
        let record = OrganisationRecord {
            external_key,
            kind: &self.kind,
            language: &self.language,
            name: &self.name,
            description: &self.description,
            other_names,
            other_descriptions,
            website: &self.website,
            email: &self.email,
            pic: &self.pic,
            vat: &self.vat,
            country: &self.country,
            nuts: &self.nuts,
            city: &self.city,
            latitude: &self.latitude,
            longitude: &self.longitude,
            founded: &self.founded,
            staff: &self.staff,
            turnover: &self.turnover,
            balance_sheet: &self.balance_sheet,
            currency: &self.currency,
            sectors: &self.sectors,
            nace: &self.nace,
            technologies: &self.technologies,
            s3_areas: &self.s3_areas,
            emerging_industries: &self.emerging_industries,
            target_countries_international: &self.target_countries_international,
            target_countries_transnational: &self.target_countries_transnational,
            escp: &self.escp,
            label: &self.label,
            label_awarded: &self.label_awarded,
            offers: &self.offers,
            requests: &self.requests,
            members_sme: &self.members_sme,
            members_large: &self.members_large,
            members_research: &self.members_research,
            members_other: &self.members_other,
            member_of: "",
        };
        match record.parse(today) {
            Ok(organisation) if errors.is_empty() => Ok(organisation),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }

    /// The form field an error belongs to: its own name, `name`/`name_xx` and
    /// `description`/`description_xx` for names and descriptions (by the value reported), and
    /// both coordinates for a location.
    pub fn fields_of(&self, error: &FieldError) -> Vec<String> {
        let localised = |primary: &str, others: &BTreeMap<String, String>, prefix: &str| {
            let value = error.value.trim_end_matches('…');
            others
                .iter()
                .find(|(_, text)| !value.is_empty() && text.starts_with(value))
                .map_or_else(|| primary.to_owned(), |(code, _)| format!("{prefix}{code}"))
        };
        match error.field {
            field::NAMES => vec![localised("name", &self.other_names, "name_")],
            field::DESCRIPTION
                if !self
                    .description
                    .starts_with(error.value.trim_end_matches('…')) =>
            {
                vec![localised(
                    field::DESCRIPTION,
                    &self.other_descriptions,
                    "description_",
                )]
            }
            field::LOCATION => vec![field::LATITUDE.to_owned(), field::LONGITUDE.to_owned()],
            other => vec![other.to_owned()],
        }
    }

    /// The errors by form field, in the order they were found.
    pub fn errors_by_field(&self, errors: &[FieldError]) -> BTreeMap<String, Vec<String>> {
        let mut by_field: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for error in errors {
            for name in self.fields_of(error) {
                by_field.entry(name).or_default().push(error.reason.clone());
            }
        }
        by_field
    }
}

/// Today in UTC, which bounds founding years and label dates.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The stored columns of a validated profile.
pub fn stored_form(organisation: &Organisation) -> OrganisationImport {
    OrganisationImport::from_domain(organisation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::November, 22).expect("a date")
    }

    fn full_profile() -> OrganisationImport {
        let fields = ProfileFields {
            kind: String::from("cluster"),
            language: String::from("de"),
            name: String::from("Robotik-Cluster Bayern"),
            description: String::from("Wir verbinden Robotik-Firmen."),
            other_names: BTreeMap::from([(
                String::from("en"),
                String::from("Robotics Cluster Bavaria"),
            )]),
            other_descriptions: BTreeMap::from([(
                String::from("fr"),
                String::from("Nous relions."),
            )]),
            website: String::from("https://robotik.example.eu/"),
            email: String::from("info@robotik.example.eu"),
            pic: String::from("999999999"),
            vat: String::from("DE123456788"),
            country: String::from("DE"),
            nuts: String::from("DE212"),
            city: String::from("München"),
            latitude: String::from("48.14"),
            longitude: String::from("11.58"),
            founded: String::from("2009"),
            staff: String::from("12"),
            turnover: String::from("1250000.50"),
            balance_sheet: String::from("800000"),
            currency: String::from("EUR"),
            sectors: String::from("10\n4"),
            nace: String::from("C28.99"),
            technologies: String::from("advanced_manufacturing"),
            s3_areas: String::new(),
            emerging_industries: String::new(),
            target_countries_international: String::from("US; JP"),
            target_countries_transnational: String::from("FR"),
            escp: String::from("ESCP-4i Robotics"),
            label: String::from("gold"),
            label_awarded: String::from("2025-05-01"),
            offers: String::from("Testing facilities\nTraining"),
            requests: String::from("Partners in Asia"),
            members_sme: String::from("80"),
            members_large: String::from("10"),
            members_research: String::from("5"),
            members_other: String::new(),
        };
        let organisation = fields.parse("k-1", today()).expect("a valid profile");
        stored_form(&organisation)
    }

    #[test]
    fn a_stored_profile_reads_back_the_same_through_the_form() {
        let stored = full_profile();
        let fields = ProfileFields::from_stored(&stored);
        let again = stored_form(&fields.parse("k-1", today()).expect("still valid"));
        assert_eq!(again, stored);
        assert_eq!(fields.get("name"), "Robotik-Cluster Bayern");
        assert_eq!(fields.get(field::TURNOVER), "1250000.50");
    }

    #[test]
    fn a_submitted_form_fills_every_field_and_other_languages() {
        let pairs: Vec<(String, String)> = [
            ("csrf", "x"),
            ("kind", "sme"),
            ("name", "Acme"),
            ("name_fr", "Acmé"),
            ("description_de", "Text"),
            ("name_it", "  "),
            ("staff", "12"),
        ]
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
        let fields = ProfileFields::from_form(&pairs);
        assert_eq!(fields.kind, "sme");
        assert_eq!(fields.staff, "12");
        assert_eq!(fields.other_names.len(), 1);
        assert_eq!(fields.other_descriptions["de"], "Text");
    }

    #[test]
    fn errors_name_the_form_fields() {
        let mut fields = ProfileFields::from_stored(&full_profile());
        fields.vat = String::from("DE12");
        fields.latitude = String::from("91");
        fields.name_fr_for_test("x".repeat(400));
        fields
            .other_names
            .insert(String::from("xx"), String::from("y"));
        let errors = fields.parse("k-1", today()).expect_err("refused");
        let by_field = fields.errors_by_field(&errors);
        for expected in ["vat", "latitude", "longitude", "name_fr", "language"] {
            assert!(by_field.contains_key(expected), "{expected}: {by_field:?}");
        }
    }

    impl ProfileFields {
        fn name_fr_for_test(&mut self, text: String) {
            self.other_names.insert(String::from("fr"), text);
        }
    }
}
