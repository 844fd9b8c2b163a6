//! The profile columns of a segment, written by our own tantivy segment plugin: every
//! document's organisation id and revision, its coordinates, its facet values (`tag:value`),
//! its place in name order, and the name and city a hit shows.
//!
//! Tantivy indexes only the texts (see `schema`). Its fast fields keep a dictionary per string
//! column and record every value of every column through a hash table, then sort and remap at
//! the end of each segment, and an indexed id is a million distinct terms in the term table,
//! the term dictionary and the postings; for a profile's twenty-odd facet values, a name, an
//! id, a revision and two coordinates that was a third of the index build. Here the indexing
//! thread reads the profile's payload (tantivy hands the plugin the [`IndexDocument`] it was
//! given, see [`payload`]), interns its values in a small per-segment table and keeps the rest in plain
//! vectors, written at the end of the segment as arrays that searches read in place. A hit's
//! name and city need no document store read. Values are two bytes and name keys are not kept
//! (they are worked out again from the names when a segment is written): a writer's memory
//! counts against the indexing budget.
//!
//! | part | what |
//! |---|---|
//! | header | magic, documents, terms, term bytes, values, shown bytes (u32 each) |
//! | term offsets, term bytes | the segment's facet values, in byte order (a value's number is its place) |
//! | ids, revisions | each document's organisation id and revision (i64) |
//! | latitudes, longitudes | each document's coordinates (f64, NaN when it has none) |
//! | by id | the documents in order of id (then document), for finding a profile by id |
//! | value offsets, values | each document's facet value numbers (u16) |
//! | name ranks | each document's place among the distinct name sort keys, in order |
//! | shown offsets, shown bytes | each document's name (length-prefixed) and city (a presence byte, then the city) |
//!
//! Numbers are little-endian u32 unless said; runs are padded to eight bytes. Merges read the
//! sources' columns back and write them again for the merged documents (deleted ones left
//! out). Deleting a profile is a query over these columns ([`IdQuery`]).

