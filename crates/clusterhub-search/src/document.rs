//! What the index knows about one organisation: the searchable texts and the facet values.
//!
//! The index is a derived view, so a document is built from the stored profile (the web crate
//! does that from `StoredOrganisation`); this crate never reads the database itself. Values are
//! the platform's stable identifiers: type slugs, ISO country codes, NUTS 2021 codes, cluster
//! category numbers, NACE Rev. 2 codes, taxonomy ids and band slugs, exactly as filters name them.

/// One organisation as the directory search sees it.
///
/// Build one with [`OrganisationDocument::new`] and fill in the fields the profile has; every
/// list may be empty and every option absent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrganisationDocument {
    /// The organisation's database id; the index keeps at most one document per id.
    pub id: i64,
    /// The profile's revision, so that a change feed can tell whether the index is current.
    pub revision: i64,
    /// The primary name, shown in results and used to sort by name.
    pub name: String,
    /// Every name in every language (the primary name may be repeated here).
    pub names: Vec<String>,
    /// Every description in every language.
    pub descriptions: Vec<String>,
    /// Partnering offers: what the organisation can provide.
    pub offers: Vec<String>,
    /// Partnering requests: what the organisation looks for.
    pub requests: Vec<String>,
    /// The organisation type slug (`cluster`, `sme`, `university`, ...).
    pub kind: String,
    /// The ISO 3166-1 alpha-2 country code (`DE`, `GR`, `GB`).
    pub country: String,
    /// The NUTS 2021 region at level 1, 2 or 3 (`DE212`); a filter on any of its ancestors
    /// (`DE`, `DE2`, `DE21`) matches it.
    pub nuts: Option<String>,
    /// The city or town, searchable and shown in results.
    pub city: Option<String>,
    /// The location as (latitude, longitude) in degrees (WGS 84).
    pub location: Option<(f64, f64)>,
    /// Cluster category ids (`1` to `51`) as text (`"10"`).
    pub sectors: Vec<String>,
    /// NACE Rev. 2 codes (`62.01`); their labels in English, French and German are searchable.
    pub nace: Vec<String>,
    /// Technology field ids (`internet_of_things`).
    pub technologies: Vec<String>,
    /// S3 EU priority area ids (`digital_agenda`).
    pub s3_areas: Vec<String>,
    /// Emerging industry ids (`blue_growth_industries`).
    pub emerging: Vec<String>,
    /// The staff band slug (`1_9`, `10_49`, ...), if the staff count is known.
    pub staff_band: Option<String>,
    /// The members band slug (`1_24`, ...), for organisations with members.
    pub members_band: Option<String>,
    /// The cluster excellence label (`bronze`, `silver`, `gold`), if one is held.
    pub label: Option<String>,
    /// Whether the organisation takes part in an ESCP-4i or strategic cluster partnership.
    pub escp: bool,
    /// EU programmes the organisation took part in (`H2020`, `FP7`, `HORIZON`, ...).
    pub programmes: Vec<String>,
    /// Target countries of international and trans-national activities together (ISO codes).
    pub target_countries: Vec<String>,
    /// The SME status slug (`micro`, `small`, `medium`, `not_sme`, `undeclared`).
    pub sme_status: Option<String>,
}

impl OrganisationDocument {
    /// A document with the values every profile has; the rest starts empty.
    pub fn new(
        id: i64,
        revision: i64,
        name: impl Into<String>,
        kind: impl Into<String>,
        country: impl Into<String>,
    ) -> Self {
        OrganisationDocument {
            id,
            revision,
            name: name.into(),
            kind: kind.into(),
            country: country.into(),
            ..OrganisationDocument::default()
        }
    }
}
