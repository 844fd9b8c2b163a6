//! The generation run, in three steps:
//!
//! 1. The plan: regional specialisations and the cluster organisations (about 2 % of the rows;
//!    they come first, so members can name them), drawn before the first row.
//! 2. Skeletons, row after row: each organisation's type, city (drawn by population), cluster
//!    memberships (clusters recruit in their own NUTS-2 region, up to the members they declared)
//!    and VAT serial. These depend on the rows before them, so they are drawn in order; they are
//!    cheap.
//! 3. Rendering: everything else about a row (sectors, size, money, vocabularies, names, texts) is
//!    drawn from dice of its own chunk of 1,024 rows, so chunks are independent of each other.
//!
//! Because a chunk depends only on the plan, its skeletons and its own dice, the rows are the same
//! whether one thread renders them in order or several render chunks side by side. Large runs
//! use two helper threads, each of which draws all skeletons (they are cheap) and renders every
//! other chunk; the iterator hands the chunks out in order. Memory stays bounded by the plan and a
//! few chunks in flight, whatever the number of rows.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::countries::SUPPORTED_COUNTRIES;
use crate::languages::{ENGLISH, FRENCH, GERMAN, Language};
use crate::names::{self, NameBuffers, Place};
use crate::profile::{self, OrganisationType, Picks, Profile, REFERENCE_YEAR, Specialisation};
use crate::prose::{self, Context};
use crate::random::Dice;
use crate::row::{Column, DemoRow, RowBatch};
use crate::text;
use crate::vat;
use crate::world::World;

/// The size and seed of a generation run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    /// How many organisations to generate.
    pub organisations: usize,
    /// The seed: the same seed and size give the same rows on every machine.
    pub seed: u64,
}

/// How many of `organisations` rows are cluster organisations: 2 %, at least one.
pub fn cluster_count(organisations: usize) -> usize {
    if organisations == 0 {
        0
    } else {
        (organisations.div_ceil(50)).clamp(1, organisations)
    }
}

/// Independent random streams, so that changing how one part draws does not shift the others.
const PLAN_STREAM: u64 = 1;
const REGION_STREAM: u64 = 2;
const SKELETON_STREAM: u64 = 3;
/// Chunk `c` draws from stream `CHUNK_STREAMS + c`.
const CHUNK_STREAMS: u64 = 1 << 32;

/// Rows per chunk.
const CHUNK_ROWS: usize = 1_024;
/// Runs of at least this many rows are rendered by helper threads.
const THREADED_FROM_ROWS: usize = 16 * CHUNK_ROWS;
/// How many helper threads large runs use (the platform's machines have two cores).
const HELPER_THREADS: usize = 2;
/// Rendered chunks each helper may hold ready before the iterator takes them.
const CHUNKS_AHEAD: usize = 8;

/// A cluster organisation as planned before any row is written.
#[derive(Debug, Clone)]
struct PlannedCluster {
    city: u32,
    sectors: Picks<3>,
    /// Declared members: SMEs, large companies, research organisations, others.
    declared: [u32; 4],
}

/// Everything fixed before the first row, shared by all threads.
#[derive(Debug)]
struct Plan {
    world: &'static World,
    seed: u64,
    total: u64,
    specialisation: Specialisation,
    clusters: Vec<PlannedCluster>,
    /// For each NUTS-2 region, the indices of the clusters in it.
    clusters_by_region: Vec<Vec<u32>>,
    /// Per supported country, where its scramble of VAT serials starts.
    vat_offsets: [u64; SUPPORTED_COUNTRIES.len()],
    pic_offset: u64,
}