use std::any::Any;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tantivy::directory::{OwnedBytes, TerminatingWrite};
use tantivy::index::{SegmentComponent, SegmentId};
use tantivy::indexer::doc_id_mapping::{DocIdMapping, MappingType};
use tantivy::plugin::{PluginMergeContext, PluginWriter, PluginWriterContext, SegmentPlugin};
use tantivy::query::{ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Schema;
use tantivy::schema::document::ErasedDocument;
use tantivy::{DocId, DocSet, Score, Segment, SegmentReader, TERMINATED, TantivyError};

use crate::document::OrganisationDocument;
use crate::geo;
use crate::schema::{IndexDocument, TAG_SEPARATOR, visit_facet_values};

/// The file extension of the columns in a segment.
const EXTENSION: &str = "profiles";

/// The first bytes of every columns file (and its layout version).
const MAGIC: &[u8; 4] = b"CHP4";

/// The plugin, registered on every index the crate opens or creates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProfilesPlugin;

/// A profile's payload, as the feeding thread writes it for the indexing thread: id,
/// revision, latitude and longitude (eight bytes each; NaN for no valid location), the shown
/// name (length-prefixed), the city (a presence byte, then length-prefixed), then the facet
/// values, one `tag:value` per line (no identifier holds a line break).
pub(crate) fn payload(profile: &OrganisationDocument) -> Vec<u8> {
    let city = profile.city.as_deref();
    let mut out = Vec::with_capacity(
        48 + profile.name.len() + city.map_or(0, str::len) + 16 * (profile.nace.len() + 16),
    );
    let (lat, lon) = profile
        .location
        .filter(|&(lat, lon)| geo::is_valid(lat, lon))
        .unwrap_or((f64::NAN, f64::NAN));
    out.extend_from_slice(&profile.id.to_le_bytes());
    out.extend_from_slice(&profile.revision.to_le_bytes());
    out.extend_from_slice(&lat.to_le_bytes());
    out.extend_from_slice(&lon.to_le_bytes());
    let text = |out: &mut Vec<u8>, text: &str| {
        out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    };
    text(&mut out, &profile.name);
    match city {
        Some(city) => {
            out.push(1);
            text(&mut out, city);
        }
        None => out.push(0),
    }
    let mut tag = [0u8; 4];
    visit_facet_values(profile, |group, value| {
        out.extend_from_slice(group.tag().encode_utf8(&mut tag).as_bytes());
        out.extend_from_slice(TAG_SEPARATOR.encode_utf8(&mut tag).as_bytes());
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    });
    out
}

/// The row and the facet value lines of a payload; `None` for a damaged one.
fn split_payload(payload: &[u8]) -> Option<(Row<'_>, &[u8])> {
    let eight = |at: usize| -> Option<[u8; 8]> { payload.get(at..at + 8)?.try_into().ok() };
    let text = |at: usize| -> Option<(&[u8], usize)> {
        let length = u32::from_le_bytes(payload.get(at..at + 4)?.try_into().ok()?) as usize;
        Some((payload.get(at + 4..at + 4 + length)?, at + 4 + length))
    };
    let (name, after_name) = text(32)?;
    let (city, rest) = match payload.get(after_name)? {
        0 => (None, after_name + 1),
        1 => {
            let (city, end) = text(after_name + 1)?;
            (Some(city), end)
        }
        _ => return None,
    };
    let (lat, lon) = (
        f64::from_le_bytes(eight(16)?),
        f64::from_le_bytes(eight(24)?),
    );
    let row = Row {
        id: i64::from_le_bytes(eight(0)?),
        revision: i64::from_le_bytes(eight(8)?),
        location: (!lat.is_nan() && !lon.is_nan()).then_some((lat, lon)),
        name,
        city,
    };
    Some((row, &payload[rest..]))
}

impl SegmentPlugin for ProfilesPlugin {
    fn extensions(&self) -> &[&str] {
        &[EXTENSION]
    }

    fn create_writer(&self, _ctx: &PluginWriterContext) -> tantivy::Result<Box<dyn PluginWriter>> {
        Ok(Box::new(ProfilesWriter {
            columns: ColumnsBuilder::default(),
        }))
    }

    fn merge(&self, ctx: PluginMergeContext) -> tantivy::Result<()> {
        if ctx.doc_id_mapping.mapping_type() == MappingType::Shuffled {
            return Err(TantivyError::InvalidArgument(String::from(
                "the profile columns cannot follow a sorted merge",
            )));
        }
        let sources = ctx
            .readers
            .iter()
            .map(ProfileColumns::open)
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut columns = ColumnsBuilder::default();
        for (reader, source) in ctx.readers.iter().zip(&sources) {
            for doc in reader.doc_ids_alive() {
                for ordinal in source.ords(doc) {
                    columns.push_term(source.term(ordinal))?;
                }
                let (name, city) = source.shown(doc);
                columns.finish_document(&Row {
                    id: source.id(doc),
                    revision: source.revision(doc),
                    location: source.location(doc),
                    name,
                    city,
                });
            }
        }
        write_file(ctx.target_segment, &columns)
    }
}

fn write_file(segment: &Segment, columns: &ColumnsBuilder) -> tantivy::Result<()> {
    let mut write = segment.open_write(SegmentComponent::Custom(EXTENSION.to_owned()))?;
    columns.write(&mut write)?;
    write.terminate()?;
    Ok(())
}

/// Collects a segment's columns while its documents are written.
struct ProfilesWriter {
    columns: ColumnsBuilder,
}

impl PluginWriter for ProfilesWriter {
    fn add_document(
        &mut self,
        doc_id: DocId,
        doc: &dyn ErasedDocument,
        _schema: &Schema,
    ) -> tantivy::Result<()> {
        if doc_id as usize != self.columns.documents() {
            return Err(TantivyError::InvalidArgument(format!(
                "profile columns: document {doc_id} arrived out of order"
            )));
        }
        let Some(document) = doc.as_any().downcast_ref::<IndexDocument>() else {
            return Err(TantivyError::InvalidArgument(String::from(
                "profile columns: only profiles can be indexed here",
            )));
        };
        let Some((row, lines)) = split_payload(&document.payload) else {
            return Err(TantivyError::InvalidArgument(format!(
                "profile columns: the payload of document {doc_id} is damaged"
            )));
        };
        for term in lines.split(|&byte| byte == b'\n') {
            if !term.is_empty() {
                self.columns.push_term(term)?;
            }
        }
        self.columns.finish_document(&row);
        Ok(())
    }

    fn serialize(
        self: Box<Self>,
        segment: &Segment,
        doc_id_map: Option<&DocIdMapping>,
    ) -> tantivy::Result<()> {
        if doc_id_map.is_some() {
            return Err(TantivyError::InvalidArgument(String::from(
                "the profile columns cannot follow a sorted index",
            )));
        }
        write_file(segment, &self.columns)
    }

    fn mem_usage(&self) -> usize {
        self.columns.memory_bytes()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// What a document has besides its facet values.
#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    id: i64,
    revision: i64,
    location: Option<(f64, f64)>,
    name: &'a [u8],
    city: Option<&'a [u8]>,
}

/// Columns being collected: values are numbered in the order they first occur, and renumbered
/// in byte order when written. A document's values are pushed one by one
/// ([`ColumnsBuilder::push_term`]), then the document is finished with the rest of its row.
/// Everything per document grows in fixed-size chunks ([`Chunked`]): a vector doubling its
/// way to tens of megabytes copies all of it each time, into fresh pages the kernel zeroes.
#[derive(Default)]
struct ColumnsBuilder {
    numbers: FxHashMap<Box<[u8]>, u16>,
    terms: Vec<Box<[u8]>>,
    term_bytes: usize,
    /// Where each document's values end.
    value_ends: Chunked<u32>,
    values: Chunked<u16>,
    ids: Chunked<i64>,
    revisions: Chunked<i64>,
    locations: Chunked<(f64, f64)>,
    /// Where each document's shown record ends.
    shown_ends: Chunked<u32>,
    shown: Chunked<u8>,
}

impl ColumnsBuilder {
    fn documents(&self) -> usize {
        self.ids.len()
    }

    /// Adds a facet value (`tag:value`) to the document being collected.
    fn push_term(&mut self, term: &[u8]) -> tantivy::Result<()> {
        let number = match self.numbers.get(term) {
            Some(&number) => number,
            None => {
                let number = u16::try_from(self.terms.len()).map_err(|_| {
                    TantivyError::InvalidArgument(String::from(
                        "a segment holds more than 65,536 distinct facet values",
                    ))
                })?;
                self.terms.push(term.into());
                self.term_bytes += term.len();
                self.numbers.insert(term.into(), number);
                number
            }
        };
        self.values.push(number);
        Ok(())
    }

    /// Ends the document being collected: the values pushed since the last one are its own.
    fn finish_document(&mut self, row: &Row<'_>) {
        self.value_ends.push(self.values.len() as u32);
        self.ids.push(row.id);
        self.revisions.push(row.revision);
        self.locations
            .push(row.location.unwrap_or((f64::NAN, f64::NAN)));
        self.shown
            .extend_from_slice(&(row.name.len() as u32).to_le_bytes());
        self.shown.extend_from_slice(row.name);
        if let Some(city) = row.city {
            self.shown.push(1);
            self.shown.extend_from_slice(city);
        } else {
            self.shown.push(0);
        }
        self.shown_ends.push(self.shown.len() as u32);
    }

    /// What the columns hold in memory.
    fn memory_bytes(&self) -> usize {
        self.term_bytes * 2
            + self.terms.len() * 48
            + self.value_ends.memory_bytes()
            + self.values.memory_bytes()
            + self.ids.memory_bytes()
            + self.revisions.memory_bytes()
            + self.locations.memory_bytes()
            + self.shown_ends.memory_bytes()
            + self.shown.memory_bytes()
    }

    /// Each document's place among the distinct name sort keys. The keys are worked out from
    /// the shown names into one buffer, in document order.
    fn name_ranks(&self) -> Vec<u32> {
        let documents = self.documents();
        let mut keys = String::new();
        let mut key_ends: Vec<u32> = Vec::with_capacity(documents);
        let mut record: Vec<u8> = Vec::new();
        let mut start = 0usize;
        for end in self.shown_ends.iter() {
            let end = end as usize;
            record.clear();
            self.shown.copy_range(start..end, &mut record);
            start = end;
            let (name, _) = split_shown(&record);
            crate::text::push_sort_key(&String::from_utf8_lossy(name), &mut keys);
            key_ends.push(keys.len() as u32);
        }
        let key = |doc: u32| {
            let doc = doc as usize;
            let start = if doc == 0 {
                0
            } else {
                key_ends[doc - 1] as usize
            };
            &keys.as_bytes()[start..key_ends[doc] as usize]
        };
        let mut by_name: Vec<u32> = (0..documents as u32).collect();
        by_name.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
        let mut ranks = vec![0u32; documents];
        let mut rank = 0u32;
        for (place, &doc) in by_name.iter().enumerate() {
            if place > 0 && key(doc) != key(by_name[place - 1]) {
                rank += 1;
            }
            ranks[doc as usize] = rank;
        }
        ranks
    }

    /// Writes the columns file.
    fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut out = Counting { out, written: 0 };
        let documents = self.documents();
        // Byte order of the values, and each first-come number's place in it.
        let mut order: Vec<u16> = (0..self.terms.len()).map(|number| number as u16).collect();
        order.sort_unstable_by(|&a, &b| self.terms[a as usize].cmp(&self.terms[b as usize]));
        let mut ordinals = vec![0u16; self.terms.len()];
        for (ordinal, &number) in order.iter().enumerate() {
            ordinals[number as usize] = ordinal as u16;
        }
        let ranks = self.name_ranks();
        let ids: Vec<i64> = self.ids.iter().collect();
        let mut by_id: Vec<u32> = (0..documents as u32).collect();
        by_id.sort_unstable_by_key(|&doc| (ids[doc as usize], doc));

        out.write_all(MAGIC)?;
        for number in [
            documents,
            self.terms.len(),
            self.term_bytes,
            self.values.len(),
            self.shown.len(),
        ] {
            out.put(number as u32)?;
        }
        out.pad()?;
        let mut offset = 0u32;
        out.put(0)?;
        for &number in &order {
            offset += self.terms[number as usize].len() as u32;
            out.put(offset)?;
        }
        for &number in &order {
            out.write_all(&self.terms[number as usize])?;
        }
        out.pad()?;
        out.numbers(ids.iter().map(|id| id.to_le_bytes()))?;
        drop(ids);
        out.numbers(self.revisions.iter().map(i64::to_le_bytes))?;
        out.numbers(self.locations.iter().map(|(lat, _)| lat.to_le_bytes()))?;
        out.numbers(self.locations.iter().map(|(_, lon)| lon.to_le_bytes()))?;
        out.numbers(by_id.iter().map(|doc| doc.to_le_bytes()))?;
        out.pad()?;
        out.put(0)?;
        out.numbers(self.value_ends.iter().map(u32::to_le_bytes))?;
        out.pad()?;
        out.numbers(
            self.values
                .iter()
                .map(|number| ordinals[number as usize].to_le_bytes()),
        )?;
        out.pad()?;
        out.numbers(ranks.iter().map(|rank| rank.to_le_bytes()))?;
        out.pad()?;
        out.put(0)?;
        out.numbers(self.shown_ends.iter().map(u32::to_le_bytes))?;
        out.pad()?;
        for chunk in self.shown.chunks() {
            out.write_all(chunk)?;
        }
        out.pad()?;
        out.flush()
    }
}

/// A writer that counts what went through it, to pad runs to eight bytes.
struct Counting<'a> {
    out: &'a mut dyn Write,
    written: usize,
}

