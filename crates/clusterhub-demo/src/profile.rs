//! What is drawn for one organisation before it is written out: its type, place, sectors, size,
//! money, founding year, vocabularies and target markets, following distributions that resemble
//! the European economy (most enterprises are micro firms; universities are large; clusters have a
//! handful of staff).

use crate::random::Dice;
use crate::themes::Theme;
use crate::world::{Vocabulary, World};

/// The year the demo data describes: founding years end the year before, and excellence labels
/// were awarded in the two years up to the middle of it (see [`LABEL_DAYS`]).
pub(crate) const REFERENCE_YEAR: u32 = 2026;

/// The organisation types of the import layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrganisationType {
    Cluster,
    Sme,
    LargeEnterprise,
    Rto,
    University,
    Incubator,
    PublicAuthority,
    Investor,
    Other,
}

impl OrganisationType {
    /// Every type, in the order of the layout's documentation.
    pub const ALL: [OrganisationType; 9] = [
        OrganisationType::Cluster,
        OrganisationType::Sme,
        OrganisationType::LargeEnterprise,
        OrganisationType::Rto,
        OrganisationType::University,
        OrganisationType::Incubator,
        OrganisationType::PublicAuthority,
        OrganisationType::Investor,
        OrganisationType::Other,
    ];

    /// The value of the `type` column.
    pub fn slug(self) -> &'static str {
        match self {
            OrganisationType::Cluster => "cluster",
            OrganisationType::Sme => "sme",
            OrganisationType::LargeEnterprise => "large_enterprise",
            OrganisationType::Rto => "rto",
            OrganisationType::University => "university",
            OrganisationType::Incubator => "incubator",
            OrganisationType::PublicAuthority => "public_authority",
            OrganisationType::Investor => "investor",
            OrganisationType::Other => "other",
        }
    }

    /// The type with this `type` column value.
    pub fn from_slug(slug: &str) -> Option<OrganisationType> {
        OrganisationType::ALL
            .into_iter()
            .find(|kind| kind.slug() == slug)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Which of a cluster's declared member counts an organisation of this type adds to: SMEs,
    /// large companies, research organisations or others.
    pub(crate) fn member_bucket(self) -> usize {
        match self {
            OrganisationType::Sme => 0,
            OrganisationType::LargeEnterprise => 1,
            OrganisationType::Rto | OrganisationType::University => 2,
            _ => 3,
        }
    }
}

/// Shares of the types other than clusters, in per mille of all organisations (clusters are the
/// remaining 2 %). Enterprises are 80 %, of which 0.25 % large ones.
const TYPE_SHARES: [(OrganisationType, u32); 8] = [
    (OrganisationType::Sme, 798),
    (OrganisationType::LargeEnterprise, 2),
    (OrganisationType::Rto, 30),
    (OrganisationType::University, 20),
    (OrganisationType::Incubator, 25),
    (OrganisationType::PublicAuthority, 40),
    (OrganisationType::Investor, 20),
    (OrganisationType::Other, 45),
];

/// Draws the type of an organisation that is not a cluster.
pub(crate) fn draw_type(dice: &mut Dice) -> OrganisationType {
    let weights = TYPE_SHARES.map(|(_, share)| share);
    TYPE_SHARES[dice.weighted(&weights)].0
}

/// The enterprise size classes of Commission Recommendation 2003/361/EC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SizeClass {
    Micro,
    Small,
    Medium,
    Large,
}

/// The size mix of SMEs in per ten thousand: 93.2 % micro, 5.8 % small, 1 % medium (with the
/// 0.25 % large enterprises, the mix of European enterprises).
const SME_SIZE_SHARES: [u32; 3] = [9_320, 580, 100];

/// How many people firms of 0 to 9 employees employ, in per cent (one-person firms lead).
const MICRO_STAFF_SHARES: [u32; 10] = [6, 30, 17, 12, 9, 7, 6, 5, 4, 4];

/// Relative frequencies of the 51 cluster categories among organisations anywhere (services,
/// trade, construction and tourism are where most firms are), indexed by category id − 1.
const BASE_CATEGORY_WEIGHTS: [u32; 51] = [
    3, 12, 5, 5, 4, 60, 1, 8, 40, 45, 4, 10, 10, 5, 8, 12, 3, 15, 2, 4, 5, 35, 35, 4, 2, 2, 5, 4,
    30, 5, 1, 10, 3, 2, 2, 4, 6, 5, 6, 10, 3, 4, 1, 2, 25, 3, 3, 5, 3, 2, 6,
];