impl Plan {
    fn new(config: &DemoConfig) -> Plan {
        let world = World::get();
        let specialisation =
            Specialisation::draw(world, &mut Dice::new(config.seed, REGION_STREAM));
        let mut plan_dice = Dice::new(config.seed, PLAN_STREAM);
        let mut clusters = Vec::with_capacity(cluster_count(config.organisations));
        let mut clusters_by_region = vec![Vec::new(); world.regions.len()];
        for index in 0..cluster_count(config.organisations) {
            let city = world.draw_city_of_size(&mut plan_dice, 20_000);
            let region = world.cities[city as usize].region;
            let mut sectors = Picks::<3>::new();
            let national =
                world.countries[usize::from(world.cities[city as usize].country)].strengths;
            // A cluster organises one of its region's strengths, a national one, or around a
            // seaport the maritime economy.
            let main = match plan_dice.below(100) {
                0..12 if world.regions[usize::from(region)].maritime => 50,
                0..65 => *plan_dice.pick(specialisation.of_region(region)),
                _ if national.is_empty() => *plan_dice.pick(specialisation.of_region(region)),
                _ => *plan_dice.pick(national),
            };
            sectors.add(u32::from(main));
            let wanted = plan_dice.between(2, 3) as usize;
            let related = &world.category(main).related;
            while sectors.len() < wanted {
                sectors.add(u32::from(*plan_dice.pick(related)));
            }
            let declared = [
                match plan_dice.below(100) {
                    0..55 => plan_dice.between(15, 60),
                    55..85 => plan_dice.between(60, 200),
                    _ => plan_dice.between(200, 600),
                },
                plan_dice.between(1, 12),
                plan_dice.between(2, 15),
                plan_dice.between(1, 12),
            ];
            clusters.push(PlannedCluster {
                city,
                sectors,
                declared,
            });
            clusters_by_region[usize::from(region)].push(index as u32);
        }
        Plan {
            world,
            seed: config.seed,
            total: config.organisations as u64,
            specialisation,
            clusters,
            clusters_by_region,
            // Each country scrambles from its own point, so first numbers do not share digits.
            vat_offsets: std::array::from_fn(|country| {
                mix(config.seed ^ (country as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407))
            }),
            pic_offset: config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 120_000_000,
        }
    }
}

/// What is drawn about a row in order: its type, city, memberships and VAT serial.
#[derive(Debug, Clone, Copy)]
struct Skeleton {
    index: u64,
    kind: OrganisationType,
    city: u32,
    /// Indices of the clusters it is a member of (which are also their row indices).
    member_of: Picks<2>,
    /// The per-country serial of its VAT number, if it has one.
    vat_serial: Option<u64>,
}

/// Draws skeletons row after row.
#[derive(Debug)]
struct Skeletons {
    plan: Arc<Plan>,
    dice: Dice,
    next_index: u64,
    /// Per cluster and member type, the declared members not yet generated.
    open: Vec<[u32; 4]>,
    /// Per supported country, how many VAT numbers were given out.
    vat_serials: [u64; SUPPORTED_COUNTRIES.len()],
}

impl Skeletons {
    fn new(plan: Arc<Plan>) -> Skeletons {
        let open = plan
            .clusters
            .iter()
            .map(|cluster| cluster.declared)
            .collect();
        let dice = Dice::new(plan.seed, SKELETON_STREAM);
        Skeletons {
            plan,
            dice,
            next_index: 0,
            open,
            vat_serials: [0; SUPPORTED_COUNTRIES.len()],
        }
    }

    /// Replaces `chunk` with the skeletons of the next chunk (empty at the end).
    fn fill_chunk(&mut self, chunk: &mut Vec<Skeleton>) {
        chunk.clear();
        while chunk.len() < CHUNK_ROWS && self.next_index < self.plan.total {
            let skeleton = self.next_skeleton();
            chunk.push(skeleton);
        }
    }

