//! A deterministic corpus of small profiles and a brute-force evaluation of a query over it:
//! what the index must answer, computed the slow and obvious way.

use std::collections::{BTreeMap, BTreeSet};

use clusterhub_reference::{Lang, Reference};
use clusterhub_search::{
    FacetGroup, Hit, IndexOptions, IndexWriter, OrganisationDocument, SearchIndex, SearchQuery,
    Sort, distance_km,
};

/// A small xorshift generator: the tests need reproducible variety, not statistical quality.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }

    /// Up to `most` distinct values.
    pub fn some(&mut self, values: &[&str], most: usize) -> Vec<String> {
        let count = self.below(most + 1);
        let mut chosen: Vec<String> = Vec::new();
        for _ in 0..count {
            let value = self.pick(values).to_owned();
            if !chosen.contains(&value) {
                chosen.push(value);
            }
        }
        chosen
    }

    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

pub const WORDS: &[&str] = &[
    "hydrogen",
    "robotics",
    "photonics",
    "biotech",
    "logistics",
    "ceramics",
    "aerospace",
    "gaming",
    "seafood",
    "vineyard",
    "microchip",
    "quantum",
];
pub const KINDS: &[&str] = &["cluster", "sme", "university", "rto", "large_enterprise"];
pub const PLACES: &[(&str, &str, &str)] = &[
    ("DE", "DE212", "München"),
    ("DE", "DE300", "Berlin"),
    ("DE", "DEA23", "Köln"),
    ("DE", "DE2", "Augsburg"),
    ("FR", "FR101", "Paris"),
    ("FR", "FRK26", "Lyon"),
    ("IT", "ITC4C", "Milano"),
    ("PL", "PL911", "Warszawa"),
    ("GR", "EL301", "Athína"),
    ("CH", "", "Zürich"),
];
pub const SECTORS: &[&str] = &["1", "2", "3", "10", "22", "29", "51"];
pub const NACE: &[&str] = &[
    "62.01", "62.02", "26.40", "26.60", "10.51", "29.10", "72.19",
];
pub const TECHNOLOGIES: &[&str] = &["internet_of_things", "nanotechnology", "advanced_materials"];
pub const S3: &[&str] = &["digital_agenda", "blue_growth", "key_enabling_technologies"];
pub const EMERGING: &[&str] = &[
    "blue_growth_industries",
    "digital_industries",
    "creative_industries",
];
pub const STAFF: &[&str] = &["1_9", "10_49", "50_249", "250_499", "500_plus"];
pub const MEMBERS: &[&str] = &["1_24", "25_49", "50_99"];
pub const LABELS: &[&str] = &["bronze", "silver", "gold"];
pub const PROGRAMMES: &[&str] = &["H2020", "FP7", "HORIZON", "COSME"];
pub const TARGETS: &[&str] = &["US", "CN", "BR", "JP", "DE", "FR"];
pub const SME: &[&str] = &["micro", "small", "medium", "not_sme", "undeclared"];