/// Up to `N` distinct small numbers (category ids, vocabulary indices, city indices).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Picks<const N: usize> {
    items: [u32; N],
    length: usize,
}

impl<const N: usize> Picks<N> {
    pub(crate) fn new() -> Picks<N> {
        Picks {
            items: [0; N],
            length: 0,
        }
    }

    /// Adds `item` unless it is already there or the list is full; returns whether it was added.
    pub(crate) fn add(&mut self, item: u32) -> bool {
        if self.length == N || self.contains(item) {
            return false;
        }
        self.items[self.length] = item;
        self.length += 1;
        true
    }

    pub(crate) fn contains(&self, item: u32) -> bool {
        self.as_slice().contains(&item)
    }

    pub(crate) fn as_slice(&self) -> &[u32] {
        &self.items[..self.length]
    }

    pub(crate) fn len(&self) -> usize {
        self.length
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.length == 0
    }

    pub(crate) fn first(&self) -> Option<u32> {
        self.as_slice().first().copied()
    }
}

/// Everything drawn about one organisation.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub(crate) index: u64,
    pub(crate) kind: OrganisationType,
    /// Index into [`World::cities`].
    pub(crate) city: u32,
    /// Cluster category ids, the main one first.
    pub(crate) sectors: Picks<5>,
    pub(crate) size: Option<SizeClass>,
    pub(crate) staff: Option<u32>,
    pub(crate) turnover_cents: Option<u64>,
    pub(crate) balance_sheet_cents: Option<u64>,
    pub(crate) founded: Option<u32>,
    /// Indices into the world's vocabularies.
    pub(crate) technologies: Picks<5>,
    pub(crate) s3_areas: Picks<3>,
    pub(crate) emerging: Picks<2>,
    /// Indices into [`World::international_targets`] and [`World::transnational_targets`].
    pub(crate) international_targets: Picks<6>,
    pub(crate) transnational_targets: Picks<6>,
    /// Indices of the clusters it is a member of (which are also their row indices).
    pub(crate) member_of: Picks<2>,
}

impl Profile {
    pub(crate) fn new(index: u64, kind: OrganisationType, city: u32) -> Profile {
        Profile {
            index,
            kind,
            city,
            sectors: Picks::new(),
            size: None,
            staff: None,
            turnover_cents: None,
            balance_sheet_cents: None,
            founded: None,
            technologies: Picks::new(),
            s3_areas: Picks::new(),
            emerging: Picks::new(),
            international_targets: Picks::new(),
            transnational_targets: Picks::new(),
            member_of: Picks::new(),
        }
    }

    /// The main sector's theme.
    pub(crate) fn theme(&self) -> Theme {
        Theme::of_category(self.main_sector())
    }

    /// The main sector; for universities and research organisations, the first sector after
    /// "Education and Knowledge Creation", which is what they work on.
    pub(crate) fn main_sector(&self) -> u8 {
        let sectors = self.sectors.as_slice();
        let research = matches!(
            self.kind,
            OrganisationType::University | OrganisationType::Rto
        );
        let chosen = if research && sectors.len() > 1 && sectors[0] == 13 {
            sectors[1]
        } else {
            sectors.first().copied().unwrap_or(6)
        };
        chosen as u8
    }
}

/// Regional economic profiles: each NUTS-2 region's three strong categories, drawn once per seed,
/// and whether it has a big seaport (which brings water transportation and fishing).
#[derive(Debug, Clone)]
pub(crate) struct Specialisation {
    strong: Vec<[u8; 3]>,
    maritime: Vec<bool>,
}