    fn next_skeleton(&mut self) -> Skeleton {
        let plan = &*self.plan;
        let world = plan.world;
        let dice = &mut self.dice;
        let index = self.next_index;
        self.next_index += 1;
        let (kind, city) = match plan.clusters.get(index as usize) {
            Some(cluster) => (OrganisationType::Cluster, cluster.city),
            None => {
                let kind = profile::draw_type(dice);
                let city = match kind {
                    OrganisationType::University => world.draw_city_of_size(dice, 50_000),
                    OrganisationType::Rto | OrganisationType::Investor => {
                        world.draw_city_of_size(dice, 20_000)
                    }
                    _ => world.draw_city(dice),
                };
                (kind, city)
            }
        };
        let mut member_of = Picks::new();
        // Membership: clusters recruit in their own region, up to the members they declared.
        let join_percent = match kind {
            OrganisationType::Cluster => 0,
            OrganisationType::Sme => 45,
            OrganisationType::LargeEnterprise => 75,
            OrganisationType::Rto | OrganisationType::University => 60,
            OrganisationType::Incubator => 50,
            OrganisationType::PublicAuthority => 35,
            OrganisationType::Investor => 25,
            OrganisationType::Other => 30,
        };
        let region = world.cities[city as usize].region;
        let candidates = &plan.clusters_by_region[usize::from(region)];
        if !candidates.is_empty() && dice.percent(join_percent) {
            let memberships = if dice.percent(12) { 2 } else { 1 };
            for _ in 0..memberships * 2 {
                let cluster = *dice.pick(candidates);
                let open = &mut self.open[cluster as usize][kind.member_bucket()];
                if member_of.len() < memberships && *open > 0 && !member_of.contains(cluster) {
                    *open -= 1;
                    member_of.add(cluster);
                }
            }
        }
        let vat_percent = match kind {
            OrganisationType::Sme | OrganisationType::LargeEnterprise => 75,
            OrganisationType::Cluster | OrganisationType::Investor => 55,
            OrganisationType::Rto | OrganisationType::Incubator => 50,
            OrganisationType::University | OrganisationType::Other => 40,
            OrganisationType::PublicAuthority => 20,
        };
        let country = usize::from(world.cities[city as usize].country);
        let mut vat_serial = None;
        if dice.percent(vat_percent)
            && let Some(scheme) = world.countries[country].vat
            && self.vat_serials[country] < scheme.capacity()
        {
            vat_serial = Some(self.vat_serials[country]);
            self.vat_serials[country] += 1;
        }
        Skeleton {
            index,
            kind,
            city,
            member_of,
            vat_serial,
        }
    }
}

/// Renders skeletons into rows with the dice of their chunk.
#[derive(Debug)]
struct Renderer {
    plan: Arc<Plan>,
    dice: Dice,
    names: NameBuffers,
    english_name: String,
    scratch: String,
}

impl Renderer {
    fn new(plan: Arc<Plan>) -> Renderer {
        let dice = Dice::new(plan.seed, CHUNK_STREAMS);
        Renderer {
            plan,
            dice,
            names: NameBuffers::default(),
            english_name: String::new(),
            scratch: String::new(),
        }
    }

    /// Renders the rows of chunk `chunk_index` from its skeletons, handing each to `emit`.
    fn render_chunk(
        &mut self,
        chunk_index: u64,
        skeletons: &[Skeleton],
        mut emit: impl FnMut(&mut Renderer, &Skeleton),
    ) {
        self.dice = Dice::new(self.plan.seed, CHUNK_STREAMS + chunk_index);
        for skeleton in skeletons {
            emit(self, skeleton);
        }
    }

    /// Writes one row (the chunk's dice must be set).
    fn render_row(&mut self, skeleton: &Skeleton, row: &mut DemoRow) {
        row.clear();
        let profile = self.profile(skeleton);
        self.render(skeleton, &profile, row);
    }

    /// Draws what the skeleton leaves open: sectors, figures and vocabularies.
    fn profile(&mut self, skeleton: &Skeleton) -> Profile {
        let plan = &*self.plan;
        let world = plan.world;
        let dice = &mut self.dice;
        let kind = skeleton.kind;
        let mut profile = Profile::new(skeleton.index, kind, skeleton.city);
        profile.member_of = skeleton.member_of;
        if kind == OrganisationType::Cluster {
            for sector in plan.clusters[skeleton.index as usize].sectors.as_slice() {
                profile.sectors.add(*sector);
            }
        } else {
            // Sectors: a member works in its cluster's sectors; others follow the regional mix.
            let region = world.cities[skeleton.city as usize].region;
            let wanted = profile::draw_sector_count(dice, kind);
            if kind == OrganisationType::University
                || (kind == OrganisationType::Rto && dice.percent(50))
            {
                profile.sectors.add(13);
            }
            for cluster in skeleton.member_of.as_slice() {
                let sectors = plan.clusters[*cluster as usize].sectors.as_slice();
                let sector = if dice.percent(60) {
                    sectors[0]
                } else {
                    *dice.pick(sectors)
                };
                profile.sectors.add(sector);
            }
            let national = world.countries
                [usize::from(world.cities[skeleton.city as usize].country)]
            .strengths;
            if profile.sectors.len() < wanted.max(1)
                && profile
                    .sectors
                    .as_slice()
                    .iter()
                    .all(|sector| *sector == 13)
            {
                profile.sectors.add(u32::from(
                    plan.specialisation.draw_category(dice, region, national),
                ));
            }
            let mut attempts = 0;
            while profile.sectors.len() < wanted && attempts < 8 {
                attempts += 1;
                let main = profile.main_sector();
                let sector = if dice.percent(60) {
                    *dice.pick(&world.category(main).related)
                } else {
                    plan.specialisation.draw_category(dice, region, national)
                };
                profile.sectors.add(u32::from(sector));
            }
        }
        // The transnational targets are the supported countries in the order of the world's
        // countries, so the home country is excluded by its index.
        let home_country = world.cities[skeleton.city as usize].country;
        profile::draw_figures(dice, &mut profile);
        profile::draw_vocabularies(dice, world, &mut profile, home_country);
        profile
    }

