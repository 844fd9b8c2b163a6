//! Per-segment facet tables in memory, built from the segment's profile columns when a segment
//! is first seen, so that counting every facet group over a result set is a
//! tight loop over small arrays.
//!
//! Every facet value gets a global number from one [`Interner`] shared by all segments; within a
//! segment, the values it has get *local* numbers (16 bits, dense), so a pass counts into an
//! array of a few thousand counters that stays in the first-level cache, and adds it to the
//! global counts once per segment. For each segment the table keeps:
//!
//! - a fixed-size *record* per document (32 bytes, two per cache line) with what the main pass
//!   counts: one number for its combination of type, staff band, members band, label, ESCP
//!   membership and SME status (a few hundred combinations occur), one for its combination of
//!   country and NUTS region, then its other values (NACE as divisions); a pass counts
//!   combinations and expands them into values once at the end;
//! - one *column* per group with that group's values only (NACE at every level: section,
//!   division, group, class), for the extra pass of a group whose filter is active, and the
//!   *NACE extra* column (NACE levels other than divisions), so that record plus extra is every
//!   column together;
//! - the organisation id, the location (and its unit vector for distance order), the name order,
//!   and the documents sorted by id, by name and by map cell;
//! - *bases*: for the whole segment, and (in large segments) for every keyword and every filter
//!   value that a sizeable share of the documents have, the set of those documents and the
//!   counts of every value over them. A pass whose result is most of a base counts the few base
//!   documents it does *not* match and subtracts them, so no pass counts more than half of a
//!   base. Bases include deleted documents, which a pass never matches, so they stay right across
//!   deletions and depend only on the segment.
//!
//! The tables are built by a tantivy [`Warmer`] when a new searcher generation opens (after a
//! commit or a merge), and on demand if a search comes first; they are dropped with the last
//! generation that uses their segment. Segments with deletions also get their set of live
//! documents, per deletion state.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, Opstamp, Searcher, SearcherGeneration, SegmentReader, TantivyError, Warmer};

use crate::geo;
use crate::labels;
use crate::profiles::ProfileColumns;
use crate::query::FacetGroup;
use crate::schema::Fields;
use crate::selection::{BATCH, Bits, Selection};
use crate::value_docs::ValueDocs;

/// A facet value's number within one segment.
pub(crate) type Local = u16;

/// The marker for "no value" in a single-valued column.
const NO_VALUE: Local = Local::MAX;

/// A keyword gets a base when at least this fraction of the segment's documents match it.
const WORD_BASE_DIVISOR: DocId = 16;
/// A filter value gets a base when at least this fraction of the segment's documents have it.
const VALUE_BASE_DIVISOR: DocId = 32;

/// One interned value.
#[derive(Debug)]
struct Entry {
    group: FacetGroup,
    value: Box<str>,
    /// For a NUTS region, the region one level up.
    parent: Option<u32>,
}

/// Global numbers for (group, value) pairs. Numbers are never reused or removed, so a number
/// seen in any segment table stays valid for the life of the index handle. Every NUTS region's
/// ancestors are interned with it, so counts roll up by number.
#[derive(Debug)]
pub(crate) struct Interner {
    entries: Vec<Entry>,
    numbers: HashMap<(FacetGroup, Box<str>), u32>,
    /// For every group, its numbers in value order.
    by_group: Vec<Vec<u32>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            entries: Vec::new(),
            numbers: HashMap::new(),
            by_group: vec![Vec::new(); FacetGroup::ALL.len()],
        }
    }
}

impl Interner {
    fn intern(&mut self, group: FacetGroup, value: &str) -> u32 {
        if let Some(number) = self.lookup(group, value) {
            return number;
        }
        let number = self.entries.len() as u32;
        self.entries.push(Entry {
            group,
            value: Box::from(value),
            parent: None,
        });
        self.numbers.insert((group, Box::from(value)), number);
        let entries = &self.entries;
        let list = &mut self.by_group[group.index()];
        let position = list.partition_point(|&other| &*entries[other as usize].value < value);
        list.insert(position, number);
        if group == FacetGroup::Nuts && value.len() > 2 && value.is_char_boundary(value.len() - 1) {
            let parent = self.intern(group, &value[..value.len() - 1]);
            self.entries[number as usize].parent = Some(parent);
        }
        number
    }

    /// The number of a value, if it has one.
    pub(crate) fn lookup(&self, group: FacetGroup, value: &str) -> Option<u32> {
        self.numbers.get(&(group, Box::from(value))).copied()
    }

    /// How many numbers are given out.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The group and value of a number.
    pub(crate) fn entry(&self, number: u32) -> (FacetGroup, &str) {
        let entry = &self.entries[number as usize];
        (entry.group, &entry.value)
    }

    /// The NUTS region one level above a NUTS region's number.
    pub(crate) fn parent(&self, number: u32) -> Option<u32> {
        self.entries[number as usize].parent
    }

