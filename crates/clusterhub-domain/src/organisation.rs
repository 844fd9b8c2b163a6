//! The organisation profile of the directory (DESIGN C1): every field as a validated value, the
//! checks that span several fields, and the computed facts (SME status, total members, bands).
//!
//! Three forms of a profile:
//! - [`OrganisationRecord`] holds the texts of one import row or form submission;
//!   [`OrganisationRecord::parse`] reads every field and reports every problem at once.
//! - [`OrganisationDraft`] holds typed fields, each valid on its own, that may still contradict
//!   each other (a NUTS region in another country, member counts on an SME).
//! - [`Organisation`] is a draft that passed the checks across fields; it reads like the draft
//!   (it dereferences to it) and cannot be changed without being checked again
//!   ([`Organisation::into_draft`], then [`Organisation::new`]).

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::field_error::field;
use crate::{
    ClusterCategoryId, CountryCode, Currency, Email, EmergingIndustry, ExcellenceLabel,
    ExcellenceLabelError, ExternalKey, FieldError, GeoPoint, LabelLevel, Language, LocalisedText,
    MembersBand, Money, NaceCode, NutsCode, NutsVersion, OrgType, Pic, S3PriorityArea, SmeStatus,
    StaffBand, TechnologyField, VatNumber, WebUrl, money,
};

/// The longest name, in characters, in each language.
pub const NAME_MAX_CHARS: usize = 300;
/// The longest description, in characters, in each language.
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
/// The longest city name, in characters.
pub const CITY_MAX_CHARS: usize = 200;
/// The longest name of a strategic cluster partnership, in characters.
pub const ESCP_MAX_CHARS: usize = 300;
/// The longest offer or request, in characters.
pub const OFFER_MAX_CHARS: usize = 2_000;
/// The most offers, and the most requests, a profile holds.
pub const MAX_OFFERS: usize = 50;
/// The most entries of any other list (NACE codes, target countries, clusters it belongs to, ...).
pub const MAX_LIST_ITEMS: usize = 100;
/// The earliest founding year accepted.
pub const EARLIEST_FOUNDING_YEAR: i32 = 1800;

/// How many members of each kind a cluster organisation declares. Only cluster organisations
/// declare them; each count is optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemberCounts {
    pub sme: Option<u32>,
    pub large: Option<u32>,
    pub research: Option<u32>,
    pub other: Option<u32>,
}

impl MemberCounts {
    /// Whether any count is declared.
    pub fn is_declared(&self) -> bool {
        self.declared().next().is_some()
    }

    /// The sum of the declared counts; `None` when none is declared.
    pub fn total(&self) -> Option<u32> {
        if !self.is_declared() {
            return None;
        }
        Some(
            self.declared()
                .fold(0u32, |total, (_, count)| total.saturating_add(count)),
        )
    }

    /// Each declared count with the name of its field.
    fn declared(&self) -> impl Iterator<Item = (&'static str, u32)> {
        [
            (field::MEMBERS_SME, self.sme),
            (field::MEMBERS_LARGE, self.large),
            (field::MEMBERS_RESEARCH, self.research),
            (field::MEMBERS_OTHER, self.other),
        ]
        .into_iter()
        .filter_map(|(name, count)| count.map(|count| (name, count)))
    }
}

/// A profile whose fields are each valid, before the checks across fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationDraft {
    /// The organisation's identifier in the system it came from.
    pub external_key: ExternalKey,
    pub kind: OrgType,
    /// The names, with the primary language's name required.
    pub names: LocalisedText,
    pub description: Option<LocalisedText>,
    pub website: Option<WebUrl>,
    pub email: Option<Email>,
    pub pic: Option<Pic>,
    pub vat: Option<VatNumber>,
    pub country: CountryCode,
    /// A NUTS 2021 region of level 1 to 3 in `country`.
    pub nuts: Option<NutsCode>,
    pub city: Option<String>,
    pub location: Option<GeoPoint>,
    /// The year founded, from 1800 to the current year.
    pub founded: Option<i32>,
    /// Staff headcount in annual work units, as the SME definition counts it.
    pub staff: Option<u32>,
    pub turnover: Option<Money>,
    pub balance_sheet: Option<Money>,
    /// The sectoral industries: traded cluster categories 1 to 51.
    pub sectors: Vec<ClusterCategoryId>,
    pub nace: Vec<NaceCode>,
    pub technologies: Vec<TechnologyField>,
    pub s3_areas: Vec<S3PriorityArea>,
    pub emerging_industries: Vec<EmergingIndustry>,
    pub target_countries_international: Vec<CountryCode>,
    pub target_countries_transnational: Vec<CountryCode>,
    /// The name of the strategic cluster partnership it belongs to (an ESCP-4i, for example).
    pub escp: Option<String>,
    /// The cluster management excellence label, for cluster organisations.
    pub label: Option<ExcellenceLabel>,
    /// What it can provide to partners.
    pub offers: Vec<String>,
    /// What it looks for in partners.
    pub requests: Vec<String>,
    /// The declared member counts, for cluster organisations.
    pub member_counts: MemberCounts,
    /// The external keys of the clusters it is a member of.
    pub member_of: Vec<ExternalKey>,
}