    /// Writes a profile's cells, column by column.
    fn render(&mut self, skeleton: &Skeleton, profile: &Profile, row: &mut DemoRow) {
        let plan = &*self.plan;
        let world = plan.world;
        let city = &world.cities[profile.city as usize];
        let region = &world.regions[usize::from(city.region)];
        let country_index = usize::from(city.country);
        let country = &world.countries[country_index];
        let language = city.language;
        let eu_language = city.eu_language;
        // Institutions are named after any of their fields (a university's institutes cover many),
        // companies after their main one.
        let named_theme = match profile.kind {
            OrganisationType::Sme
            | OrganisationType::LargeEnterprise
            | OrganisationType::Cluster => profile.theme(),
            _ => {
                crate::themes::Theme::of_category(*self.dice.pick(profile.sectors.as_slice()) as u8)
            }
        };
        let place = Place {
            city,
            region,
            theme: named_theme,
        };
        let forms = city.forms;
        let members = (profile.kind == OrganisationType::Cluster)
            .then(|| plan.clusters[profile.index as usize].declared);
        let dice = &mut self.dice;

        write_external_id(plan.seed, profile.index, row.text());
        row.end(Column::ExternalId);
        row.put(Column::Type, profile.kind.slug());
        row.put(
            Column::Language,
            if eu_language { language.code } else { "" },
        );

        names::write_name(dice, profile, &place, language, forms, &mut self.names);
        row.put(Column::Name, &self.names.name);
        // Translations: clusters and universities often have an English name; organisations in
        // the multilingual countries a French or German one.
        let translatable = !matches!(
            profile.kind,
            OrganisationType::Sme | OrganisationType::LargeEnterprise | OrganisationType::Investor
        );
        let english_percent = match profile.kind {
            OrganisationType::Cluster => 70,
            OrganisationType::University => 50,
            OrganisationType::Rto => 30,
            _ => 10,
        };
        self.english_name.clear();
        if translatable && eu_language && language.code != "en" && dice.percent(english_percent) {
            names::write_translated_name(
                dice,
                profile.kind,
                &place,
                &ENGLISH,
                &self.names,
                &mut self.english_name,
            );
        }
        row.put(Column::NameEn, &self.english_name);
        let multilingual = country.multilingual;
        if translatable && multilingual && language.code != "fr" && dice.percent(40) {
            names::write_translated_name(
                dice,
                profile.kind,
                &place,
                &FRENCH,
                &self.names,
                row.text(),
            );
        }
        row.end(Column::NameFr);
        if translatable
            && multilingual
            && language.code == "fr"
            && country.alpha2 != "BE"
            && dice.percent(40)
        {
            names::write_translated_name(
                dice,
                profile.kind,
                &place,
                &GERMAN,
                &self.names,
                row.text(),
            );
        }
        row.end(Column::NameDe);

        let context = Context {
            world,
            // The English description uses the English name where there is one.
            name: if self.english_name.is_empty() {
                &self.names.name
            } else {
                &self.english_name
            },
            city: city.name,
            region: region.name,
            country: country.name,
            members,
        };
        let english_primary = !eu_language || language.code == "en";
        if english_primary {
            prose::write_english_description(dice, profile, &context, row.text());
        } else {
            prose::write_local_description(profile, &context, language, city.patterns, row.text());
        }
        row.end(Column::Description);
        let english_percent = if profile.kind == OrganisationType::Cluster {
            85
        } else {
            40
        };
        if !english_primary && dice.percent(english_percent) {
            prose::write_english_description(dice, profile, &context, row.text());
        }
        row.end(Column::DescriptionEn);

        write_contact(
            dice,
            profile.kind,
            &self.names.basis,
            language,
            country.web_suffix,
            row,
            &mut self.scratch,
        );

        let pic_percent = match profile.kind {
            OrganisationType::University => 95,
            OrganisationType::Rto => 90,
            OrganisationType::Cluster => 60,
            OrganisationType::LargeEnterprise => 60,
            OrganisationType::PublicAuthority => 40,
            OrganisationType::Incubator | OrganisationType::Other => 30,
            OrganisationType::Investor => 10,
            OrganisationType::Sme => 6,
        };
        if dice.percent(pic_percent) {
            // Distinct rows give distinct PICs: the row index goes through a bijection of
            // 880,000,000..1,000,000,000.
            text::write_number(
                880_000_000 + vat::scramble(profile.index, plan.pic_offset, 120_000_000),
                row.text(),
            );
        }
        row.end(Column::Pic);
        if let (Some(serial), Some(scheme)) = (skeleton.vat_serial, country.vat) {
            scheme.write(serial, plan.vat_offsets[country_index], row.text());
        }
        row.end(Column::Vat);
        row.put(Column::Country, country.alpha2);
        row.put(Column::Nuts, city.nuts3);
        row.put(Column::City, city.name);
        let north = i64::from(dice.below(2 * 3_500 + 1)) - 3_500;
        let east_range = city.lon_jitter_microdegrees.max(1);
        let east = dice.below_u64(2 * east_range as u64 + 1) as i64 - east_range;
        text::write_microdegrees(city.lat_microdegrees + north, row.text());
        row.end(Column::Lat);
        text::write_microdegrees(city.lon_microdegrees + east, row.text());
        row.end(Column::Lon);
        if let Some(founded) = profile.founded {
            text::write_number(u64::from(founded), row.text());
        }
        row.end(Column::Founded);
        if let Some(staff) = profile.staff {
            text::write_number(u64::from(staff), row.text());
        }
        row.end(Column::Staff);
        if let Some(cents) = profile.turnover_cents {
            text::write_cents(cents, row.text());
        }
        row.end(Column::Turnover);
        if let Some(cents) = profile.balance_sheet_cents {
            text::write_cents(cents, row.text());
        }
        row.end(Column::BalanceSheet);
        let has_money = profile.turnover_cents.is_some() || profile.balance_sheet_cents.is_some();
        row.put(Column::Currency, if has_money { "EUR" } else { "" });

        for (position, sector) in profile.sectors.as_slice().iter().enumerate() {
            if position > 0 {
                row.text().push('|');
            }
            text::write_number(u64::from(*sector), row.text());
        }
        row.end(Column::Sectors);
        write_nace(dice, profile, world, row.text());
        row.end(Column::Nace);
        write_list(
            profile
                .technologies
                .as_slice()
                .iter()
                .map(|index| world.technology_fields.ids[*index as usize]),
            row.text(),
        );
        row.end(Column::Technologies);
        write_list(
            profile
                .s3_areas
                .as_slice()
                .iter()
                .map(|index| world.s3_areas.ids[*index as usize]),
            row.text(),
        );
        row.end(Column::S3Areas);
        write_list(
            profile
                .emerging
                .as_slice()
                .iter()
                .map(|index| world.emerging_industries.ids[*index as usize]),
            row.text(),
        );
        row.end(Column::Emerging);
        write_list(
            profile
                .international_targets
                .as_slice()
                .iter()
                .map(|index| world.international_targets[*index as usize]),
            row.text(),
        );
        row.end(Column::TargetCountriesInternational);
        write_list(
            profile
                .transnational_targets
                .as_slice()
                .iter()
                .map(|index| world.transnational_targets[*index as usize]),
            row.text(),
        );
        row.end(Column::TargetCountriesTransnational);

        if profile.kind == OrganisationType::Cluster {
            if dice.percent(20) {
                names::write_partnership_name(profile.theme(), dice.below(4), row.text());
            }
            row.end(Column::Escp);
            if dice.percent(40) {
                let level = match dice.below(100) {
                    0..70 => "bronze",
                    70..90 => "silver",
                    _ => "gold",
                };
                row.put(Column::Label, level);
                write_label_date(dice.below(LABEL_DAYS), row.text());
                row.end(Column::LabelDate);
            } else {
                row.end(Column::Label);
                row.end(Column::LabelDate);
            }
        } else {
            row.end(Column::Escp);
            row.end(Column::Label);
            row.end(Column::LabelDate);
        }

        prose::write_offers(dice, profile, &context, row.text());
        row.end(Column::Offers);
        prose::write_requests(dice, profile, &context, row.text());
        row.end(Column::Requests);

        for (position, cluster) in profile.member_of.as_slice().iter().enumerate() {
            if position > 0 {
                row.text().push('|');
            }
            write_external_id(plan.seed, u64::from(*cluster), row.text());
        }
        row.end(Column::MemberOf);
        let member_columns = [
            Column::MembersSme,
            Column::MembersLarge,
            Column::MembersResearch,
            Column::MembersOther,
        ];
        for (bucket, column) in member_columns.into_iter().enumerate() {
            if let Some(declared) = members {
                text::write_number(u64::from(declared[bucket]), row.text());
            }
            row.end(column);
        }
    }
}