impl Specialisation {
    pub(crate) fn draw(world: &World, dice: &mut Dice) -> Specialisation {
        // Any category can be a region's strength, the rarer ones a little less often; fishing
        // and water transportation only where there is a port.
        let flattened: Vec<u32> = BASE_CATEGORY_WEIGHTS
            .iter()
            .map(|weight| weight / 2 + 8)
            .collect();
        let mut inland = flattened.clone();
        inland[16] = 0;
        inland[49] = 0;
        let strong = world
            .regions
            .iter()
            .map(|region| {
                let weights = if region.maritime { &flattened } else { &inland };
                let mut picks = Picks::<3>::new();
                while picks.len() < 3 {
                    picks.add(dice.weighted(weights) as u32 + 1);
                }
                [
                    picks.items[0] as u8,
                    picks.items[1] as u8,
                    picks.items[2] as u8,
                ]
            })
            .collect();
        Specialisation {
            strong,
            maritime: world.regions.iter().map(|region| region.maritime).collect(),
        }
    }

    /// The strong categories of a region.
    pub(crate) fn of_region(&self, region: u16) -> &[u8; 3] {
        &self.strong[usize::from(region)]
    }

    /// A category for an organisation in `region` of `country`: one of the region's three
    /// strengths 30 % of the time, the country's 15 % (its first strength half of that), water
    /// transportation or fishing 5 % around seaports, and the general mix of the economy otherwise.
    pub(crate) fn draw_category(&self, dice: &mut Dice, region: u16, national: &[u8]) -> u8 {
        let maritime = self.maritime[usize::from(region)];
        match dice.below(100) {
            0..30 => *dice.pick(self.of_region(region)),
            30..45 if !national.is_empty() => {
                if dice.percent(50) {
                    national[0]
                } else {
                    *dice.pick(national)
                }
            }
            45..48 if maritime => 50,
            48..50 if maritime => 17,
            _ => dice.weighted(&BASE_CATEGORY_WEIGHTS) as u8 + 1,
        }
    }
}

/// Draws a size class, staff, money and founding year fitting the organisation's type.
pub(crate) fn draw_figures(dice: &mut Dice, profile: &mut Profile) {
    let (staff, per_head_euros, declares_money_percent) = match profile.kind {
        OrganisationType::Sme | OrganisationType::LargeEnterprise => {
            let size = if profile.kind == OrganisationType::LargeEnterprise {
                SizeClass::Large
            } else {
                [SizeClass::Micro, SizeClass::Small, SizeClass::Medium]
                    [dice.weighted(&SME_SIZE_SHARES)]
            };
            profile.size = Some(size);
            let staff = match size {
                SizeClass::Micro => dice.weighted(&MICRO_STAFF_SHARES) as u32,
                SizeClass::Small => 10 + dice.skewed_below(40),
                SizeClass::Medium => 50 + dice.skewed_below(200),
                // A Pareto tail from 250 to 50,000 employees.
                SizeClass::Large => 250 * 200 / (1 + dice.below(200)),
            };
            (staff, 60_000 + u64::from(dice.below(160_000)), 65)
        }
        OrganisationType::Cluster => (
            2 + dice.skewed_below(14),
            40_000 + u64::from(dice.below(60_000)),
            60,
        ),
        OrganisationType::University => (
            300 + dice.skewed_below(7_700),
            70_000 + u64::from(dice.below(50_000)),
            50,
        ),
        OrganisationType::Rto => (
            40 + dice.skewed_below(2_960),
            70_000 + u64::from(dice.below(60_000)),
            50,
        ),
        OrganisationType::Incubator => (
            3 + dice.skewed_below(38),
            40_000 + u64::from(dice.below(60_000)),
            40,
        ),
        OrganisationType::PublicAuthority => (
            20 + dice.skewed_below(3_000),
            60_000 + u64::from(dice.below(40_000)),
            20,
        ),
        OrganisationType::Investor => (
            3 + dice.skewed_below(58),
            150_000 + u64::from(dice.below(400_000)),
            40,
        ),
        OrganisationType::Other => (
            2 + dice.skewed_below(199),
            40_000 + u64::from(dice.below(60_000)),
            40,
        ),
    };
    let declares_staff = profile.kind == OrganisationType::Cluster || dice.percent(91);
    if declares_staff {
        profile.staff = Some(staff);
    }
    if dice.percent(declares_money_percent) {
        let turnover_euros = if staff == 0 {
            15_000 + u64::from(dice.below(150_000))
        } else {
            u64::from(staff) * per_head_euros
        };
        // Keep the figures inside the size class the staff count gives, as real accounts are.
        let turnover_ceiling = match profile.size {
            Some(SizeClass::Micro) => 1_950_000,
            Some(SizeClass::Small) => 9_800_000,
            Some(SizeClass::Medium) => 49_000_000,
            _ => u64::MAX,
        };
        let turnover_euros = match profile.size {
            Some(SizeClass::Large) => {
                turnover_euros.max(50_000_000 + u64::from(dice.below(50_000_000)))
            }
            _ => turnover_euros.min(turnover_ceiling),
        };
        let balance_sheet_euros =
            (turnover_euros * u64::from(35 + dice.below(90)) / 100).min(match profile.size {
                Some(SizeClass::Medium) => 42_000_000,
                _ => turnover_ceiling,
            });
        profile.turnover_cents = Some(rounded_cents(dice, turnover_euros));
        if dice.percent(90) {
            profile.balance_sheet_cents = Some(rounded_cents(dice, balance_sheet_euros));
        }
    }
    profile.founded = draw_founding_year(dice, profile.kind);
}