    /// The numbers of a group, in value order.
    pub(crate) fn numbers_of(&self, group: FacetGroup) -> &[u32] {
        &self.by_group[group.index()]
    }
}

/// The values of one group for every document of a segment, as local numbers.
#[derive(Debug)]
pub(crate) enum GroupColumn {
    /// At most one value per document ([`NO_VALUE`] for none).
    Single(Vec<Local>),
    /// Any number of values: document `d` has `values[offsets[d]..offsets[d + 1]]`.
    Multi {
        offsets: Vec<u32>,
        values: Vec<Local>,
    },
}

impl GroupColumn {
    fn build(offsets: Vec<u32>, values: Vec<Local>) -> GroupColumn {
        let single = offsets.windows(2).all(|pair| pair[1] - pair[0] <= 1);
        if !single {
            return GroupColumn::Multi { offsets, values };
        }
        GroupColumn::Single(
            offsets
                .windows(2)
                .map(|pair| {
                    if pair[1] > pair[0] {
                        values[pair[0] as usize]
                    } else {
                        NO_VALUE
                    }
                })
                .collect(),
        )
    }

    /// The values of one document.
    #[inline]
    pub(crate) fn values(&self, doc: DocId) -> &[Local] {
        match self {
            GroupColumn::Single(values) => {
                let value = &values[doc as usize];
                if *value == NO_VALUE {
                    &[]
                } else {
                    std::slice::from_ref(value)
                }
            }
            GroupColumn::Multi { offsets, values } => {
                &values[offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize]
            }
        }
    }

    /// Adds one to the counter of every value of one document.
    #[inline]
    pub(crate) fn count(&self, doc: DocId, counts: &mut [u32]) {
        match self {
            GroupColumn::Single(values) => {
                let value = values[doc as usize];
                if value != NO_VALUE {
                    counts[value as usize] += 1;
                }
            }
            GroupColumn::Multi { offsets, values } => {
                let range = offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize;
                for &value in &values[range] {
                    counts[value as usize] += 1;
                }
            }
        }
    }

    fn memory_bytes(&self) -> usize {
        match self {
            GroupColumn::Single(values) => values.len() * 2,
            GroupColumn::Multi { offsets, values } => offsets.len() * 4 + values.len() * 2,
        }
    }
}

/// A set of documents with the counts of every local value over them.
#[derive(Debug)]
pub(crate) struct Base {
    /// Always a bitmap.
    pub(crate) docs: Selection,
    pub(crate) counts: Vec<u32>,
}

impl Base {
    /// The base of the union of bases, if no document is in two of them (then the union's
    /// counts are the sums of theirs); `None` if they overlap.
    pub(crate) fn sum_of_disjoint(parts: &[&Base], max_doc: DocId) -> Option<Base> {
        let mut bits = Bits::empty(max_doc);
        let mut counts = vec![0u32; parts.first().map_or(0, |part| part.counts.len())];
        let mut members = 0;
        for part in parts {
            bits.union_with(part.bits());
            members += part.docs.len();
            for (count, part) in counts.iter_mut().zip(&part.counts) {
                *count += part;
            }
        }
        (bits.len() == members).then_some(Base {
            docs: Selection::Dense(bits),
            counts,
        })
    }

    /// The bitmap of the documents.
    pub(crate) fn bits(&self) -> &Bits {
        match &self.docs {
            Selection::Dense(bits) => bits,
            Selection::Sparse(_) => unreachable!("bases are built as bitmaps"),
        }
    }

    fn memory_bytes(&self) -> usize {
        self.bits().memory_bytes() + self.counts.len() * 4
    }
}

/// A map cell with located documents, for map boxes and distance order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MapCell {
    /// The cell's column and row at [`MAP_CELL_LEVEL`].
    pub(crate) x: u32,
    pub(crate) y: u32,
    /// The cell's documents are `by_cell[start..end]`.
    pub(crate) start: u32,
    pub(crate) end: u32,
    /// The unit vector of the cell's centre.
    pub(crate) centre: [f64; 3],
    /// The largest angle (radians) between the centre and a point of the cell.
    pub(crate) radius: f64,
}

/// Local numbers per document record: 32 bytes, two records per cache line.
const RECORD_SLOTS: usize = 16;

/// What the main pass counts for one document: its combination of single values of the groups
/// in [`COMBINED_A`], its combination for [`COMBINED_B`], then its other values (NACE as
/// divisions); empty slots name their slot's sink counter.
type Record = [Local; RECORD_SLOTS];

/// Single-valued groups counted as one combination (a few hundred occur): one counter per
/// document instead of six.
const COMBINED_A: [FacetGroup; 6] = [
    FacetGroup::Kind,
    FacetGroup::Staff,
    FacetGroup::Members,
    FacetGroup::Label,
    FacetGroup::Escp,
    FacetGroup::Sme,
];

/// The country and the NUTS region, counted as one combination (about as many as regions).
const COMBINED_B: [FacetGroup; 2] = [FacetGroup::Country, FacetGroup::Nuts];