/// The rows of one generation run, as an iterator; see [`generate`].
#[derive(Debug)]
pub struct DemoRows {
    total: u64,
    handed_out: u64,
    source: Source,
}

#[derive(Debug)]
enum Source {
    /// Rendering on the caller's thread, one row at a time.
    Inline(Box<InlineSource>),
    /// Helper threads render chunks; `receivers[c % helpers]` delivers chunk `c`.
    Threads {
        receivers: Vec<Receiver<RowBatch>>,
        helpers: Vec<JoinHandle<()>>,
        batch: RowBatch,
        position: usize,
        chunk_index: u64,
    },
}

/// The state of rendering on the caller's thread.
#[derive(Debug)]
struct InlineSource {
    skeletons: Skeletons,
    renderer: Renderer,
    chunk: Vec<Skeleton>,
    chunk_index: u64,
    position: usize,
}

/// Generates the organisations of a run, clusters first. Runs of 16,384 rows or more are
/// rendered by two helper threads; the rows are the same either way.
pub fn generate(config: &DemoConfig) -> DemoRows {
    let helpers = if config.organisations >= THREADED_FROM_ROWS {
        HELPER_THREADS
    } else {
        0
    };
    DemoRows::with_helper_threads(config, helpers)
}

impl DemoRows {
    /// Plans the run and renders every row on the caller's thread.
    pub fn new(config: &DemoConfig) -> DemoRows {
        DemoRows::with_helper_threads(config, 0)
    }