impl Counting<'_> {
    fn put(&mut self, number: u32) -> std::io::Result<()> {
        self.write_all(&number.to_le_bytes())
    }

    /// Writes numbers' bytes, a buffer at a time.
    fn numbers<const N: usize>(
        &mut self,
        numbers: impl Iterator<Item = [u8; N]>,
    ) -> std::io::Result<()> {
        let mut buffer = Vec::with_capacity(1 << 16);
        for number in numbers {
            buffer.extend_from_slice(&number);
            if buffer.len() + N > buffer.capacity() {
                self.write_all(&buffer)?;
                buffer.clear();
            }
        }
        self.write_all(&buffer)
    }

    fn pad(&mut self) -> std::io::Result<()> {
        let padding = self.written.next_multiple_of(8) - self.written;
        self.write_all(&[0u8; 8][..padding])
    }
}

impl Write for Counting<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.written += written;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A growing sequence kept in chunks of 64 KiB that never move once filled.
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Copy> Chunked<T> {
    const CHUNK: usize = (1 << 16) / std::mem::size_of::<T>();

    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < Self::CHUNK => chunk.push(value),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    fn extend_from_slice(&mut self, mut values: &[T]) {
        while !values.is_empty() {
            let room = match self.chunks.last() {
                Some(chunk) if chunk.len() < Self::CHUNK => Self::CHUNK - chunk.len(),
                _ => {
                    self.chunks.push(Vec::with_capacity(Self::CHUNK));
                    Self::CHUNK
                }
            };
            let (now, later) = values.split_at(room.min(values.len()));
            if let Some(chunk) = self.chunks.last_mut() {
                chunk.extend_from_slice(now);
            }
            self.len += now.len();
            values = later;
        }
    }

    fn chunks(&self) -> impl Iterator<Item = &[T]> {
        self.chunks.iter().map(Vec::as_slice)
    }

    fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.chunks.iter().flatten().copied()
    }

    /// Appends the values in `range` to `out`.
    fn copy_range(&self, range: std::ops::Range<usize>, out: &mut Vec<T>) {
        let mut at = range.start;
        while at < range.end {
            let chunk = &self.chunks[at / Self::CHUNK];
            let start = at % Self::CHUNK;
            let end = (start + range.end - at).min(chunk.len());
            out.extend_from_slice(&chunk[start..end]);
            at += end - start;
        }
    }

    fn memory_bytes(&self) -> usize {
        self.chunks.len() * Self::CHUNK * std::mem::size_of::<T>()
    }
}