/// The grid level of the map cells (1.4 × 0.7 degrees).
pub(crate) const MAP_CELL_LEVEL: u32 = 8;

/// The in-memory table of one segment.
#[derive(Debug)]
pub(crate) struct SegmentFacets {
    /// The global number of every local value number (`0..globals.len()`).
    pub(crate) globals: Vec<u32>,
    /// Local numbers from `globals.len()` on stand for combinations of single values: the
    /// values of combination `c` are `combination_values[combination_offsets[c]..][..]`.
    combination_offsets: Vec<u32>,
    combination_values: Vec<Local>,
    /// One fixed-size record per document: what the main pass counts.
    records: Vec<Record>,
    /// Values that did not fit in their document's record, if any did not.
    overflow: Option<Overflow>,
    columns: Vec<GroupColumn>,
    nace_extra: GroupColumn,
    /// The organisation id of every document.
    pub(crate) ids: Vec<i64>,
    /// (latitude, longitude) of every document; NaN where it has none.
    pub(crate) locations: Vec<(f64, f64)>,
    /// Unit vectors of the locations, for distance order; NaN where there is no location.
    pub(crate) unit_vectors: Vec<[f64; 3]>,
    /// The position of every document's name in the segment's name order (equal names share it).
    pub(crate) name_ranks: Vec<u32>,
    /// Documents in (name, id) order.
    pub(crate) by_name: Vec<DocId>,
    /// Documents in id order.
    pub(crate) by_id: Vec<DocId>,
    /// Located documents grouped by map cell, then the documents without a location.
    pub(crate) by_cell: Vec<DocId>,
    /// The unit vectors of `by_cell`'s documents, in the same order, so that a walk through a
    /// cell reads memory in sequence.
    pub(crate) cell_vectors: Vec<[f64; 3]>,
    /// The locations of `by_cell`'s documents, in the same order.
    pub(crate) cell_locations: Vec<(f64, f64)>,
    /// The cells with documents, in `by_cell` order.
    pub(crate) map_cells: Vec<MapCell>,
    /// Every document of the segment, deleted ones included.
    pub(crate) all: Arc<Base>,
    /// Bases of frequent keywords, by analysed term.
    pub(crate) word_bases: HashMap<String, Arc<Base>>,
    /// Bases of frequent filter values, by filter term (`c:DE`).
    pub(crate) value_bases: HashMap<String, Arc<Base>>,
    /// The segment's profile columns (the name and city a hit shows).
    pub(crate) profiles: ProfileColumns,
    /// Each filter value's documents.
    pub(crate) value_docs: ValueDocs,
}

impl SegmentFacets {
    /// Counts the records of a batch of documents into `counters` (the counter space of
    /// [`SegmentFacets::counter_count`]; [`SegmentFacets::expand`] then turns combinations into
    /// values). The batch's records are first copied side by side — independent loads from all
    /// over the table, which the processor overlaps instead of waiting for each — then counted
    /// from the copy.
    pub(crate) fn count_records(&self, batch: &[DocId], counters: &mut [u32]) {
        let mut copies: [Record; BATCH] = [[0; RECORD_SLOTS]; BATCH];
        for (copy, &doc) in copies.iter_mut().zip(batch) {
            *copy = self.records[doc as usize];
        }
        for copy in copies.iter().take(batch.len()) {
            for &slot in copy {
                counters[slot as usize] += 1;
            }
        }
        if let Some(overflow) = &self.overflow {
            for &doc in batch {
                for &value in overflow.values(doc) {
                    counters[value as usize] += 1;
                }
            }
        }
    }

    /// How many counters a main-pass count needs: values, combinations, and one sink per record
    /// slot for empty slots (one per slot, so that empty slots of consecutive documents do not
    /// all wait on the same counter).
    pub(crate) fn counter_count(&self) -> usize {
        self.globals.len() + self.combination_count() + RECORD_SLOTS
    }

    fn combination_count(&self) -> usize {
        self.combination_offsets.len().saturating_sub(1)
    }

    /// Adds the counts of the combinations to the counts of their values.
    pub(crate) fn expand(&self, counters: &mut [u32]) {
        let first = self.globals.len();
        for combination in 0..self.combination_count() {
            let count = counters[first + combination];
            if count == 0 {
                continue;
            }
            let values = &self.combination_values[self.combination_offsets[combination] as usize
                ..self.combination_offsets[combination + 1] as usize];
            for &value in values {
                counters[value as usize] += count;
            }
        }
    }

    /// The column of one group.
    #[inline]
    pub(crate) fn column(&self, group: FacetGroup) -> &GroupColumn {
        &self.columns[group.index()]
    }

    /// How many local value numbers the segment uses.
    pub(crate) fn local_count(&self) -> usize {
        self.globals.len()
    }