    /// Plans the run and renders it with `helpers` helper threads (none: on the caller's thread).
    /// The rows do not depend on the number of threads.
    pub fn with_helper_threads(config: &DemoConfig, helpers: usize) -> DemoRows {
        let plan = Arc::new(Plan::new(config));
        let source = if helpers == 0 {
            Source::Inline(Box::new(InlineSource {
                skeletons: Skeletons::new(Arc::clone(&plan)),
                renderer: Renderer::new(Arc::clone(&plan)),
                chunk: Vec::with_capacity(CHUNK_ROWS),
                chunk_index: 0,
                position: 0,
            }))
        } else {
            let mut receivers = Vec::with_capacity(helpers);
            let mut handles = Vec::with_capacity(helpers);
            for helper in 0..helpers {
                let (sender, receiver) = sync_channel(CHUNKS_AHEAD);
                let plan = Arc::clone(&plan);
                handles.push(std::thread::spawn(move || {
                    render_every_other_chunk(plan, helper, helpers, sender)
                }));
                receivers.push(receiver);
            }
            Source::Threads {
                receivers,
                helpers: handles,
                batch: RowBatch::default(),
                position: 0,
                chunk_index: 0,
            }
        };
        DemoRows {
            total: config.organisations as u64,
            handed_out: 0,
            source,
        }
    }