impl OrganisationDraft {
    /// A draft with the required fields and every optional field empty.
    pub fn new(
        external_key: ExternalKey,
        kind: OrgType,
        names: LocalisedText,
        country: CountryCode,
    ) -> Self {
        Self {
            external_key,
            kind,
            names,
            description: None,
            website: None,
            email: None,
            pic: None,
            vat: None,
            country,
            nuts: None,
            city: None,
            location: None,
            founded: None,
            staff: None,
            turnover: None,
            balance_sheet: None,
            sectors: Vec::new(),
            nace: Vec::new(),
            technologies: Vec::new(),
            s3_areas: Vec::new(),
            emerging_industries: Vec::new(),
            target_countries_international: Vec::new(),
            target_countries_transnational: Vec::new(),
            escp: None,
            label: None,
            offers: Vec::new(),
            requests: Vec::new(),
            member_counts: MemberCounts::default(),
            member_of: Vec::new(),
        }
    }
}

/// A profile that passed every check: each field on its own and the checks across fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation(OrganisationDraft);

impl Organisation {
    /// Checks a draft across its fields and normalises it: texts trimmed, empty optional texts
    /// dropped, duplicates removed from lists (first occurrence kept). `today` bounds the founding
    /// year and the label's award date.
    pub fn new(draft: OrganisationDraft, today: Date) -> Result<Self, Vec<FieldError>> {
        Self::checked(draft, Some(today))
    }

    fn checked(mut draft: OrganisationDraft, today: Option<Date>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        normalise(&mut draft);
        check_texts(&draft, &mut errors);
        check_lists(&draft, &mut errors);
        check_region(&draft, &mut errors);
        check_figures(&draft, today, &mut errors);
        check_cluster_fields(&draft, today, &mut errors);
        if errors.is_empty() {
            Ok(Self(draft))
        } else {
            Err(errors)
        }
    }

    /// The draft back, to change it and check it again.
    pub fn into_draft(self) -> OrganisationDraft {
        self.0
    }

    /// The SME status by Commission Recommendation 2003/361/EC (see [`SmeStatus`]) from staff,
    /// turnover and balance sheet total. A public authority, and an organisation that declares
    /// itself a large enterprise (for example because it belongs to a large group, whose figures
    /// count under Article 3), is not an SME whatever its own figures.
    pub fn sme_status(&self) -> SmeStatus {
        match self.kind {
            OrgType::PublicAuthority | OrgType::LargeEnterprise => SmeStatus::NotSme,
            _ => SmeStatus::compute(
                self.staff,
                self.turnover.as_ref(),
                self.balance_sheet.as_ref(),
            ),
        }
    }

    /// The total of the declared member counts; `None` when none is declared.
    pub fn total_members(&self) -> Option<u32> {
        self.member_counts.total()
    }

    /// The staff band for the "number of staff" facet.
    pub fn staff_band(&self) -> Option<StaffBand> {
        self.staff.and_then(StaffBand::for_count)
    }

    /// The members band for the "total number of members" facet.
    pub fn members_band(&self) -> Option<MembersBand> {
        self.total_members().and_then(MembersBand::for_count)
    }

    /// The label if it is valid on `day`.
    pub fn label_valid_on(&self, day: Date) -> Option<&ExcellenceLabel> {
        self.label.as_ref().filter(|label| label.is_valid_on(day))
    }
}

impl Deref for Organisation {
    type Target = OrganisationDraft;

    fn deref(&self) -> &OrganisationDraft {
        &self.0
    }
}

impl Serialize for Organisation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Reading a stored profile runs every check except those that depend on today's date (the
/// founding year and the label's award date were checked against the date when it was saved).
impl<'de> Deserialize<'de> for Organisation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let draft = OrganisationDraft::deserialize(deserializer)?;
        Organisation::checked(draft, None).map_err(|errors| {
            let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
            serde::de::Error::custom(reasons.join("; "))
        })
    }
}