    /// Bytes held by the table.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.globals.len() * 4
            + self.combination_offsets.len() * 4
            + self.combination_values.len() * 2
            + self.records.len() * std::mem::size_of::<Record>()
            + self.overflow.as_ref().map_or(0, Overflow::memory_bytes)
            + self
                .columns
                .iter()
                .chain([&self.nace_extra])
                .map(GroupColumn::memory_bytes)
                .sum::<usize>()
            + self.value_docs.memory_bytes()
            + self.ids.len() * 8
            + self.locations.len() * 16
            + self.unit_vectors.len() * 24
            + (self.name_ranks.len() + self.by_name.len() + self.by_id.len() + self.by_cell.len())
                * 4
            + self.cell_vectors.len() * 24
            + self.cell_locations.len() * 16
            + self
                .word_bases
                .values()
                .chain(self.value_bases.values())
                .chain([&self.all])
                .map(|base| base.memory_bytes())
                .sum::<usize>()
    }

    /// A base of `bits`: the counts of every value (every column) over them.
    fn base(&self, bits: Bits) -> Base {
        let mut counters = vec![0u32; self.counter_count()];
        let docs = Selection::Dense(bits);
        docs.for_each_batch(|batch| {
            self.count_records(batch, &mut counters);
            for &doc in batch {
                self.nace_extra.count(doc, &mut counters);
            }
        });
        let Selection::Dense(bits) = docs else {
            unreachable!("the set was made a bitmap above")
        };
        self.expand(&mut counters);
        counters.truncate(self.local_count());
        Base {
            docs: Selection::Dense(bits),
            counts: counters,
        }
    }
}

/// A segment as of one deletion state: which of its documents are alive depends on it.
type SegmentState = (SegmentId, Option<Opstamp>);

/// What one term of a segment's `facets` dictionary stands for, in local numbers.
#[derive(Debug, Default, Clone)]
struct TermPlan {
    group: Option<FacetGroup>,
    /// Numbers the main stream counts.
    stream: Vec<Local>,
    /// Numbers the group's column holds.
    column: Vec<Local>,
    /// NACE numbers other than divisions.
    extra: Vec<Local>,
}

/// The facet tables of every live segment and the shared interner; registered with the index
/// reader as a warmer.
#[derive(Debug)]
pub(crate) struct FacetCache {
    fields: Fields,
    /// Segments with fewer documents get no keyword or value bases.
    base_min_docs: DocId,
    interner: RwLock<Interner>,
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
    alive: Mutex<HashMap<SegmentState, Arc<Selection>>>,
    /// Held while a table is built, so two threads never build the same one.
    building: Mutex<()>,
}