/// Euros as cents, rounded the way accounts are published: mostly to the thousand, sometimes to
/// the euro, now and then to the cent.
fn rounded_cents(dice: &mut Dice, euros: u64) -> u64 {
    match dice.below(10) {
        0..6 => (euros / 1_000).max(1) * 1_000 * 100,
        6..9 => euros * 100,
        _ => euros * 100 + u64::from(dice.below(100)),
    }
}

fn draw_founding_year(dice: &mut Dice, kind: OrganisationType) -> Option<u32> {
    let last = REFERENCE_YEAR - 1;
    let year = match kind {
        OrganisationType::Sme | OrganisationType::LargeEnterprise => {
            let age = match dice.below(100) {
                0..55 => dice.below(16),
                55..85 => 15 + dice.below(26),
                _ => 40 + dice.below(120),
            };
            let age = if kind == OrganisationType::LargeEnterprise {
                age + 10 + dice.below(40)
            } else {
                age
            };
            last.saturating_sub(age).max(1850)
        }
        OrganisationType::Cluster => dice.between(1996, 2022),
        OrganisationType::University => match dice.below(10) {
            0..6 => dice.between(1950, 2012),
            6..9 => dice.between(1850, 1949),
            _ => dice.between(1800, 1849),
        },
        OrganisationType::Rto => dice.between(1920, 2020),
        OrganisationType::Incubator => dice.between(1985, last),
        OrganisationType::PublicAuthority => {
            if dice.percent(60) {
                return None;
            }
            dice.between(1960, 2020)
        }
        OrganisationType::Investor => dice.between(1990, last),
        OrganisationType::Other => dice.between(1850, 2022),
    };
    if kind != OrganisationType::Cluster && dice.percent(7) {
        None
    } else {
        Some(year)
    }
}

/// How many sectors an organisation of this type lists.
pub(crate) fn draw_sector_count(dice: &mut Dice, kind: OrganisationType) -> usize {
    match kind {
        OrganisationType::Sme => [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][dice.index(10)],
        OrganisationType::LargeEnterprise => dice.between(1, 3) as usize,
        OrganisationType::Cluster => dice.between(2, 3) as usize,
        OrganisationType::Rto => dice.between(2, 4) as usize,
        OrganisationType::University => dice.between(3, 5) as usize,
        OrganisationType::PublicAuthority => dice.between(2, 4) as usize,
        OrganisationType::Investor => dice.between(2, 3) as usize,
        OrganisationType::Incubator | OrganisationType::Other => dice.between(1, 3) as usize,
    }
}