/// Trims free texts, drops empty ones, and removes duplicates from lists.
fn normalise(draft: &mut OrganisationDraft) {
    fn trim_optional(text: &mut Option<String>) {
        if let Some(value) = text {
            let trimmed = value.trim();
            if trimmed.is_empty() {
                *text = None;
            } else if trimmed.len() != value.len() {
                *text = Some(trimmed.to_owned());
            }
        }
    }
    fn trim_all(texts: &mut Vec<String>) {
        for text in texts.iter_mut() {
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        texts.retain(|text| !text.is_empty());
        remove_duplicates(texts);
    }
    trim_optional(&mut draft.city);
    trim_optional(&mut draft.escp);
    trim_all(&mut draft.offers);
    trim_all(&mut draft.requests);
    remove_duplicates(&mut draft.sectors);
    remove_duplicates(&mut draft.nace);
    remove_duplicates(&mut draft.technologies);
    remove_duplicates(&mut draft.s3_areas);
    remove_duplicates(&mut draft.emerging_industries);
    remove_duplicates(&mut draft.target_countries_international);
    remove_duplicates(&mut draft.target_countries_transnational);
    remove_duplicates(&mut draft.member_of);
}

/// Keeps the first occurrence of each value, in order. Lists are short, so a quadratic scan is
/// faster than hashing.
fn remove_duplicates<T: PartialEq>(items: &mut Vec<T>) {
    let mut index = 0;
    while index < items.len() {
        if items[..index].contains(&items[index]) {
            items.remove(index);
        } else {
            index += 1;
        }
    }
}

fn has_control_character(text: &str, allow_line_breaks: bool) -> bool {
    text.chars().any(|character| {
        character.is_control() && !(allow_line_breaks && matches!(character, '\n' | '\r' | '\t'))
    })
}

fn check_texts(draft: &OrganisationDraft, errors: &mut Vec<FieldError>) {
    for (language, name) in draft.names.iter() {
        let length = name.chars().count();
        if length > NAME_MAX_CHARS {
            errors.push(FieldError::new(
                field::NAMES,
                name,
                format!(
                    "a name is at most {NAME_MAX_CHARS} characters; the {} one has {length}",
                    language.english_name()
                ),
            ));
        }
        if has_control_character(name, false) {
            errors.push(FieldError::new(
                field::NAMES,
                name,
                "a name is one line, without tabs or control characters",
            ));
        }
    }
    if let Some(description) = &draft.description {
        for (language, text) in description.iter() {
            let length = text.chars().count();
            if length > DESCRIPTION_MAX_CHARS {
                errors.push(FieldError::new(
                    field::DESCRIPTION,
                    text,
                    format!(
                        "a description is at most {DESCRIPTION_MAX_CHARS} characters; the {} one has {length}",
                        language.english_name()
                    ),
                ));
            }
        }
    }
    if let Some(city) = &draft.city {
        if city.chars().count() > CITY_MAX_CHARS {
            errors.push(FieldError::new(
                field::CITY,
                city,
                format!("a city is at most {CITY_MAX_CHARS} characters"),
            ));
        }
        if has_control_character(city, false) {
            errors.push(FieldError::new(
                field::CITY,
                city,
                "a city is one line, without control characters",
            ));
        }
    }
    if let Some(escp) = &draft.escp {
        if escp.chars().count() > ESCP_MAX_CHARS {
            errors.push(FieldError::new(
                field::ESCP,
                escp,
                format!("a partnership's name is at most {ESCP_MAX_CHARS} characters"),
            ));
        }
        if has_control_character(escp, false) {
            errors.push(FieldError::new(
                field::ESCP,
                escp,
                "a partnership's name is one line, without control characters",
            ));
        }
    }
    for (name, items) in [
        (field::OFFERS, &draft.offers),
        (field::REQUESTS, &draft.requests),
    ] {
        if items.len() > MAX_OFFERS {
            errors.push(FieldError::new(
                name,
                &items.len().to_string(),
                format!("a profile has at most {MAX_OFFERS} of these"),
            ));
        }
        for item in items {
            let length = item.chars().count();
            if length > OFFER_MAX_CHARS {
                errors.push(FieldError::new(
                    name,
                    item,
                    format!("each is at most {OFFER_MAX_CHARS} characters; this one has {length}"),
                ));
            }
            if has_control_character(item, true) {
                errors.push(FieldError::new(name, item, "contains a control character"));
            }
        }
    }
}

fn check_lists(draft: &OrganisationDraft, errors: &mut Vec<FieldError>) {
    let lengths = [
        (field::NACE, draft.nace.len()),
        (field::TECHNOLOGIES, draft.technologies.len()),
        (field::S3_AREAS, draft.s3_areas.len()),
        (field::EMERGING_INDUSTRIES, draft.emerging_industries.len()),
        (
            field::TARGET_COUNTRIES_INTERNATIONAL,
            draft.target_countries_international.len(),
        ),
        (
            field::TARGET_COUNTRIES_TRANSNATIONAL,
            draft.target_countries_transnational.len(),
        ),
        (field::MEMBER_OF, draft.member_of.len()),
    ];
    for (name, length) in lengths {
        if length > MAX_LIST_ITEMS {
            errors.push(FieldError::new(
                name,
                &length.to_string(),
                format!("a profile lists at most {MAX_LIST_ITEMS} of these"),
            ));
        }
    }
    if draft.member_of.contains(&draft.external_key) {
        errors.push(FieldError::new(
            field::MEMBER_OF,
            draft.external_key.as_str(),
            "an organisation cannot be a member of itself",
        ));
    }
}

fn check_region(draft: &OrganisationDraft, errors: &mut Vec<FieldError>) {
    let Some(nuts) = draft.nuts else {
        return;
    };
    if nuts.version() != NutsVersion::V2021 {
        errors.push(FieldError::new(
            field::NUTS,
            nuts.as_str(),
            format!(
                "a profile's region is a NUTS 2021 code; this one is from NUTS {}",
                nuts.version()
            ),
        ));
    }
    if let Err(error) = nuts.require_region() {
        errors.push(FieldError::new(field::NUTS, nuts.as_str(), error));
    }
    let region_country = nuts.country();
    if region_country != draft.country {
        errors.push(FieldError::new(
            field::NUTS,
            nuts.as_str(),
            format!(
                "this region is in {}, not in {}, the organisation's country",
                region_country.name(),
                draft.country.name()
            ),
        ));
    }
}

fn check_figures(draft: &OrganisationDraft, today: Option<Date>, errors: &mut Vec<FieldError>) {
    if let Some(year) = draft.founded {
        let latest = today.map_or(9999, |today| today.year());
        if !(EARLIEST_FOUNDING_YEAR..=latest).contains(&year) {
            errors.push(FieldError::new(
                field::FOUNDED,
                &year.to_string(),
                format!("the founding year is between {EARLIEST_FOUNDING_YEAR} and {latest}"),
            ));
        }
    }
    for (name, amount) in [
        (field::TURNOVER, &draft.turnover),
        (field::BALANCE_SHEET, &draft.balance_sheet),
    ] {
        if let Some(money) = amount
            && let Err(error) = money.require_non_negative()
        {
            errors.push(FieldError::new(name, &money.to_string(), error));
        }
    }
    if draft.kind == OrgType::Sme {
        let status = SmeStatus::compute(
            draft.staff,
            draft.turnover.as_ref(),
            draft.balance_sheet.as_ref(),
        );
        if status == SmeStatus::NotSme {
            errors.push(FieldError::new(
                field::KIND,
                draft.kind.slug(),
                "the staff, turnover and balance sheet declared exceed the SME ceilings of Recommendation 2003/361/EC",
            ));
        }
    }
}

fn check_cluster_fields(
    draft: &OrganisationDraft,
    today: Option<Date>,
    errors: &mut Vec<FieldError>,
) {
    let is_cluster = draft.kind == OrgType::Cluster;
    if !is_cluster {
        for (name, count) in draft.member_counts.declared() {
            errors.push(FieldError::new(
                name,
                &count.to_string(),
                "only cluster organisations declare member counts",
            ));
        }
    }
    if let Some(label) = &draft.label {
        if !is_cluster {
            errors.push(FieldError::new(
                field::LABEL,
                label.level.slug(),
                "cluster management excellence labels are awarded to cluster organisations only",
            ));
        }
        if today.is_some_and(|today| label.awarded > today) {
            errors.push(FieldError::new(
                field::LABEL_AWARDED,
                &label.awarded.to_string(),
                ExcellenceLabelError::AwardedInFuture,
            ));
        }
    }
}

/// The texts of one profile as an import row or a form gives them. An empty text means "not
/// given".
///
/// Lists are written in one text: codes separated by `;`, `|` or line breaks (lists of countries
/// and of sector numbers also by `,`), and offers and requests one per line or separated by `|`. NACE codes are never split
/// on `,`, because "62,01" is how a decimal comma writes 62.01.
///
/// It deserialises borrowing its texts, straight from a CSV row with headers named like the fields
/// (missing columns are empty); from JSON only when no text holds an escape sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrganisationRecord<'a> {
    pub external_key: &'a str,
    pub kind: &'a str,
    /// The primary language of the name and the description; English when empty.
    pub language: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    /// Names in other languages: (ISO 639-1 code, name).
    #[serde(borrow)]
    pub other_names: Vec<(&'a str, &'a str)>,
    /// Descriptions in other languages: (ISO 639-1 code, description).
    #[serde(borrow)]
    pub other_descriptions: Vec<(&'a str, &'a str)>,
    pub website: &'a str,
    pub email: &'a str,
    pub pic: &'a str,
    pub vat: &'a str,
    pub country: &'a str,
    pub nuts: &'a str,
    pub city: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
    pub founded: &'a str,
    pub staff: &'a str,
    pub turnover: &'a str,
    pub balance_sheet: &'a str,
    /// The currency of turnover and balance sheet when they do not name one; EUR when empty.
    pub currency: &'a str,
    pub sectors: &'a str,
    pub nace: &'a str,
    pub technologies: &'a str,
    pub s3_areas: &'a str,
    pub emerging_industries: &'a str,
    pub target_countries_international: &'a str,
    pub target_countries_transnational: &'a str,
    pub escp: &'a str,
    /// bronze, silver or gold.
    pub label: &'a str,
    pub label_awarded: &'a str,
    pub offers: &'a str,
    pub requests: &'a str,
    pub members_sme: &'a str,
    pub members_large: &'a str,
    pub members_research: &'a str,
    pub members_other: &'a str,
    pub member_of: &'a str,
}