/// A segment ready for searching: its reader, its table and, if it has deletions, its live
/// documents.
pub(crate) struct PreparedSegment<'a> {
    pub(crate) reader: &'a SegmentReader,
    pub(crate) ordinal: u32,
    pub(crate) facets: Arc<SegmentFacets>,
    pub(crate) alive: Option<Arc<Selection>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FacetCache {
    pub(crate) fn new(fields: Fields, base_min_docs: DocId) -> FacetCache {
        FacetCache {
            fields,
            base_min_docs,
            interner: RwLock::default(),
            segments: Mutex::default(),
            alive: Mutex::default(),
            building: Mutex::default(),
        }
    }

    /// Read access to the interner.
    pub(crate) fn interner(&self) -> std::sync::RwLockReadGuard<'_, Interner> {
        self.interner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The tables of every segment of a searcher, built where missing.
    pub(crate) fn prepare<'a>(
        &self,
        searcher: &'a Searcher,
    ) -> tantivy::Result<Vec<PreparedSegment<'a>>> {
        searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(ordinal, reader)| {
                let facets = self.segment(reader)?;
                let alive = self.alive(reader);
                Ok(PreparedSegment {
                    reader,
                    ordinal: ordinal as u32,
                    facets,
                    alive,
                })
            })
            .collect()
    }

    /// Bytes held by the tables of the segments currently cached.
    pub(crate) fn memory_bytes(&self) -> usize {
        let tables: usize = lock(&self.segments)
            .values()
            .map(|facets| facets.memory_bytes())
            .sum();
        let alive: usize = lock(&self.alive)
            .values()
            .map(|alive| match alive.as_ref() {
                Selection::Dense(bits) => bits.memory_bytes(),
                Selection::Sparse(docs) => docs.len() * 4,
            })
            .sum();
        tables + alive
    }

    fn segment(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = reader.segment_id();
        if let Some(facets) = lock(&self.segments).get(&id) {
            return Ok(facets.clone());
        }
        let _building = lock(&self.building);
        if let Some(facets) = lock(&self.segments).get(&id) {
            return Ok(facets.clone());
        }
        let facets = Arc::new(self.build(reader)?);
        lock(&self.segments).insert(id, facets.clone());
        Ok(facets)
    }

    /// The live documents of a segment with deletions.
    fn alive(&self, reader: &SegmentReader) -> Option<Arc<Selection>> {
        let alive_bitset = reader.alive_bitset()?;
        let key = (reader.segment_id(), reader.delete_opstamp());
        if let Some(alive) = lock(&self.alive).get(&key) {
            return Some(alive.clone());
        }
        let mut bits = Bits::empty(reader.max_doc());
        for doc in 0..reader.max_doc() {
            if alive_bitset.is_alive(doc) {
                bits.insert(doc);
            }
        }
        let alive = Arc::new(Selection::Dense(bits));
        lock(&self.alive).insert(key, alive.clone());
        Some(alive)
    }

    /// Reads a segment's profile columns into a table.
    fn build(&self, reader: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let max_doc = reader.max_doc();
        let profiles = ProfileColumns::open(reader)?;
        let (plans, globals) = self.term_plans(&profiles)?;

        let group_count = FacetGroup::ALL.len();
        let capacity = max_doc as usize + 1;
        let mut offsets: Vec<Vec<u32>> = vec![Vec::with_capacity(capacity); group_count + 1];
        let mut values: Vec<Vec<Local>> = vec![Vec::new(); group_count + 1];
        for group_offsets in &mut offsets {
            group_offsets.push(0);
        }
        // The NACE extra column goes last.
        let extra_index = group_count;
        let mut doc_columns: Vec<Vec<Local>> = vec![Vec::new(); group_count + 1];
        let mut nace_divisions: Vec<Vec<Local>> = Vec::with_capacity(max_doc as usize);
        let mut doc_divisions: Vec<Local> = Vec::new();
        for doc in 0..max_doc {
            doc_divisions.clear();
            for column in &mut doc_columns {
                column.clear();
            }
            for ordinal in profiles.ords(doc) {
                let Some(plan) = plans.get(ordinal as usize) else {
                    continue;
                };
                if let Some(group) = plan.group {
                    if group == FacetGroup::Nace {
                        doc_divisions.extend_from_slice(&plan.stream);
                    }
                    doc_columns[group.index()].extend_from_slice(&plan.column);
                    doc_columns[extra_index].extend_from_slice(&plan.extra);
                }
            }
            doc_divisions.sort_unstable();
            doc_divisions.dedup();
            nace_divisions.push(doc_divisions.clone());
            for (index, column) in doc_columns.iter_mut().enumerate() {
                column.sort_unstable();
                column.dedup();
                values[index].extend_from_slice(column);
                offsets[index].push(values[index].len() as u32);
            }
        }
        let mut columns: Vec<GroupColumn> = offsets
            .into_iter()
            .zip(values)
            .map(|(offsets, values)| GroupColumn::build(offsets, values))
            .collect();
        let nace_extra = columns.pop().unwrap_or(GroupColumn::Single(Vec::new()));
        let records = Records::build(&columns, &nace_divisions, globals.len())?;
        drop(nace_divisions);

        let ids: Vec<i64> = (0..max_doc).map(|doc| profiles.id(doc)).collect();
        let locations: Vec<(f64, f64)> = (0..max_doc)
            .map(|doc| profiles.location(doc).unwrap_or((f64::NAN, f64::NAN)))
            .collect();
        let unit_vectors: Vec<[f64; 3]> = locations
            .iter()
            .map(|&(lat, lon)| {
                if lat.is_nan() {
                    [f64::NAN; 3]
                } else {
                    geo::unit_vector(lat, lon)
                }
            })
            .collect();
        let name_ranks: Vec<u32> = (0..max_doc).map(|doc| profiles.name_rank(doc)).collect();
        let mut by_name: Vec<DocId> = (0..max_doc).collect();
        by_name.sort_unstable_by_key(|&doc| (name_ranks[doc as usize], ids[doc as usize]));
        let mut by_id: Vec<DocId> = (0..max_doc).collect();
        by_id.sort_unstable_by_key(|&doc| ids[doc as usize]);
        let (by_cell, map_cells) = map_cells(&locations);
        let cell_vectors = by_cell
            .iter()
            .map(|&doc| unit_vectors[doc as usize])
            .collect();
        let cell_locations = by_cell.iter().map(|&doc| locations[doc as usize]).collect();

        let mut facets = SegmentFacets {
            globals,
            combination_offsets: records.combination_offsets,
            combination_values: records.combination_values,
            records: records.records,
            overflow: records.overflow,
            columns,
            nace_extra,
            ids,
            locations,
            unit_vectors,
            name_ranks,
            by_name,
            by_id,
            by_cell,
            cell_vectors,
            cell_locations,
            map_cells,
            all: Arc::new(Base {
                docs: Selection::Dense(Bits::empty(0)),
                counts: Vec::new(),
            }),
            word_bases: HashMap::new(),
            value_bases: HashMap::new(),
            value_docs: ValueDocs::build(&profiles, max_doc),
            profiles,
        };
        facets.all = Arc::new(facets.base(Bits::full(max_doc)));
        if max_doc >= self.base_min_docs {
            let mut wanted = frequent_values(&facets.value_docs, max_doc);
            let values = wanted.len();
            wanted.extend(self.frequent_words(reader, &facets.value_docs)?);
            let mut bases = compute_bases(&facets, reader, wanted)?;
            let words = bases.split_off(values);
            facets.value_bases = bases.into_iter().collect();
            let threshold = (max_doc / WORD_BASE_DIVISOR) as usize;
            facets.word_bases = words
                .into_iter()
                .filter(|(_, base)| base.docs.len() >= threshold)
                .collect();
        }
        Ok(facets)
    }

    /// The keywords that may match at least 1/[`WORD_BASE_DIVISOR`] of the documents (in their
    /// texts or through the labels of their codes), with what finds them.
    fn frequent_words<'v>(
        &self,
        reader: &SegmentReader,
        value_docs: &'v ValueDocs,
    ) -> tantivy::Result<Vec<(String, Wanted<'v>)>> {
        let threshold = reader.max_doc() / WORD_BASE_DIVISOR;
        let mut candidates: HashSet<String> = HashSet::new();
        for field in [self.fields.names, self.fields.body] {
            let inverted = reader.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                if terms.value().doc_freq >= threshold {
                    candidates.insert(String::from_utf8_lossy(terms.key()).into_owned());
                }
            }
        }
        for (word, filter_terms) in labels::all() {
            let documents: usize = filter_terms
                .iter()
                .map(|term| value_docs.docs(term).len())
                .sum();
            if documents >= threshold as usize {
                candidates.insert(word.to_owned());
            }
        }
        let mut candidates: Vec<String> = candidates.into_iter().collect();
        candidates.sort_unstable();
        Ok(candidates
            .into_iter()
            .map(|word| {
                let wanted = Wanted {
                    query: Some(crate::search::term_clause(&self.fields, &word)),
                    lists: labels::filter_terms_for(&word)
                        .iter()
                        .map(|term| value_docs.docs(term))
                        .collect(),
                };
                (word, wanted)
            })
            .collect())
    }

    /// Reads the segment's facet values (see [`ProfileColumns`]) and decides, for each, which
    /// local numbers it adds to the stream, to its group's column and to the NACE extra column.
    /// Gives the plans and the global number of every local number.
    fn term_plans(&self, profiles: &ProfileColumns) -> tantivy::Result<(Vec<TermPlan>, Vec<u32>)> {
        let terms: Vec<String> = (0..profiles.num_terms() as u32)
            .map(|ordinal| String::from_utf8_lossy(profiles.term(ordinal)).into_owned())
            .collect();
        let mut interner = self
            .interner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut globals: Vec<u32> = Vec::new();
        let mut locals: HashMap<u32, Local> = HashMap::new();
        let mut local = |global: u32| -> tantivy::Result<Local> {
            if let Some(&local) = locals.get(&global) {
                return Ok(local);
            }
            let next = Local::try_from(globals.len())
                .ok()
                .filter(|next| *next != NO_VALUE)
                .ok_or_else(|| {
                    TantivyError::InvalidArgument(String::from(
                        "a segment holds more than 65,534 distinct facet values",
                    ))
                })?;
            globals.push(global);
            locals.insert(global, next);
            Ok(next)
        };
        let mut plans = Vec::with_capacity(terms.len());
        for term in &terms {
            let Some((group, value)) = crate::schema::split_tagged(term) else {
                plans.push(TermPlan::default());
                continue;
            };
            let mut plan = TermPlan {
                group: Some(group),
                ..TermPlan::default()
            };
            if group == FacetGroup::Nace {
                for code in crate::schema::nace_ancestry(value) {
                    let number = local(interner.intern(group, &code))?;
                    plan.column.push(number);
                    if code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_digit()) {
                        plan.stream.push(number);
                    } else {
                        plan.extra.push(number);
                    }
                }
            } else {
                let number = local(interner.intern(group, value))?;
                plan.column.push(number);
                plan.stream.push(number);
            }
            plans.push(plan);
        }
        Ok((plans, globals))
    }

    fn retain(&self, live: &HashSet<SegmentState>) {
        let segments: HashSet<SegmentId> = live.iter().map(|(id, _)| *id).collect();
        lock(&self.segments).retain(|id, _| segments.contains(id));
        lock(&self.alive).retain(|key, _| live.contains(key));
    }
}