/// A segment's profile columns, read in place from the segment's file (cheap to clone: the
/// bytes are shared).
#[derive(Clone)]
pub(crate) struct ProfileColumns {
    bytes: OwnedBytes,
    documents: usize,
    terms: usize,
    term_offsets: usize,
    term_bytes: usize,
    ids: usize,
    revisions: usize,
    lats: usize,
    lons: usize,
    by_id: usize,
    value_offsets: usize,
    values: usize,
    ranks: usize,
    shown_offsets: usize,
    shown: usize,
}

impl std::fmt::Debug for ProfileColumns {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ProfileColumns")
            .field("documents", &self.documents)
            .field("terms", &self.terms)
            .finish_non_exhaustive()
    }
}

impl ProfileColumns {
    /// Reads the columns of a segment; fails if the file is missing or malformed.
    pub(crate) fn open(reader: &SegmentReader) -> tantivy::Result<ProfileColumns> {
        let bytes = reader
            .open_read(SegmentComponent::Custom(EXTENSION.to_owned()))?
            .read_bytes()?;
        ProfileColumns::parse(bytes)
    }

    fn parse(bytes: OwnedBytes) -> tantivy::Result<ProfileColumns> {
        let malformed = || TantivyError::InvalidArgument(String::from("malformed profile columns"));
        if bytes.len() < 24 || &bytes.as_slice()[..4] != MAGIC {
            return Err(malformed());
        }
        let header = |at: usize| read_u32(bytes.as_slice(), 4 + at * 4) as usize;
        let (documents, terms, term_bytes, values, shown) =
            (header(0), header(1), header(2), header(3), header(4));
        let padded = |length: usize| length.div_ceil(8) * 8;
        let term_offsets = 24;
        let term_bytes_at = term_offsets + 4 * (terms + 1);
        let ids = padded(term_bytes_at + term_bytes);
        let revisions = ids + 8 * documents;
        let lats = revisions + 8 * documents;
        let lons = lats + 8 * documents;
        let by_id = lons + 8 * documents;
        let value_offsets = padded(by_id + 4 * documents);
        let values_at = padded(value_offsets + 4 * (documents + 1));
        let ranks = padded(values_at + 2 * values);
        let shown_offsets = padded(ranks + 4 * documents);
        let shown_at = padded(shown_offsets + 4 * (documents + 1));
        if bytes.len() != padded(shown_at + shown) {
            return Err(malformed());
        }
        Ok(ProfileColumns {
            bytes,
            documents,
            terms,
            term_offsets,
            term_bytes: term_bytes_at,
            ids,
            revisions,
            lats,
            lons,
            by_id,
            value_offsets,
            values: values_at,
            ranks,
            shown_offsets,
            shown: shown_at,
        })
    }