    /// Writes the next row into `row` (which is cleared first) and returns true, or returns false
    /// at the end. On the caller's thread, reusing one row avoids an allocation per organisation.
    pub fn next_into(&mut self, row: &mut DemoRow) -> bool {
        match &mut self.source {
            Source::Inline(inline) => {
                let InlineSource {
                    skeletons,
                    renderer,
                    chunk,
                    chunk_index,
                    position,
                } = &mut **inline;
                if *position == chunk.len() {
                    skeletons.fill_chunk(chunk);
                    if chunk.is_empty() {
                        return false;
                    }
                    renderer.dice = Dice::new(renderer.plan.seed, CHUNK_STREAMS + *chunk_index);
                    *chunk_index += 1;
                    *position = 0;
                }
                renderer.render_row(&chunk[*position], row);
                *position += 1;
                self.handed_out += 1;
                true
            }
            Source::Threads { .. } => match self.next_batched() {
                Some((batch, position)) => {
                    batch.copy_into(position, row);
                    true
                }
                None => false,
            },
        }
    }

    /// The batch that holds the next row from the helper threads, and the row's position in it.
    fn next_batched(&mut self) -> Option<(&RowBatch, usize)> {
        let Source::Threads {
            receivers,
            batch,
            position,
            chunk_index,
            ..
        } = &mut self.source
        else {
            return None;
        };
        if *position == batch.len() {
            if self.handed_out >= self.total {
                return None;
            }
            let helper = (*chunk_index % receivers.len() as u64) as usize;
            // A helper stops early only if it panicked; the run cannot go on without its chunks.
            let Ok(next) = receivers[helper].recv() else {
                panic!("a helper thread of the demo generator stopped before the end of the run");
            };
            *batch = next;
            *position = 0;
            *chunk_index += 1;
            if batch.len() == 0 {
                return None;
            }
        }
        *position += 1;
        self.handed_out += 1;
        Some((batch, *position - 1))
    }
}

/// The work of helper `helper` of `helpers`: draw every skeleton, render chunks `helper`,
/// `helper + helpers`, ... and send them in order, until the run ends or the iterator is dropped.
fn render_every_other_chunk(
    plan: Arc<Plan>,
    helper: usize,
    helpers: usize,
    sender: SyncSender<RowBatch>,
) {
    let mut skeletons = Skeletons::new(Arc::clone(&plan));
    let mut renderer = Renderer::new(plan);
    let mut chunk = Vec::with_capacity(CHUNK_ROWS);
    let mut chunk_index = 0_u64;
    let mut row = DemoRow::new();
    loop {
        skeletons.fill_chunk(&mut chunk);
        if chunk.is_empty() {
            return;
        }
        if chunk_index % helpers as u64 == helper as u64 {
            let mut batch = RowBatch::with_capacity(chunk.len());
            renderer.render_chunk(chunk_index, &chunk, |renderer, skeleton| {
                renderer.render_row(skeleton, &mut row);
                batch.push(&row);
            });
            if sender.send(batch).is_err() {
                // The iterator was dropped.
                return;
            }
        }
        chunk_index += 1;
    }
}

impl Drop for DemoRows {
    fn drop(&mut self) {
        if let Source::Threads {
            receivers, helpers, ..
        } = &mut self.source
        {
            // Closing the channels stops the helpers at their next chunk.
            receivers.clear();
            for helper in helpers.drain(..) {
                let _ = helper.join();
            }
        }
    }
}

impl Iterator for DemoRows {
    type Item = DemoRow;