/// The main-pass records of a segment and what they need.
struct Records {
    combination_offsets: Vec<u32>,
    combination_values: Vec<Local>,
    records: Vec<Record>,
    overflow: Option<Overflow>,
}

/// The values some documents have beyond their record's room: a bitmap of those documents with
/// a running count per word (so a document's rank is two lookups), and their values by rank.
#[derive(Debug)]
pub(crate) struct Overflow {
    docs: Bits,
    /// How many overflowing documents come before each word of `docs`.
    ranks_before: Vec<u32>,
    offsets: Vec<u32>,
    values: Vec<Local>,
}

impl Overflow {
    fn build(overflowing: Vec<(DocId, Vec<Local>)>, max_doc: DocId) -> Overflow {
        let mut docs = Bits::empty(max_doc);
        let mut offsets = vec![0u32];
        let mut values = Vec::new();
        for (doc, extra) in &overflowing {
            docs.insert(*doc);
            values.extend_from_slice(extra);
            offsets.push(values.len() as u32);
        }
        let mut ranks_before = Vec::with_capacity(docs.words().len());
        let mut running = 0u32;
        for word in docs.words() {
            ranks_before.push(running);
            running += word.count_ones();
        }
        Overflow {
            docs,
            ranks_before,
            offsets,
            values,
        }
    }