    fn eight_bytes(&self, array: usize, doc: DocId) -> [u8; 8] {
        let at = array + 8 * doc as usize;
        let mut number = [0u8; 8];
        if (doc as usize) < self.documents {
            number.copy_from_slice(&self.bytes.as_slice()[at..at + 8]);
        }
        number
    }

    /// A document's organisation id (0 for a document the segment does not have).
    pub(crate) fn id(&self, doc: DocId) -> i64 {
        i64::from_le_bytes(self.eight_bytes(self.ids, doc))
    }

    /// The revision of the profile a document holds (0 for a document the segment does not have).
    pub(crate) fn revision(&self, doc: DocId) -> i64 {
        i64::from_le_bytes(self.eight_bytes(self.revisions, doc))
    }

    /// A document's coordinates, latitude and longitude, if it has them.
    pub(crate) fn location(&self, doc: DocId) -> Option<(f64, f64)> {
        let lat = f64::from_le_bytes(self.eight_bytes(self.lats, doc));
        let lon = f64::from_le_bytes(self.eight_bytes(self.lons, doc));
        ((doc as usize) < self.documents && !lat.is_nan() && !lon.is_nan()).then_some((lat, lon))
    }

    /// The documents holding organisation `id` (deleted ones included), in ascending order.
    pub(crate) fn docs_with_id(&self, id: i64) -> impl Iterator<Item = DocId> + '_ {
        let doc_at = |place: usize| self.number(self.by_id, place);
        let (mut low, mut high) = (0, self.documents);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.id(doc_at(middle)) < id {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        (low..self.documents)
            .map(doc_at)
            .take_while(move |&doc| self.id(doc) == id)
    }