/// Separators of lists of codes and keys.
const CODE_SEPARATORS: &[char] = &[';', '|', '\n', '\r'];
/// Separators of lists of country codes and of numbers, which never contain a comma.
const COUNTRY_SEPARATORS: &[char] = &[';', '|', ',', '\n', '\r'];
/// Separators of offers and requests, which are prose.
const TEXT_SEPARATORS: &[char] = &['|', '\n', '\r'];

impl OrganisationRecord<'_> {
    /// Reads every field, then checks across fields, and returns the profile or every problem
    /// found, each naming its field. `today` bounds the founding year and the label's date.
    pub fn parse(&self, today: Date) -> Result<Organisation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut reader = FieldReader {
            errors: &mut errors,
        };

        let external_key = reader.read(field::EXTERNAL_KEY, self.external_key, ExternalKey::parse);
        let kind = reader.read(field::KIND, self.kind, OrgType::parse);
        let language = if self.language.trim().is_empty() {
            Some(Language::En)
        } else {
            reader.read(field::LANGUAGE, self.language, Language::parse)
        };
        let country = reader.read(field::COUNTRY, self.country, CountryCode::parse);
        let names = language.and_then(|language| {
            reader.localised(field::NAMES, language, self.name, &self.other_names)
        });
        let description = match (
            language,
            self.description.trim().is_empty() && self.other_descriptions.is_empty(),
        ) {
            (_, true) | (None, _) => None,
            (Some(language), false) => reader.localised(
                field::DESCRIPTION,
                language,
                self.description,
                &self.other_descriptions,
            ),
        };
        let website = reader.optional(field::WEBSITE, self.website, WebUrl::parse);
        let email = reader.optional(field::EMAIL, self.email, Email::parse);
        let pic = reader.optional(field::PIC, self.pic, Pic::parse);
        let vat = match country {
            Some(country) => reader.optional(field::VAT, self.vat, |text| {
                VatNumber::parse_for_country(text, country)
            }),
            None => reader.optional(field::VAT, self.vat, VatNumber::parse),
        };
        let nuts = reader.optional(field::NUTS, self.nuts, NutsCode::parse_region);
        let location = reader.location(self.latitude, self.longitude);
        let founded = reader.optional(field::FOUNDED, self.founded, parse_year);
        let staff = reader.optional(field::STAFF, self.staff, parse_count);
        let currency = if self.currency.trim().is_empty() {
            Some(Currency::EUR)
        } else {
            reader.read(field::CURRENCY, self.currency, Currency::parse)
        };
        let parse_amount = |text: &str| {
            Money::parse_in(text, currency.unwrap_or(Currency::EUR))
                .and_then(Money::require_non_negative)
        };
        let turnover = reader.optional(field::TURNOVER, self.turnover, parse_amount);
        let balance_sheet = reader.optional(field::BALANCE_SHEET, self.balance_sheet, parse_amount);
        // Category names contain commas, so a comma separates only a list of numbers.
        let only_numbers = self
            .sectors
            .bytes()
            .all(|byte| byte.is_ascii_digit() || b" ,;|\r\n".contains(&byte));
        let sector_separators = if only_numbers {
            COUNTRY_SEPARATORS
        } else {
            CODE_SEPARATORS
        };
        let sectors = reader.list(
            field::SECTORS,
            self.sectors,
            sector_separators,
            ClusterCategoryId::parse,
        );
        let nace = reader.list(field::NACE, self.nace, CODE_SEPARATORS, NaceCode::parse);
        let technologies = reader.list(
            field::TECHNOLOGIES,
            self.technologies,
            CODE_SEPARATORS,
            TechnologyField::parse,
        );
        let s3_areas = reader.list(
            field::S3_AREAS,
            self.s3_areas,
            CODE_SEPARATORS,
            S3PriorityArea::parse,
        );
        let emerging_industries = reader.list(
            field::EMERGING_INDUSTRIES,
            self.emerging_industries,
            CODE_SEPARATORS,
            EmergingIndustry::parse,
        );
        let target_countries_international = reader.list(
            field::TARGET_COUNTRIES_INTERNATIONAL,
            self.target_countries_international,
            COUNTRY_SEPARATORS,
            CountryCode::parse,
        );
        let target_countries_transnational = reader.list(
            field::TARGET_COUNTRIES_TRANSNATIONAL,
            self.target_countries_transnational,
            COUNTRY_SEPARATORS,
            CountryCode::parse,
        );
        let label = reader.label(self.label, self.label_awarded, today);
        let offers = split(self.offers, TEXT_SEPARATORS)
            .map(str::to_owned)
            .collect();
        let requests = split(self.requests, TEXT_SEPARATORS)
            .map(str::to_owned)
            .collect();
        let member_counts = MemberCounts {
            sme: reader.optional(field::MEMBERS_SME, self.members_sme, parse_count),
            large: reader.optional(field::MEMBERS_LARGE, self.members_large, parse_count),
            research: reader.optional(field::MEMBERS_RESEARCH, self.members_research, parse_count),
            other: reader.optional(field::MEMBERS_OTHER, self.members_other, parse_count),
        };
        let member_of = reader.list(
            field::MEMBER_OF,
            self.member_of,
            CODE_SEPARATORS,
            ExternalKey::parse,
        );

        // The checks across fields need the required fields; they run even when optional fields
        // were refused, so one pass reports as much as possible.
        let (Some(external_key), Some(kind), Some(names), Some(country)) =
            (external_key, kind, names, country)
        else {
            return Err(errors);
        };
        let draft = OrganisationDraft {
            external_key,
            kind,
            names,
            description,
            website,
            email,
            pic,
            vat,
            country,
            nuts,
            city: Some(self.city.to_owned()),
            location,
            founded,
            staff,
            turnover,
            balance_sheet,
            sectors,
            nace,
            technologies,
            s3_areas,
            emerging_industries,
            target_countries_international,
            target_countries_transnational,
            escp: Some(self.escp.to_owned()),
            label,
            offers,
            requests,
            member_counts,
            member_of,
        };
        match Organisation::new(draft, today) {
            Ok(organisation) if errors.is_empty() => Ok(organisation),
            Ok(_) => Err(errors),
            Err(cross_field_errors) => {
                errors.extend(cross_field_errors);
                Err(errors)
            }
        }
    }
}