    /// The extra values of a document (none for most).
    #[inline]
    fn values(&self, doc: DocId) -> &[Local] {
        if !self.docs.contains(doc) {
            return &[];
        }
        let word = doc as usize / 64;
        let below = self.docs.words()[word] & ((1u64 << (doc % 64)) - 1);
        let rank = (self.ranks_before[word] + below.count_ones()) as usize;
        &self.values[self.offsets[rank] as usize..self.offsets[rank + 1] as usize]
    }

    fn memory_bytes(&self) -> usize {
        self.docs.memory_bytes()
            + (self.ranks_before.len() + self.offsets.len()) * 4
            + self.values.len() * 2
    }
}

impl Records {
    /// Lays out one record per document from the group columns (a combined group whose column
    /// holds several values for some document is left out of its combination and counted value
    /// by value) and the NACE divisions.
    fn build(
        columns: &[GroupColumn],
        nace_divisions: &[Vec<Local>],
        value_count: usize,
    ) -> tantivy::Result<Records> {
        let max_doc = nace_divisions.len();
        let single = |group: FacetGroup| matches!(columns[group.index()], GroupColumn::Single(_));
        let combined_a: Vec<FacetGroup> = COMBINED_A
            .into_iter()
            .filter(|group| single(*group))
            .collect();
        let combined_b: Vec<FacetGroup> = COMBINED_B
            .into_iter()
            .filter(|group| single(*group))
            .collect();
        let combined: Vec<FacetGroup> = combined_a.iter().chain(&combined_b).copied().collect();
        let counted_one_by_one: Vec<FacetGroup> = FacetGroup::ALL
            .into_iter()
            .filter(|group| *group != FacetGroup::Nace && !combined.contains(group))
            .collect();

        let mut combinations: HashMap<Vec<Local>, Local> = HashMap::new();
        let mut combination_offsets: Vec<u32> = vec![0];
        let mut combination_values: Vec<Local> = Vec::new();
        let combination_limit = usize::from(NO_VALUE) - RECORD_SLOTS;
        let mut combination_of = |values: Vec<Local>| -> tantivy::Result<Local> {
            if let Some(&local) = combinations.get(&values) {
                return Ok(local);
            }
            let number = value_count + combination_offsets.len() - 1;
            if number >= combination_limit {
                return Err(TantivyError::InvalidArgument(String::from(
                    "a segment holds too many distinct facet values and combinations",
                )));
            }
            let local = number as Local;
            combination_values.extend(values.iter().copied().filter(|value| *value != NO_VALUE));
            combination_offsets.push(combination_values.len() as u32);
            combinations.insert(values, local);
            Ok(local)
        };

        let mut records: Vec<Record> = Vec::with_capacity(max_doc);
        let mut filled: Vec<u8> = Vec::with_capacity(max_doc);
        let mut overflowing: Vec<(DocId, Vec<Local>)> = Vec::new();
        let mut others: Vec<Local> = Vec::new();
        let single_value = |group: FacetGroup, doc: DocId| -> Local {
            columns[group.index()]
                .values(doc)
                .first()
                .copied()
                .unwrap_or(NO_VALUE)
        };
        for doc in 0..max_doc as DocId {
            let mut record: Record = [0; RECORD_SLOTS];
            let mut used = 0;
            for groups in [&combined_a, &combined_b] {
                if !groups.is_empty() {
                    let values = groups
                        .iter()
                        .map(|group| single_value(*group, doc))
                        .collect();
                    record[used] = combination_of(values)?;
                    used += 1;
                }
            }
            others.clear();
            for group in &counted_one_by_one {
                others.extend_from_slice(columns[group.index()].values(doc));
            }
            others.extend_from_slice(&nace_divisions[doc as usize]);
            let room = RECORD_SLOTS - used;
            for (slot, value) in others.iter().take(room).enumerate() {
                record[used + slot] = *value;
            }
            if others.len() > room {
                overflowing.push((doc, others[room..].to_vec()));
            }
            records.push(record);
            filled.push((used + others.len().min(room)) as u8);
        }
        // Every empty slot names its own sink counter, after values and combinations (whose
        // number is known only now).
        let first_sink = value_count + combination_offsets.len() - 1;
        for (record, &used) in records.iter_mut().zip(&filled) {
            for (slot, entry) in record.iter_mut().enumerate().skip(usize::from(used)) {
                *entry = (first_sink + slot) as Local;
            }
        }
        let overflow =
            (!overflowing.is_empty()).then(|| Overflow::build(overflowing, max_doc as DocId));
        Ok(Records {
            combination_offsets,
            combination_values,
            records,
            overflow,
        })
    }
}