    fn next(&mut self) -> Option<DemoRow> {
        if let Source::Threads { .. } = self.source {
            return self
                .next_batched()
                .map(|(batch, position)| batch.to_row(position));
        }
        let mut row = DemoRow::new();
        self.next_into(&mut row).then_some(row)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.total - self.handed_out) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for DemoRows {}

/// Spreads the bits of a seed (SplitMix64's finaliser), so that neighbouring seeds give unrelated
/// offsets.
fn mix(seed: u64) -> u64 {
    let mut value = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

/// The external id of row `index` of the run with `seed`: `demo-<seed>-<index, 7 digits>`.
pub(crate) fn write_external_id(seed: u64, index: u64, out: &mut String) {
    out.push_str("demo-");
    text::write_number(seed, out);
    out.push('-');
    text::write_padded_number(index, 7, out);
}

/// Writes words separated by `|`.
fn write_list<'a>(items: impl Iterator<Item = &'a str>, out: &mut String) {
    for (position, item) in items.enumerate() {
        if position > 0 {
            out.push('|');
        }
        out.push_str(item);
    }
}

/// Writes the NACE classes: the main activity's class first, then one more class of the main
/// category or of another listed category for larger organisations.
fn write_nace(dice: &mut Dice, profile: &Profile, world: &World, out: &mut String) {
    let Some(main) = prose::main_nace_class(profile, world) else {
        return;
    };
    out.push_str(main);
    let extra = match profile.kind {
        OrganisationType::Sme => usize::from(dice.percent(35)),
        OrganisationType::LargeEnterprise
        | OrganisationType::Cluster
        | OrganisationType::University => dice.between(1, 3) as usize,
        _ => dice.between(0, 2) as usize,
    };
    let mut written = [main; 4];
    let mut count = 1;
    for _ in 0..extra * 2 {
        if count > extra {
            break;
        }
        let sector = *dice.pick(profile.sectors.as_slice()) as u8;
        let class = *dice.pick(&world.category(sector).nace_classes);
        if !written[..count].contains(&class) {
            written[count] = class;
            count += 1;
            out.push('|');
            out.push_str(class);
        }
    }
}

/// Writes the website and e-mail cells.
fn write_contact(
    dice: &mut Dice,
    kind: OrganisationType,
    basis: &str,
    language: &Language,
    web_suffix: &str,
    row: &mut DemoRow,
    domain: &mut String,
) {
    domain.clear();
    text::write_slug(basis, 36, domain);
    if domain.is_empty() {
        domain.push_str("organisation");
    }
    domain.push('.');
    domain.push_str(web_suffix);
    let website_percent = match kind {
        OrganisationType::Cluster | OrganisationType::University | OrganisationType::Rto => 98,
        OrganisationType::Sme => 72,
        _ => 90,
    };
    if dice.percent(website_percent) {
        row.text().push_str("https://www.");
        row.text().push_str(domain);
    }
    row.end(Column::Website);
    if dice.percent(75) {
        row.text().push_str(if dice.percent(80) {
            language.mailbox
        } else {
            "office"
        });
        row.text().push('@');
        row.text().push_str(domain);
    }
    row.end(Column::Email);
}

/// Labels were awarded on one of the 730 days from 1 July 2024 to 30 June 2026, so most are still
/// valid (a label lasts two years).
pub(crate) const LABEL_DAYS: u32 = 730;

/// Writes the date `day` days after 1 July 2024 as YYYY-MM-DD.
fn write_label_date(day: u32, out: &mut String) {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut year, mut month, mut rest) = (REFERENCE_YEAR - 2, 7_usize, day);
    loop {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let length = MONTH_DAYS[month - 1] + u32::from(month == 2 && leap);
        if rest < length {
            break;
        }
        rest -= length;
        month += 1;
        if month == 13 {
            month = 1;
            year += 1;
        }
    }
    use std::fmt::Write as _;
    let _ = write!(out, "{year:04}-{month:02}-{:02}", rest + 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_zero_padded() {
        let mut id = String::new();
        write_external_id(42, 123, &mut id);
        assert_eq!(id, "demo-42-0000123");
        id.clear();
        write_external_id(7, 12_345_678, &mut id);
        assert_eq!(id, "demo-7-12345678");
    }

    #[test]
    fn label_dates_are_calendar_dates_in_the_window() {
        let date = |day| {
            let mut out = String::new();
            write_label_date(day, &mut out);
            out
        };
        assert_eq!(date(0), "2024-07-01");
        assert_eq!(date(31), "2024-08-01");
        assert_eq!(date(184), "2025-01-01");
        assert_eq!(date(LABEL_DAYS - 1), "2026-06-30");
    }

    #[test]
    fn two_percent_are_clusters() {
        assert_eq!(cluster_count(0), 0);
        assert_eq!(cluster_count(1), 1);
        assert_eq!(cluster_count(5_000), 100);
        assert_eq!(cluster_count(1_000_000), 20_000);
    }
}