/// Splits a list text and drops empty entries.
fn split<'a>(text: &'a str, separators: &'a [char]) -> impl Iterator<Item = &'a str> {
    text.split(separators)
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Reads the fields of a record, collecting the errors.
struct FieldReader<'e> {
    errors: &'e mut Vec<FieldError>,
}

impl FieldReader<'_> {
    /// A required field; an empty text is reported by the parser itself ("cannot be empty").
    fn read<T, E: std::fmt::Display>(
        &mut self,
        name: &'static str,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(FieldError::new(name, text, error));
                None
            }
        }
    }

    /// An optional field: an empty text gives `None` without error.
    fn optional<T, E: std::fmt::Display>(
        &mut self,
        name: &'static str,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        if text.trim().is_empty() {
            None
        } else {
            self.read(name, text, parse)
        }
    }

    /// A list field: every entry is read, and each bad entry reported with its own text.
    fn list<T, E: std::fmt::Display>(
        &mut self,
        name: &'static str,
        text: &str,
        separators: &[char],
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Vec<T> {
        split(text, separators)
            .filter_map(|item| self.read(name, item, &parse))
            .collect()
    }

    /// A text in a primary language plus translations.
    fn localised(
        &mut self,
        name: &'static str,
        primary: Language,
        primary_text: &str,
        others: &[(&str, &str)],
    ) -> Option<LocalisedText> {
        if primary_text.trim().is_empty() {
            self.errors.push(FieldError::new(
                name,
                primary_text,
                format!(
                    "required, in the primary language ({})",
                    primary.english_name()
                ),
            ));
            return None;
        }
        let mut localised =
            self.read(name, primary_text, |text| LocalisedText::new(primary, text))?;
        for (language_code, text) in others {
            if text.trim().is_empty() {
                continue;
            }
            let Some(language) = self.read(name, language_code, Language::parse) else {
                continue;
            };
            if let Err(error) = localised.insert(language, text) {
                self.errors.push(FieldError::new(name, text, error));
            }
        }
        Some(localised)
    }

    /// Latitude and longitude, which come together or not at all.
    fn location(&mut self, latitude: &str, longitude: &str) -> Option<GeoPoint> {
        match (latitude.trim().is_empty(), longitude.trim().is_empty()) {
            (true, true) => None,
            (false, true) => {
                self.errors.push(FieldError::new(
                    field::LONGITUDE,
                    longitude,
                    "give the longitude with the latitude",
                ));
                None
            }
            (true, false) => {
                self.errors.push(FieldError::new(
                    field::LATITUDE,
                    latitude,
                    "give the latitude with the longitude",
                ));
                None
            }
            (false, false) => {
                self.read(field::LOCATION, &format!("{latitude}, {longitude}"), |_| {
                    GeoPoint::parse(latitude, longitude)
                })
            }
        }
    }

    /// The label level with its award date.
    fn label(&mut self, level: &str, awarded: &str, today: Date) -> Option<ExcellenceLabel> {
        if level.trim().is_empty() {
            if !awarded.trim().is_empty() {
                self.errors.push(FieldError::new(
                    field::LABEL,
                    level,
                    "give the label (bronze, silver or gold) with its award date",
                ));
            }
            return None;
        }
        let level_value = self.read(field::LABEL, level, LabelLevel::parse)?;
        let label = self.read(field::LABEL_AWARDED, awarded, |text| {
            ExcellenceLabel::parse(level_value.slug(), text, today)
        })?;
        Some(label)
    }
}

