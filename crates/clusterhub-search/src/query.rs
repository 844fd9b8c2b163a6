//! The question a directory search asks and the answer it gets: keywords, facet filters, a map
//! box, a sort order and a page in; hits, the total and disjunctive facet counts out.

use std::collections::BTreeMap;

/// A facet group: one of the directory's filters, and one block of counts in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetGroup {
    /// The organisation type.
    Kind,
    /// The ISO country.
    Country,
    /// The NUTS 2021 region, hierarchical.
    Nuts,
    /// The cluster category (sectoral industry).
    Sector,
    /// The NACE Rev. 2 activity, hierarchical by code prefix.
    Nace,
    /// The technology field.
    Technology,
    /// The S3 EU priority area.
    S3,
    /// The emerging industry.
    Emerging,
    /// The staff band.
    Staff,
    /// The members band.
    Members,
    /// The cluster excellence label.
    Label,
    /// ESCP-4i or strategic cluster partnership membership (`true` or `false`).
    Escp,
    /// Participation in an EU programme.
    Programme,
    /// A target country of international or trans-national activities.
    TargetCountry,
    /// The SME status.
    Sme,
}

impl FacetGroup {
    /// Every group, in the order the directory shows them.
    pub const ALL: [FacetGroup; 15] = [
        FacetGroup::Kind,
        FacetGroup::Country,
        FacetGroup::Nuts,
        FacetGroup::Sector,
        FacetGroup::Nace,
        FacetGroup::Technology,
        FacetGroup::S3,
        FacetGroup::Emerging,
        FacetGroup::Staff,
        FacetGroup::Members,
        FacetGroup::Label,
        FacetGroup::Escp,
        FacetGroup::Programme,
        FacetGroup::TargetCountry,
        FacetGroup::Sme,
    ];

    /// The stable name of the group: the API parameter and the key of its counts.
    pub fn slug(self) -> &'static str {
        match self {
            FacetGroup::Kind => "type",
            FacetGroup::Country => "country",
            FacetGroup::Nuts => "nuts",
            FacetGroup::Sector => "sector",
            FacetGroup::Nace => "nace",
            FacetGroup::Technology => "technology",
            FacetGroup::S3 => "s3",
            FacetGroup::Emerging => "emerging",
            FacetGroup::Staff => "staff",
            FacetGroup::Members => "members",
            FacetGroup::Label => "label",
            FacetGroup::Escp => "escp",
            FacetGroup::Programme => "programme",
            FacetGroup::TargetCountry => "target_country",
            FacetGroup::Sme => "sme",
        }
    }

    /// The group with this slug.
    pub fn from_slug(slug: &str) -> Option<FacetGroup> {
        FacetGroup::ALL
            .into_iter()
            .find(|group| group.slug() == slug)
    }

    /// The group's position in [`FacetGroup::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// A one-letter tag that prefixes the group's terms in the index.
    pub(crate) fn tag(self) -> char {
        match self {
            FacetGroup::Kind => 'k',
            FacetGroup::Country => 'c',
            FacetGroup::Nuts => 'n',
            FacetGroup::Sector => 's',
            FacetGroup::Nace => 'a',
            FacetGroup::Technology => 't',
            FacetGroup::S3 => '3',
            FacetGroup::Emerging => 'e',
            FacetGroup::Staff => 'f',
            FacetGroup::Members => 'm',
            FacetGroup::Label => 'l',
            FacetGroup::Escp => 'x',
            FacetGroup::Programme => 'p',
            FacetGroup::TargetCountry => 'g',
            FacetGroup::Sme => 'z',
        }
    }

    /// The group whose terms carry this tag.
    pub(crate) fn from_tag(tag: char) -> Option<FacetGroup> {
        FacetGroup::ALL.into_iter().find(|group| group.tag() == tag)
    }
}