/// Draws technology fields, S3 areas, emerging industries and target countries.
pub(crate) fn draw_vocabularies(
    dice: &mut Dice,
    world: &World,
    profile: &mut Profile,
    home_country: u8,
) {
    let theme = profile.theme().index();
    let (technologies, s3_areas, emerging_percent, emerging_max) = match profile.kind {
        OrganisationType::Cluster => (dice.between(2, 4), dice.between(1, 3), 80, 2),
        OrganisationType::Sme => (
            if dice.percent(40) {
                0
            } else {
                dice.between(1, 2)
            },
            dice.below(2),
            25,
            1,
        ),
        OrganisationType::LargeEnterprise => (dice.between(1, 4), dice.below(3), 40, 2),
        OrganisationType::Rto | OrganisationType::University => {
            (dice.between(2, 5), dice.between(1, 3), 40, 2)
        }
        OrganisationType::Incubator | OrganisationType::Investor => {
            (dice.between(1, 3), dice.below(3), 50, 2)
        }
        OrganisationType::PublicAuthority | OrganisationType::Other => {
            (dice.below(3), dice.below(3), 15, 1)
        }
    };
    profile.technologies = pick_terms(dice, &world.technology_fields, theme, technologies as usize);
    profile.s3_areas = pick_terms(dice, &world.s3_areas, theme, s3_areas as usize);
    if dice.percent(emerging_percent) {
        let wanted = dice.between(1, emerging_max) as usize;
        profile.emerging = pick_terms(dice, &world.emerging_industries, theme, wanted);
    }

    let (international_percent, international_range, transnational_percent, transnational_range) =
        match profile.kind {
            OrganisationType::Cluster => (75, (1, 5), 80, (2, 6)),
            OrganisationType::LargeEnterprise => (60, (2, 6), 60, (2, 6)),
            OrganisationType::Sme => (20, (1, 2), 35, (1, 3)),
            _ => (25, (1, 3), 30, (1, 4)),
        };
    if dice.percent(international_percent) {
        let wanted = dice.between(international_range.0, international_range.1) as usize;
        for _ in 0..wanted * 2 {
            if profile.international_targets.len() < wanted {
                profile
                    .international_targets
                    .add(dice.index(world.international_targets.len()) as u32);
            }
        }
    }
    if dice.percent(transnational_percent) {
        let wanted = dice.between(transnational_range.0, transnational_range.1) as usize;
        for _ in 0..wanted * 2 {
            let index = dice.index(world.transnational_targets.len());
            if profile.transnational_targets.len() < wanted && index != usize::from(home_country) {
                profile.transnational_targets.add(index as u32);
            }
        }
    }
}

/// Up to `wanted` distinct entries of a vocabulary, mostly ones that fit the theme.
fn pick_terms<const N: usize>(
    dice: &mut Dice,
    vocabulary: &Vocabulary,
    theme: usize,
    wanted: usize,
) -> Picks<N> {
    let fitting = &vocabulary.by_theme[theme];
    let mut picks = Picks::new();
    for _ in 0..wanted * 3 {
        if picks.len() >= wanted {
            break;
        }
        let index = if dice.percent(80) {
            u32::from(*dice.pick(fitting))
        } else {
            dice.index(vocabulary.ids.len()) as u32
        };
        picks.add(index);
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_keep_distinct_items_up_to_their_capacity() {
        let mut picks = Picks::<3>::new();
        assert!(picks.add(4));
        assert!(!picks.add(4));
        assert!(picks.add(1));
        assert!(picks.add(9));
        assert!(!picks.add(2));
        assert_eq!(picks.as_slice(), &[4, 1, 9]);
    }

    #[test]
    fn type_slugs_round_trip() {
        for kind in OrganisationType::ALL {
            assert_eq!(OrganisationType::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(TYPE_SHARES.iter().map(|(_, share)| share).sum::<u32>(), 980);
    }

    #[test]
    fn figures_respect_the_size_class_ceilings() {
        let mut dice = Dice::new(3, 0);
        for index in 0..20_000 {
            let mut profile = Profile::new(index, OrganisationType::Sme, 0);
            draw_figures(&mut dice, &mut profile);
            let (Some(staff), Some(size)) = (profile.staff, profile.size) else {
                continue;
            };
            let turnover = profile.turnover_cents.unwrap_or(0);
            let balance = profile.balance_sheet_cents.unwrap_or(0);
            match size {
                SizeClass::Micro => {
                    assert!(staff < 10 && turnover <= 200_000_000 && balance <= 200_000_000)
                }
                SizeClass::Small => assert!((10..50).contains(&staff) && turnover <= 1_000_000_000),
                SizeClass::Medium => {
                    assert!((50..250).contains(&staff) && balance <= 4_300_000_000)
                }
                SizeClass::Large => unreachable!("SMEs are never large"),
            }
        }
    }
}