    fn number(&self, array: usize, index: usize) -> u32 {
        read_u32(self.bytes.as_slice(), array + 4 * index)
    }

    /// How many distinct facet values the segment holds.
    pub(crate) fn num_terms(&self) -> usize {
        self.terms
    }

    /// The facet value with this number (`tag:value`); numbers follow byte order.
    pub(crate) fn term(&self, ordinal: u32) -> &[u8] {
        let ordinal = ordinal as usize;
        let start = self.number(self.term_offsets, ordinal) as usize;
        let end = self.number(self.term_offsets, ordinal + 1) as usize;
        &self.bytes.as_slice()[self.term_bytes + start..self.term_bytes + end]
    }

    /// The numbers of a document's facet values.
    pub(crate) fn ords(&self, doc: DocId) -> impl Iterator<Item = u32> + '_ {
        let doc = doc as usize;
        let (start, end) = if doc < self.documents {
            (
                self.number(self.value_offsets, doc) as usize,
                self.number(self.value_offsets, doc + 1) as usize,
            )
        } else {
            (0, 0)
        };
        let bytes = self.bytes.as_slice();
        (start..end).map(move |index| {
            let at = self.values + 2 * index;
            u32::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
        })
    }

    /// The name and city a hit shows (empty and none for a document the segment does not have).
    pub(crate) fn shown(&self, doc: DocId) -> (&[u8], Option<&[u8]>) {
        let doc = doc as usize;
        if doc >= self.documents {
            return (&[], None);
        }
        let start = self.number(self.shown_offsets, doc) as usize;
        let end = self.number(self.shown_offsets, doc + 1) as usize;
        split_shown(&self.bytes.as_slice()[self.shown + start..self.shown + end])
    }

    /// A document's place among the segment's distinct name sort keys in order (equal keys
    /// share one).
    pub(crate) fn name_rank(&self, doc: DocId) -> u32 {
        if (doc as usize) < self.documents {
            self.number(self.ranks, doc as usize)
        } else {
            u32::MAX
        }
    }
}

/// Segments' columns opened for deletions, shared by the deletions of one writer: tantivy
/// applies every deletion to every segment, and opening a segment's columns for each (a memory
/// map of its file, for a segment that no search holds yet) made a batch of upserts nearly four
/// times slower than deleting by an indexed id term. The writer empties it after each commit,
/// so that the files of merged-away segments are not kept open.
#[derive(Debug, Default)]
pub(crate) struct OpenColumns(Mutex<HashMap<SegmentId, ProfileColumns>>);