fn sentence(random: &mut Random, words: usize) -> String {
    (0..words)
        .map(|_| random.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One generated profile with id `id`.
pub fn document(random: &mut Random, id: i64) -> OrganisationDocument {
    let (country, nuts, city) = PLACES[random.below(PLACES.len())];
    let name = format!(
        "{} {} {}",
        capitalised(random.pick(WORDS)),
        capitalised(random.pick(WORDS)),
        random.pick(&["GmbH", "SA", "Sp. z o.o.", "Srl", "Oy"])
    );
    let mut document = OrganisationDocument::new(id, 1, name.clone(), random.pick(KINDS), country);
    document.names = vec![name];
    if random.chance(30) {
        document
            .names
            .push(format!("{} {}", capitalised(random.pick(WORDS)), "Network"));
    }
    document.descriptions = (0..1 + random.below(2))
        .map(|_| {
            let words = 3 + random.below(5);
            sentence(random, words)
        })
        .collect();
    document.offers = (0..random.below(2)).map(|_| sentence(random, 3)).collect();
    document.requests = (0..random.below(2)).map(|_| sentence(random, 2)).collect();
    document.nuts = (!nuts.is_empty() && random.chance(90)).then(|| nuts.to_owned());
    document.city = random.chance(90).then(|| city.to_owned());
    if random.chance(85) {
        document.location = Some((random.between(36.0, 60.0), random.between(-9.0, 28.0)));
    }
    document.sectors = random.some(SECTORS, 3);
    document.nace = random.some(NACE, 2);
    document.technologies = random.some(TECHNOLOGIES, 2);
    document.s3_areas = random.some(S3, 1);
    document.emerging = random.some(EMERGING, 2);
    document.staff_band = random.chance(80).then(|| random.pick(STAFF).to_owned());
    if document.kind == "cluster" {
        document.members_band = Some(random.pick(MEMBERS).to_owned());
    }
    document.label = random.chance(10).then(|| random.pick(LABELS).to_owned());
    document.escp = random.chance(15);
    document.programmes = random.some(PROGRAMMES, 2);
    document.target_countries = random.some(TARGETS, 3);
    document.sme_status = random.chance(90).then(|| random.pick(SME).to_owned());
    document
}

fn capitalised(word: &str) -> String {
    let mut characters = word.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}

/// `count` generated profiles with ids 1 to `count`.
pub fn corpus(seed: u64, count: usize) -> Vec<OrganisationDocument> {
    let mut random = Random::new(seed);
    (1..=count as i64)
        .map(|id| document(&mut random, id))
        .collect()
}

/// An in-memory index holding `documents`, written in `batches` commits so that it has several
/// segments.
pub fn index_of(documents: &[OrganisationDocument], batches: usize) -> (SearchIndex, IndexWriter) {
    index_with(documents, batches, IndexOptions::default())
}

/// Index options under which even tiny segments get keyword and value bases, so that small
/// tests go through the code paths of large indexes.
pub fn with_bases() -> IndexOptions {
    IndexOptions { base_min_docs: 0 }
}

/// Both ways an index may work: without bases (as small segments do) and with them.
pub fn both_ways() -> [IndexOptions; 2] {
    [IndexOptions::default(), with_bases()]
}

/// [`index_of`] with options.
pub fn index_with(
    documents: &[OrganisationDocument],
    batches: usize,
    options: IndexOptions,
) -> (SearchIndex, IndexWriter) {
    let index = SearchIndex::create_in_ram_with(options).expect("an index in memory");
    let mut writer = index.writer().expect("a writer");
    let batch_size = documents.len().div_ceil(batches.max(1)).max(1);
    for batch in documents.chunks(batch_size) {
        for document in batch {
            writer.upsert(document).expect("upsert");
        }
        writer.commit().expect("commit");
    }
    (index, writer)
}

/// Lower case with the accents of the test data folded, as the index's analyser does.
fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.to_lowercase().chars() {
        match character {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => folded.push('a'),
            'ç' | 'ć' | 'č' => folded.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => folded.push('e'),
            'ì' | 'í' | 'î' | 'ï' => folded.push('i'),
            'ł' => folded.push('l'),
            'ñ' | 'ń' => folded.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => folded.push('o'),
            'ś' | 'š' => folded.push('s'),
            'ù' | 'ú' | 'û' | 'ü' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'ź' | 'ż' | 'ž' => folded.push('z'),
            'ß' => folded.push_str("ss"),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            other => folded.push(other),
        }
    }
    folded
}

/// The words of a text, folded.
pub fn words(text: &str) -> BTreeSet<String> {
    fold(text)
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every searchable word of a profile: names, texts, city, the labels of its NACE codes and of
/// every code above them, and its cluster category names, in English, French and German.
fn searchable_words(document: &OrganisationDocument) -> BTreeSet<String> {
    let reference = Reference::get();
    let mut texts: Vec<String> = vec![document.name.clone()];
    texts.extend(document.names.iter().cloned());
    texts.extend(document.descriptions.iter().cloned());
    texts.extend(document.offers.iter().cloned());
    texts.extend(document.requests.iter().cloned());
    texts.extend(document.city.iter().cloned());
    for code in &document.nace {
        for level in nace_levels(code) {
            if let Some(activity) = reference.nace().get(&level) {
                texts.extend(Lang::ALL.map(|lang| activity.label(lang).to_owned()));
            }
        }
    }
    for sector in &document.sectors {
        if let Some(category) = sector
            .parse::<u8>()
            .ok()
            .and_then(|id| reference.cluster_category(id))
        {
            texts.extend(Lang::ALL.map(|lang| category.name(lang).to_owned()));
        }
    }
    texts.iter().flat_map(|text| words(text)).collect()
}

/// The NACE codes a code counts under: section, division, group and class.
fn nace_levels(code: &str) -> Vec<String> {
    let mut levels = Vec::new();
    if let Some(section) = Reference::get().nace().section_of(code) {
        levels.push(section.code.clone());
    }
    for end in [2, 4, 5] {
        if end <= code.len() {
            levels.push(code[..end].to_owned());
        }
    }
    levels.sort();
    levels.dedup();
    levels
}

/// The values a profile has in a group, each once; NUTS with its ancestry, NACE at every level.
pub fn values_of(document: &OrganisationDocument, group: FacetGroup) -> BTreeSet<String> {
    let one = |value: &Option<String>| value.iter().cloned().collect::<BTreeSet<String>>();
    let many = |values: &Vec<String>| values.iter().cloned().collect::<BTreeSet<String>>();
    match group {
        FacetGroup::Kind => BTreeSet::from([document.kind.clone()]),
        FacetGroup::Country => BTreeSet::from([document.country.clone()]),
        FacetGroup::Nuts => document
            .nuts
            .iter()
            .flat_map(|code| (2..=code.len()).map(|end| code[..end].to_owned()))
            .collect(),
        FacetGroup::Sector => many(&document.sectors),
        FacetGroup::Nace => document
            .nace
            .iter()
            .flat_map(|code| nace_levels(code))
            .collect(),
        FacetGroup::Technology => many(&document.technologies),
        FacetGroup::S3 => many(&document.s3_areas),
        FacetGroup::Emerging => many(&document.emerging),
        FacetGroup::Staff => one(&document.staff_band),
        FacetGroup::Members => one(&document.members_band),
        FacetGroup::Label => one(&document.label),
        FacetGroup::Escp => BTreeSet::from([document.escp.to_string()]),
        FacetGroup::Programme => many(&document.programmes),
        FacetGroup::TargetCountry => many(&document.target_countries),
        FacetGroup::Sme => one(&document.sme_status),
    }
}

/// Profiles with their searchable words worked out once.
pub struct Corpus {
    pub documents: Vec<OrganisationDocument>,
    words: Vec<BTreeSet<String>>,
}

impl Corpus {
    pub fn new(documents: &[OrganisationDocument]) -> Corpus {
        Corpus {
            documents: documents.to_vec(),
            words: documents.iter().map(searchable_words).collect(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&OrganisationDocument, &BTreeSet<String>)> {
        self.documents.iter().zip(&self.words)
    }
}

/// Whether a profile matches the query, leaving out the filter of `except`.
pub fn matches(
    document: &OrganisationDocument,
    searchable: &BTreeSet<String>,
    query: &SearchQuery,
    except: Option<FacetGroup>,
) -> bool {
    if let Some(text) = &query.text {
        let wanted = words(text);
        if !wanted.iter().all(|word| searchable.contains(word)) {
            return false;
        }
    }
    for group in query.filters.active_groups() {
        if Some(group) == except {
            continue;
        }
        let selected = query.filters.values(group);
        let have = values_of(document, group);
        if !selected.iter().any(|value| have.contains(value)) {
            return false;
        }
    }
    if let Some(bbox) = &query.bbox {
        match document.location {
            Some((lat, lon)) if bbox.contains(lat, lon) => {}
            _ => return false,
        }
    }
    true
}

/// The profiles matching the whole query, in the query's order where the order is known
/// without scores (by id for keyword-free relevance, by name, by distance).
pub fn expected_ids(corpus: &Corpus, query: &SearchQuery) -> Vec<i64> {
    let mut matching: Vec<&OrganisationDocument> = corpus
        .iter()
        .filter(|(document, searchable)| matches(document, searchable, query, None))
        .map(|(document, _)| document)
        .collect();
    match query.sort {
        Sort::Relevance => matching.sort_by_key(|document| document.id),
        Sort::Name => matching.sort_by(|left, right| {
            sort_key(&left.name)
                .cmp(&sort_key(&right.name))
                .then(left.id.cmp(&right.id))
        }),
        Sort::Distance => {
            let near = query.near.expect("a point for distance order");
            let distance = |document: &OrganisationDocument| {
                document
                    .location
                    .map_or(f64::INFINITY, |location| distance_km(near, location))
            };
            matching.sort_by(|left, right| {
                distance(left)
                    .total_cmp(&distance(right))
                    .then(left.id.cmp(&right.id))
            });
        }
    }
    matching.iter().map(|document| document.id).collect()
}

fn sort_key(name: &str) -> String {
    fold(name)
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The disjunctive facet counts the index must report, with its NUTS and NACE trimming.
pub fn expected_facets(
    corpus: &Corpus,
    query: &SearchQuery,
) -> BTreeMap<FacetGroup, BTreeMap<String, u64>> {
    let active = query.filters.active_groups();
    let mut facets = BTreeMap::new();
    for group in FacetGroup::ALL {
        let except = active.contains(&group).then_some(group);
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for (document, searchable) in corpus.iter() {
            if matches(document, searchable, query, except) {
                for value in values_of(document, group) {
                    *counts.entry(value).or_default() += 1;
                }
            }
        }
        let selected = query.filters.values(group);
        match group {
            FacetGroup::Nuts => {
                let expanded: BTreeSet<String> = selected
                    .iter()
                    .filter(|code| code.len() >= 4)
                    .map(|code| code[..4].to_owned())
                    .collect();
                counts.retain(|code, _| {
                    code.len() <= 4 || expanded.contains(&code[..4]) || selected.contains(code)
                });
            }
            FacetGroup::Nace => counts.retain(|code, _| {
                (code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_digit()))
                    || selected
                        .iter()
                        .any(|chosen| code.starts_with(chosen.as_str()))
            }),
            _ => {}
        }
        for value in selected {
            counts.entry(value).or_insert(0);
        }
        facets.insert(group, counts);
    }
    facets
}

/// Checks one query against the brute force: total, hits (order where it is known), facets.
pub fn check(index: &SearchIndex, corpus: &Corpus, query: &SearchQuery) {
    let mut everything = query.clone();
    everything.page = 1;
    everything.per_page = corpus.documents.len().max(1);
    let results = index.search(&everything).expect("search");
    let expected = expected_ids(corpus, query);
    assert_eq!(results.total, expected.len() as u64, "total of {query:?}");
    let found: Vec<i64> = results.hits.iter().map(|hit| hit.id).collect();
    if query.text.is_some() && query.sort == Sort::Relevance {
        let mut sorted = found.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected, "matches of {query:?}");
        assert_relevance_order(&results.hits);
    } else {
        assert_eq!(found, expected, "hits of {query:?}");
    }
    assert_eq!(
        results.facets,
        expected_facets(corpus, query),
        "facets of {query:?}"
    );
}

/// Hits are in descending score, ties by ascending id.
pub fn assert_relevance_order(hits: &[Hit]) {
    for pair in hits.windows(2) {
        let in_order = pair[0].score > pair[1].score
            || (pair[0].score == pair[1].score && pair[0].id < pair[1].id);
        assert!(in_order, "{:?} before {:?}", pair[0], pair[1]);
    }
}