/// Why a count or a year was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum NumberError {
    #[error("a count is a whole number of 0 or more, such as 12 or 1 250")]
    Count,
    #[error("a year is written with 4 digits, such as 1998")]
    Year,
}

/// A count of people or members: a whole number, digits optionally grouped (1 250, 1.250).
fn parse_count(text: &str) -> Result<u32, NumberError> {
    let cents = money::parse_cents(text).map_err(|_| NumberError::Count)?;
    if cents < 0 || cents % 100 != 0 {
        return Err(NumberError::Count);
    }
    u32::try_from(cents / 100).map_err(|_| NumberError::Count)
}

/// A year of four digits.
fn parse_year(text: &str) -> Result<i32, NumberError> {
    let trimmed = text.trim();
    if trimmed.len() != 4 || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(NumberError::Year);
    }
    trimmed.parse().map_err(|_| NumberError::Year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    /// A complete, consistent record of a cluster organisation.
    fn cluster_record() -> OrganisationRecord<'static> {
        OrganisationRecord {
            external_key: "eccp-42",
            kind: "cluster",
            language: "de",
            name: "Cluster Medizintechnik Bayern",
            description: "Das Netzwerk der Medizintechnik in Bayern.",
            other_names: vec![("en", "Bavarian Medical Technology Cluster")],
            other_descriptions: vec![("en", "The medical technology network of Bavaria.")],
            website: "www.medtech-bayern.example.eu",
            email: "info@medtech-bayern.example.eu",
            pic: "999 123 456",
            vat: "811 363 057",
            country: "DE",
            nuts: "DE212",
            city: " München ",
            latitude: "48.1372",
            longitude: "11.5755",
            founded: "2006",
            staff: "6",
            turnover: "1 250 000,50",
            balance_sheet: "",
            currency: "",
            sectors: "1, 12",
            nace: "72.19 | 2660",
            technologies: "",
            s3_areas: "",
            emerging_industries: "",
            target_countries_international: "US, JP;CA",
            target_countries_transnational: "AT;FR;AT",
            escp: "ESCP-4i Health",
            label: "Gold",
            label_awarded: "31.05.2024",
            offers: "Access to hospitals\nRegulatory advice",
            requests: "Partners in Japan",
            members_sme: "80",
            members_large: "12",
            members_research: "9",
            members_other: "",
            member_of: "national-cluster-de",
        }
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&'static str> {
        errors.iter().map(|error| error.field).collect()
    }

    #[test]
    fn reads_a_complete_record() {
        let organisation = cluster_record().parse(TODAY).unwrap();
        assert_eq!(organisation.external_key.as_str(), "eccp-42");
        assert_eq!(
            organisation.names.primary(),
            "Cluster Medizintechnik Bayern"
        );
        assert_eq!(
            organisation.names.get(Language::En),
            Some("Bavarian Medical Technology Cluster")
        );
        assert_eq!(organisation.vat.unwrap().as_str(), "DE811363057");
        assert_eq!(organisation.city.as_deref(), Some("München"));
        assert_eq!(organisation.turnover, Some(Money::eur(125_000_050)));
        assert_eq!(
            organisation
                .nace
                .iter()
                .map(NaceCode::as_str)
                .collect::<Vec<_>>(),
            ["72.19", "26.60"]
        );
        assert_eq!(
            organisation
                .sectors
                .iter()
                .map(ClusterCategoryId::id)
                .collect::<Vec<_>>(),
            [1, 12]
        );
        let transnational: Vec<_> = organisation
            .target_countries_transnational
            .iter()
            .map(CountryCode::as_str)
            .collect();
        assert_eq!(transnational, ["AT", "FR"], "duplicates removed");
        assert_eq!(organisation.target_countries_international.len(), 3);
        assert_eq!(
            organisation.offers,
            ["Access to hospitals", "Regulatory advice"]
        );
        assert_eq!(
            organisation.label.unwrap().expires_on(),
            date!(2026 - 05 - 31)
        );
        assert_eq!(organisation.total_members(), Some(101));
        assert_eq!(organisation.members_band(), Some(MembersBand::From100To249));
        assert_eq!(organisation.staff_band(), Some(StaffBand::From1To9));
        assert_eq!(organisation.sme_status(), SmeStatus::Micro);
        assert!(organisation.label_valid_on(TODAY).is_some());
        assert!(organisation.label_valid_on(date!(2026 - 06 - 01)).is_none());
    }

    #[test]
    fn reports_every_bad_field_at_once_with_its_reason() {
        let record = OrganisationRecord {
            vat: "DE12345",
            pic: "12345",
            nuts: "DE999",
            founded: "1750",
            staff: "12.5",
            nace: "62.01; 99.99",
            target_countries_international: "US, QQ",
            ..cluster_record()
        };
        let errors = record.parse(TODAY).unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                field::PIC,
                field::VAT,
                field::NUTS,
                field::STAFF,
                field::NACE,
                field::TARGET_COUNTRIES_INTERNATIONAL,
                field::FOUNDED
            ]
        );
        assert_eq!(
            errors[1].to_string(),
            "vat: 'DE12345' — German VAT numbers are DE followed by 9 digits"
        );
        assert_eq!(errors[4].value, "99.99");
        assert_eq!(errors[5].value, "QQ");
        assert_eq!(
            errors[6].reason,
            "the founding year is between 1800 and 2025"
        );
    }

    #[test]
    fn reports_missing_required_fields() {
        let errors = OrganisationRecord::default().parse(TODAY).unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                field::EXTERNAL_KEY,
                field::KIND,
                field::COUNTRY,
                field::NAMES
            ]
        );
        assert_eq!(
            errors[3].reason,
            "required, in the primary language (English)"
        );
    }

    #[test]
    fn checks_fields_against_each_other() {
        let region_abroad = OrganisationRecord {
            nuts: "FR101",
            ..cluster_record()
        };
        let errors = region_abroad.parse(TODAY).unwrap_err();
        assert_eq!(fields_of(&errors), [field::NUTS]);
        assert_eq!(
            errors[0].reason,
            "this region is in France, not in Germany, the organisation's country"
        );

        let whole_country = OrganisationRecord {
            nuts: "DE",
            ..cluster_record()
        };
        let errors = whole_country.parse(TODAY).unwrap_err();
        assert_eq!(
            errors[0].reason,
            "a whole country (NUTS level 0); give a region of level 1 to 3"
        );

        let sme_with_members = OrganisationRecord {
            kind: "sme",
            label: "",
            label_awarded: "",
            ..cluster_record()
        };
        let errors = sme_with_members.parse(TODAY).unwrap_err();
        assert_eq!(
            fields_of(&errors),
            [
                field::MEMBERS_SME,
                field::MEMBERS_LARGE,
                field::MEMBERS_RESEARCH
            ]
        );
        assert_eq!(
            errors[0].reason,
            "only cluster organisations declare member counts"
        );

        let labelled_university = OrganisationRecord {
            kind: "university",
            members_sme: "",
            members_large: "",
            members_research: "",
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&labelled_university.parse(TODAY).unwrap_err()),
            [field::LABEL]
        );

        let member_of_itself = OrganisationRecord {
            member_of: "eccp-42",
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&member_of_itself.parse(TODAY).unwrap_err()),
            [field::MEMBER_OF]
        );
    }

    #[test]
    fn an_sme_cannot_exceed_the_sme_ceilings() {
        let big_sme = OrganisationRecord {
            external_key: "x",
            kind: "sme",
            name: "Big Co",
            country: "FR",
            staff: "300",
            ..OrganisationRecord::default()
        };
        let errors = big_sme.parse(TODAY).unwrap_err();
        assert_eq!(fields_of(&errors), [field::KIND]);
        let large = OrganisationRecord {
            kind: "large_enterprise",
            staff: "12",
            turnover: "EUR 1000",
            ..big_sme.clone()
        };
        assert_eq!(large.parse(TODAY).unwrap().sme_status(), SmeStatus::NotSme);
        let undeclared = OrganisationRecord {
            staff: "",
            ..big_sme
        };
        assert_eq!(
            undeclared.parse(TODAY).unwrap().sme_status(),
            SmeStatus::Undeclared
        );
    }

    #[test]
    fn reads_money_in_the_record_currency_and_refuses_negative_amounts() {
        let in_francs = OrganisationRecord {
            currency: "chf",
            balance_sheet: "2'000'000",
            ..cluster_record()
        };
        let organisation = in_francs.parse(TODAY).unwrap();
        assert_eq!(
            organisation.balance_sheet.unwrap().to_string(),
            "CHF 2000000.00"
        );
        assert_eq!(organisation.turnover.unwrap().currency.as_str(), "CHF");
        let negative = OrganisationRecord {
            turnover: "-5",
            ..cluster_record()
        };
        let errors = negative.parse(TODAY).unwrap_err();
        assert_eq!(
            (errors[0].field, errors[0].reason.as_str()),
            (field::TURNOVER, "the amount cannot be negative")
        );
    }

    #[test]
    fn reads_counts_years_and_coordinates() {
        assert_eq!(parse_count("1 250"), Ok(1250));
        assert_eq!(parse_count("1.250"), Ok(1250));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("12.5"), Err(NumberError::Count));
        assert_eq!(parse_count("-3"), Err(NumberError::Count));
        assert_eq!(parse_count("99999999999"), Err(NumberError::Count));
        assert_eq!(parse_year("1998"), Ok(1998));
        assert_eq!(parse_year("98"), Err(NumberError::Year));
        let latitude_only = OrganisationRecord {
            longitude: "",
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&latitude_only.parse(TODAY).unwrap_err()),
            [field::LONGITUDE]
        );
        let off_the_map = OrganisationRecord {
            latitude: "95",
            ..cluster_record()
        };
        let errors = off_the_map.parse(TODAY).unwrap_err();
        assert_eq!(
            (errors[0].field, errors[0].value.as_str()),
            (field::LOCATION, "95, 11.5755")
        );
    }

    #[test]
    fn checks_names_and_texts() {
        let long_name = "N".repeat(NAME_MAX_CHARS + 1);
        let record = OrganisationRecord {
            name: &long_name,
            offers: "fine|",
            ..cluster_record()
        };
        let errors = record.parse(TODAY).unwrap_err();
        assert_eq!(fields_of(&errors), [field::NAMES]);
        assert_eq!(
            errors[0].reason,
            "a name is at most 300 characters; the German one has 301"
        );
        let bad_language = OrganisationRecord {
            other_names: vec![("xx", "Name")],
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&bad_language.parse(TODAY).unwrap_err()),
            [field::NAMES]
        );
        let label_without_level = OrganisationRecord {
            label: "",
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&label_without_level.parse(TODAY).unwrap_err()),
            [field::LABEL]
        );
        let future_label = OrganisationRecord {
            label_awarded: "2025-07-01",
            ..cluster_record()
        };
        assert_eq!(
            fields_of(&future_label.parse(TODAY).unwrap_err()),
            [field::LABEL_AWARDED]
        );
    }

    #[test]
    fn round_trips_through_json_with_the_same_checks() {
        let organisation = cluster_record().parse(TODAY).unwrap();
        let json = serde_json::to_string(&organisation).unwrap();
        let read_back: Organisation = serde_json::from_str(&json).unwrap();
        assert_eq!(read_back, organisation);

        let mut draft = organisation.into_draft();
        draft.nuts = Some(NutsCode::parse("FR101").unwrap());
        let inconsistent = serde_json::to_string(&draft).unwrap();
        let error = serde_json::from_str::<Organisation>(&inconsistent).unwrap_err();
        assert!(error.to_string().contains("not in Germany"), "{error}");
    }

    #[test]
    fn a_record_deserialises_borrowing_its_texts() {
        let json = r#"{"external_key": "k1", "kind": "sme", "name": "Acme", "country": "el",
            "other_names": [["fr", "Acmé"]]}"#;
        let record: OrganisationRecord<'_> = serde_json::from_str(json).unwrap();
        assert_eq!((record.name, record.vat), ("Acme", ""));
        let organisation = record.parse(TODAY).unwrap();
        assert_eq!(organisation.country.as_str(), "GR");
        assert_eq!(organisation.names.get(Language::Fr), Some("Acmé"));
    }

    #[test]
    fn builds_from_a_minimal_draft() {
        let draft = OrganisationDraft::new(
            ExternalKey::parse("k").unwrap(),
            OrgType::Rto,
            LocalisedText::new(Language::En, "Institute").unwrap(),
            CountryCode::parse("PT").unwrap(),
        );
        let organisation = Organisation::new(draft, TODAY).unwrap();
        assert_eq!(organisation.sme_status(), SmeStatus::Undeclared);
        assert_eq!(
            (organisation.total_members(), organisation.staff_band()),
            (None, None)
        );
    }

    #[test]
    fn member_counts_add_up() {
        let counts = MemberCounts {
            sme: Some(10),
            other: Some(u32::MAX),
            ..MemberCounts::default()
        };
        assert_eq!(counts.total(), Some(u32::MAX));
        assert_eq!(MemberCounts::default().total(), None);
        assert!(!MemberCounts::default().is_declared());
    }
}