impl OpenColumns {
    fn get(&self, reader: &SegmentReader) -> tantivy::Result<ProfileColumns> {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(columns) = open.get(&reader.segment_id()) {
            return Ok(columns.clone());
        }
        let columns = ProfileColumns::open(reader)?;
        open.insert(reader.segment_id(), columns.clone());
        Ok(columns)
    }

    /// Forgets every opened segment.
    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// The documents of one organisation, found through the profile columns' id order: how the
/// writer deletes a profile (tantivy applies it to every segment, each document written before
/// the deletion), and how a candidate search leaves the seeker out.
#[derive(Debug, Clone)]
pub(crate) struct IdQuery {
    pub id: i64,
    pub columns: Arc<OpenColumns>,
}

impl IdQuery {
    fn docs(&self, reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
        Ok(self.columns.get(reader)?.docs_with_id(self.id).collect())
    }
}

impl Query for IdQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for IdQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ConstScorer::new(
            DocList {
                docs: self.docs(reader)?,
                at: 0,
            },
            boost,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.docs(reader)?.contains(&doc) {
            Ok(Explanation::new("organisation id", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not organisation {}",
                self.id
            )))
        }
    }
}

/// A few documents in ascending order, as a tantivy doc set.
struct DocList {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for DocList {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

/// The name and city of a shown record (a length-prefixed name, a presence byte, the city).
fn split_shown(record: &[u8]) -> (&[u8], Option<&[u8]>) {
    let length = read_u32(record, 0) as usize;
    let name = record.get(4..4 + length).unwrap_or_default();
    match record.get(4 + length) {
        Some(1) => (name, Some(&record[5 + length..])),
        _ => (name, None),
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut number = [0u8; 4];
    if let Some(slice) = bytes.get(at..at + 4) {
        number.copy_from_slice(slice);
    }
    u32::from_le_bytes(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(columns: &ColumnsBuilder) -> Vec<u8> {
        let mut bytes = Vec::new();
        columns.write(&mut bytes).expect("written to memory");
        bytes
    }

    fn parsed(columns: &ColumnsBuilder) -> ProfileColumns {
        ProfileColumns::parse(OwnedBytes::new(encoded(columns))).expect("well-formed columns")
    }

    fn values(columns: &ProfileColumns, doc: DocId) -> Vec<String> {
        columns
            .ords(doc)
            .map(|ordinal| String::from_utf8_lossy(columns.term(ordinal)).into_owned())
            .collect()
    }

    fn push(builder: &mut ColumnsBuilder, row: Row<'_>, terms: &[&str]) -> tantivy::Result<()> {
        for term in terms {
            builder.push_term(term.as_bytes())?;
        }
        builder.finish_document(&row);
        Ok(())
    }

    fn row<'a>(id: i64, name: &'a str, city: Option<&'a str>) -> Row<'a> {
        Row {
            id,
            revision: id * 10,
            location: None,
            name: name.as_bytes(),
            city: city.map(str::as_bytes),
        }
    }

    #[test]
    fn columns_read_back_what_was_written_with_values_in_byte_order() -> tantivy::Result<()> {
        let mut builder = ColumnsBuilder::default();
        push(
            &mut builder,
            Row {
                location: Some((52.52, 13.405)),
                ..row(7, "Zeta GmbH", Some("Berlin"))
            },
            &["c:DE", "k:sme"],
        )?;
        push(&mut builder, row(-3, "", None), &[])?;
        push(
            &mut builder,
            row(7, "Älpha", Some("")),
            &["k:sme", "c:AT", "n:AT1"],
        )?;
        push(&mut builder, row(2, "ZETA gmbh", None), &["c:DE"])?;
        let columns = parsed(&builder);
        assert_eq!(columns.num_terms(), 4);
        let terms: Vec<&[u8]> = (0..4).map(|ordinal| columns.term(ordinal)).collect();
        assert_eq!(terms, [&b"c:AT"[..], b"c:DE", b"k:sme", b"n:AT1"]);
        assert_eq!(values(&columns, 0), ["c:DE", "k:sme"]);
        assert!(values(&columns, 1).is_empty());
        assert_eq!(values(&columns, 2), ["k:sme", "c:AT", "n:AT1"]);
        assert_eq!(values(&columns, 3), ["c:DE"]);
        assert!(values(&columns, 4).is_empty());
        // Sort keys: "" < "alpha" < "zeta gmbh" (twice, one rank).
        let ranks: Vec<u32> = (0..4).map(|doc| columns.name_rank(doc)).collect();
        assert_eq!(ranks, [2, 0, 1, 2]);
        assert_eq!(columns.name_rank(4), u32::MAX);
        assert_eq!(columns.shown(0), (&b"Zeta GmbH"[..], Some(&b"Berlin"[..])));
        assert_eq!(columns.shown(1), (&b""[..], None));
        assert_eq!(columns.shown(2), ("Älpha".as_bytes(), Some(&b""[..])));
        assert_eq!(columns.shown(3), (&b"ZETA gmbh"[..], None));
        assert_eq!(columns.shown(4), (&b""[..], None));
        let ids: Vec<i64> = (0..5).map(|doc| columns.id(doc)).collect();
        assert_eq!(ids, [7, -3, 7, 2, 0]);
        let revisions: Vec<i64> = (0..5).map(|doc| columns.revision(doc)).collect();
        assert_eq!(revisions, [70, -30, 70, 20, 0]);
        assert_eq!(columns.location(0), Some((52.52, 13.405)));
        assert_eq!(columns.location(1), None);
        assert_eq!(columns.location(4), None);
        // Every document of an id, in order; none for an id the segment does not hold.
        let found = |id: i64| columns.docs_with_id(id).collect::<Vec<_>>();
        assert_eq!(found(7), [0, 2]);
        assert_eq!(found(-3), [1]);
        assert_eq!(found(2), [3]);
        for absent in [i64::MIN, -4, 0, 3, 8, i64::MAX] {
            assert!(found(absent).is_empty(), "{absent}");
        }
        Ok(())
    }

    #[test]
    fn empty_columns_and_damaged_files() {
        let columns = parsed(&ColumnsBuilder::default());
        assert_eq!(columns.num_terms(), 0);
        assert!(values(&columns, 0).is_empty());
        assert_eq!(columns.docs_with_id(0).count(), 0);
        let mut bytes = encoded(&ColumnsBuilder::default());
        bytes.push(0);
        assert!(ProfileColumns::parse(OwnedBytes::new(bytes)).is_err());
        assert!(ProfileColumns::parse(OwnedBytes::new(b"CHP0".repeat(8))).is_err());
        let mut builder = ColumnsBuilder::default();
        push(&mut builder, row(1, "A", Some("B")), &["c:DE"]).expect("one value");
        let whole = encoded(&builder);
        for cut in 0..whole.len() {
            assert!(ProfileColumns::parse(OwnedBytes::new(whole[..cut].to_vec())).is_err());
        }
    }

    #[test]
    fn a_payload_splits_back_into_its_parts() {
        let mut profile = OrganisationDocument::new(42, 7, "Pôle\nSud", "cluster", "FR");
        profile.city = Some(String::from("Nîmes"));
        profile.location = Some((43.84, 4.36));
        profile.sectors = vec![String::from("10")];
        let bytes = payload(&profile);
        let (row, lines) = split_payload(&bytes).expect("a whole payload");
        assert_eq!((row.id, row.revision), (42, 7));
        assert_eq!(row.location, Some((43.84, 4.36)));
        assert_eq!(row.name, "Pôle\nSud".as_bytes());
        assert_eq!(row.city, Some("Nîmes".as_bytes()));
        assert_eq!(lines, b"k:cluster\nc:FR\nx:false\ns:10\n");
        // No city, and a location off the globe is no location.
        profile.city = None;
        profile.location = Some((91.0, 0.0));
        let bytes = payload(&profile);
        let (row, _) = split_payload(&bytes).expect("a whole payload");
        assert_eq!((row.city, row.location), (None, None));
        // Damaged payloads are refused, never a panic.
        for cut in 0..bytes.len() {
            let _ = split_payload(&bytes[..cut]);
        }
        assert!(split_payload(&bytes[..40]).is_none());
    }

    #[test]
    fn more_distinct_values_than_two_bytes_number_are_refused() {
        let mut builder = ColumnsBuilder::default();
        let refused = (0..=65_536)
            .map(|number| builder.push_term(format!("x:{number}").as_bytes()))
            .find(Result::is_err);
        assert!(refused.is_some());
    }
}