/// The selected values of every facet group. Values within one group are alternatives (OR);
/// the groups must all hold (AND). An empty list does not filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// Organisation type slugs.
    pub kind: Vec<String>,
    /// ISO country codes.
    pub country: Vec<String>,
    /// NUTS codes at any level; `DE2` matches every region in it.
    pub nuts: Vec<String>,
    /// Cluster category ids.
    pub sector: Vec<String>,
    /// NACE codes or their prefixes at a level boundary: `C`, `62`, `62.0` or `62.01`.
    pub nace: Vec<String>,
    /// Technology field ids.
    pub technology: Vec<String>,
    /// S3 priority area ids.
    pub s3: Vec<String>,
    /// Emerging industry ids.
    pub emerging: Vec<String>,
    /// Staff band slugs.
    pub staff: Vec<String>,
    /// Members band slugs.
    pub members: Vec<String>,
    /// Label levels.
    pub label: Vec<String>,
    /// ESCP membership: `true`, `false` or both.
    pub escp: Vec<bool>,
    /// EU programme names.
    pub programme: Vec<String>,
    /// Target country ISO codes.
    pub target_country: Vec<String>,
    /// SME status slugs.
    pub sme: Vec<String>,
}

impl Filters {
    /// The selected values of one group, as the index writes them.
    pub fn values(&self, group: FacetGroup) -> Vec<String> {
        let list = match group {
            FacetGroup::Kind => &self.kind,
            FacetGroup::Country => &self.country,
            FacetGroup::Nuts => &self.nuts,
            FacetGroup::Sector => &self.sector,
            FacetGroup::Nace => &self.nace,
            FacetGroup::Technology => &self.technology,
            FacetGroup::S3 => &self.s3,
            FacetGroup::Emerging => &self.emerging,
            FacetGroup::Staff => &self.staff,
            FacetGroup::Members => &self.members,
            FacetGroup::Label => &self.label,
            FacetGroup::Escp => {
                return self.escp.iter().map(|value| value.to_string()).collect();
            }
            FacetGroup::Programme => &self.programme,
            FacetGroup::TargetCountry => &self.target_country,
            FacetGroup::Sme => &self.sme,
        };
        list.clone()
    }

    /// The groups that have at least one selected value.
    pub fn active_groups(&self) -> Vec<FacetGroup> {
        FacetGroup::ALL
            .into_iter()
            .filter(|&group| !self.values(group).is_empty())
            .collect()
    }
}

/// The order of the hits. Every order breaks ties by ascending id, so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best keyword match first; without keywords, by id.
    #[default]
    Relevance,
    /// By primary name, case and accents folded.
    Name,
    /// Nearest to [`SearchQuery::near`] first; organisations without a location last.
    Distance,
}

/// A map box in degrees: west, south, east, north. A box whose west edge lies east of its east
/// edge crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BoundingBox {
    /// Whether a point lies in the box, edges included.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        let within_latitudes = lat >= self.south && lat <= self.north;
        let within_longitudes = if self.west <= self.east {
            lon >= self.west && lon <= self.east
        } else {
            lon >= self.west || lon <= self.east
        };
        within_latitudes && within_longitudes
    }
}

/// One directory search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    /// Keywords; every keyword must occur in some text of the profile, in any language.
    pub text: Option<String>,
    pub filters: Filters,
    /// Only organisations located inside this box.
    pub bbox: Option<BoundingBox>,
    /// A point as (latitude, longitude); hits then carry their distance from it.
    pub near: Option<(f64, f64)>,
    pub sort: Sort,
    /// The page, counted from 1.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: None,
            filters: Filters::default(),
            bbox: None,
            near: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: 20,
        }
    }
}

/// One organisation in a result list.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub nuts: Option<String>,
    pub city: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub sectors: Vec<String>,
    /// The keyword relevance (0 without keywords).
    pub score: f32,
    /// The great-circle distance from [`SearchQuery::near`] in kilometres.
    pub distance_km: Option<f64>,
}

/// The answer to a [`SearchQuery`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// How many organisations match the whole query.
    pub total: u64,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// For every group, how many organisations each value would match if the filters of every
    /// other group stayed as they are (disjunctive counts). Values with no match are left out
    /// unless they are selected. NUTS counts cover countries and the levels 1 and 2, plus the
    /// level-3 regions of every selected NUTS-2 region (or of the one holding a selected NUTS-3
    /// region); NACE counts cover divisions plus everything below a selected code.
    pub facets: BTreeMap<FacetGroup, BTreeMap<String, u64>>,
}