/// The filter values at least 1/[`VALUE_BASE_DIVISOR`] of the documents have, with their
/// documents.
fn frequent_values(value_docs: &ValueDocs, max_doc: DocId) -> Vec<(String, Wanted<'_>)> {
    let threshold = (max_doc / VALUE_BASE_DIVISOR) as usize;
    let mut frequent: Vec<(String, Wanted<'_>)> = value_docs
        .iter()
        .filter(|(_, docs)| docs.len() >= threshold)
        .map(|(term, docs)| {
            let wanted = Wanted {
                query: None,
                lists: vec![docs],
            };
            (term.to_owned(), wanted)
        })
        .collect();
    frequent.sort_by(|left, right| left.0.cmp(&right.0));
    frequent
}

/// What a base is made of: the documents a query matches, and lists of documents.
struct Wanted<'a> {
    query: Option<Box<dyn Query>>,
    lists: Vec<&'a [DocId]>,
}

/// Computes bases on every core: the documents each wanted base is made of and their counts.
fn compute_bases(
    facets: &SegmentFacets,
    reader: &SegmentReader,
    wanted: Vec<(String, Wanted<'_>)>,
) -> tantivy::Result<Vec<(String, Arc<Base>)>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(wanted.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Arc<Base>>>> = Mutex::new(vec![None; wanted.len()]);
    let failure: Mutex<Option<TantivyError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some((_, wanted)) = wanted.get(position) else {
                        break;
                    };
                    match matching_bits(wanted, reader) {
                        Ok(bits) => {
                            let base = Arc::new(facets.base(bits));
                            lock(&results)[position] = Some(base);
                        }
                        Err(error) => {
                            lock(&failure).get_or_insert(error);
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = lock(&failure).take() {
        return Err(error);
    }
    let results = std::mem::take(&mut *lock(&results));
    Ok(wanted
        .into_iter()
        .zip(results)
        .filter_map(|((name, _), base)| base.map(|base| (name, base)))
        .collect())
}

/// Every document of a segment a base is made of, deleted ones included.
fn matching_bits(wanted: &Wanted<'_>, reader: &SegmentReader) -> tantivy::Result<Bits> {
    let mut bits = Bits::empty(reader.max_doc());
    if let Some(query) = &wanted.query {
        let weight = query.weight(EnableScoring::disabled_from_schema(reader.schema()))?;
        weight.for_each_no_score(reader, &mut |docs: &[DocId]| {
            for &doc in docs {
                bits.insert(doc);
            }
        })?;
    }
    for list in &wanted.lists {
        for &doc in *list {
            bits.insert(doc);
        }
    }
    Ok(bits)
}

/// The documents grouped by map cell (located ones first, cell by cell; then the others), and
/// the cells with documents.
fn map_cells(locations: &[(f64, f64)]) -> (Vec<DocId>, Vec<MapCell>) {
    let bands = 1u32 << MAP_CELL_LEVEL;
    let cell_of: Vec<u32> = locations
        .iter()
        .map(|&(lat, lon)| {
            if lat.is_nan() {
                bands * bands
            } else {
                let (x, y) = geo::cell(lat, lon, MAP_CELL_LEVEL);
                x * bands + y
            }
        })
        .collect();
    let mut by_cell: Vec<DocId> = (0..locations.len() as DocId).collect();
    by_cell.sort_by_key(|&doc| cell_of[doc as usize]);
    let mut cells = Vec::new();
    let mut start = 0usize;
    while start < by_cell.len() {
        let cell = cell_of[by_cell[start] as usize];
        let mut end = start;
        while end < by_cell.len() && cell_of[by_cell[end] as usize] == cell {
            end += 1;
        }
        if cell < bands * bands {
            let (centre, radius) =
                geo::cell_centre_and_radius(cell / bands, cell % bands, MAP_CELL_LEVEL);
            cells.push(MapCell {
                x: cell / bands,
                y: cell % bands,
                start: start as u32,
                end: end as u32,
                centre,
                radius,
            });
        }
        start = end;
    }
    (by_cell, cells)
}

/// The cache as a tantivy warmer: tables are built when a generation opens and dropped when no
/// live generation uses their segment any more.
#[derive(Debug)]
pub(crate) struct FacetWarmer(pub(crate) Arc<FacetCache>);

impl Warmer for FacetWarmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        self.0.prepare(searcher).map(|_| ())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        let live: HashSet<SegmentState> = live_generations
            .iter()
            .flat_map(|generation| {
                generation
                    .segments()
                    .iter()
                    .map(|(id, opstamp)| (*id, *opstamp))
            })
            .collect();
        self.0.retain(&live);
    }
}
