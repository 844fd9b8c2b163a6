//! The profile columns of a segment, written by our own tantivy segment plugin: every
//! document's facet values (`tag:value`), its place in name order, and the name and city a hit
//! shows.
//!
//! Tantivy's string fast fields keep one dictionary per column and record every value through
//! it, then sort and remap at the end of each segment; for twenty-odd facet values and a name
//! per profile that was an eighth of the index build. Here a document's values arrive as one
//! payload (the `profile` field, written by [`payload`]: the shown name and city, then one value
//! per line; no identifier holds a line break), are interned in a small per-segment table and
//! written, at the end, as plain arrays that searches read in place (at 300,000 profiles the
//! build went from 5.45 to 5.05 CPU-seconds, searches unchanged). The shown name and city were
//! tantivy stored fields; here a hit reads them without a document store lookup (search p50 at
//! 300,000: 0.21 → 0.16 ms). Values are two bytes and name keys are not kept (they are worked
//! out again from the names when a segment is written): a writer's memory counts against the
//! indexing budget, and four bytes per value split a million profiles into four segments
//! instead of two (and a merge).
//!
//! | part | what |
//! |---|---|
//! | header | magic, documents, terms, term bytes, values, shown bytes (u32 each) |
//! | term offsets, term bytes | the segment's facet values, in byte order (a value's number is its place) |
//! | value offsets, values | each document's facet value numbers (u16) |
//! | name ranks | each document's place among the distinct name sort keys, in order |
//! | shown offsets, shown bytes | each document's name (length-prefixed) and city (a presence byte, then the city) |
//!
//! Numbers are little-endian u32 unless said; runs are padded to four bytes. Merges read the
//! sources' columns back and write them again for the merged documents (deleted ones left
//! out).

use std::any::Any;
use std::io::Write;

use rustc_hash::FxHashMap;
use tantivy::directory::{OwnedBytes, TerminatingWrite};
use tantivy::index::SegmentComponent;
use tantivy::indexer::doc_id_mapping::{DocIdMapping, MappingType};
use tantivy::plugin::{PluginMergeContext, PluginWriter, PluginWriterContext, SegmentPlugin};
use tantivy::schema::document::ErasedDocument;
use tantivy::schema::{Field, FieldType, Schema, Value};
use tantivy::{DocId, Segment, SegmentReader, TantivyDocument, TantivyError};

/// The file extension of the columns in a segment.
const EXTENSION: &str = "profiles";

/// The type name of the schema field that carries a document's payload.
pub(crate) const PAYLOAD_TYPE: &str = "clusterhub_profile";

/// The first bytes of every columns file (and its layout version).
const MAGIC: &[u8; 4] = b"CHP3";

/// The plugin, registered on every index the crate opens or creates.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProfilesPlugin;

/// Writes a document's payload into `out` (cleared first): the shown name (length-prefixed),
/// the city (a presence byte, then length-prefixed), then `lines`: the facet terms, one per
/// line.
pub(crate) fn payload(out: &mut Vec<u8>, name: &str, city: Option<&str>, lines: &str) {
    out.clear();
    let length = |out: &mut Vec<u8>, text: &str| {
        out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes());
    };
    length(out, name);
    out.extend_from_slice(name.as_bytes());
    match city {
        Some(city) => {
            out.push(1);
            length(out, city);
            out.extend_from_slice(city.as_bytes());
        }
        None => out.push(0),
    }
    out.extend_from_slice(lines.as_bytes());
}

/// The parts of a payload: shown name and city, then the term lines. A damaged payload gives
/// what could be read.
fn split_payload(payload: &[u8]) -> (&[u8], Option<&[u8]>, &[u8]) {
    let take = |bytes: &[u8]| -> Option<(usize, usize)> {
        let length = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        (bytes.len() >= 4 + length).then_some((4, 4 + length))
    };
    let Some((start, end)) = take(payload) else {
        return (&[], None, &[]);
    };
    let name = &payload[start..end];
    let rest = &payload[end..];
    match rest.first() {
        Some(1) => match take(&rest[1..]) {
            Some((start, end)) => (name, Some(&rest[1 + start..1 + end]), &rest[1 + end..]),
            None => (name, None, &[]),
        },
        Some(_) => (name, None, &rest[1..]),
        None => (name, None, &[]),
    }
}

impl SegmentPlugin for ProfilesPlugin {
    fn extensions(&self) -> &[&str] {
        &[EXTENSION]
    }

    fn create_writer(&self, ctx: &PluginWriterContext) -> tantivy::Result<Box<dyn PluginWriter>> {
        Ok(Box::new(ProfilesWriter {
            field: payload_field(&ctx.segment.schema()),
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
        let mut terms: Vec<&[u8]> = Vec::new();
        for (reader, source) in ctx.readers.iter().zip(&sources) {
            for doc in reader.doc_ids_alive() {
                terms.clear();
                terms.extend(source.ords(doc).map(|ordinal| source.term(ordinal)));
                let (name, city) = source.shown(doc);
                columns.push(name, city, terms.iter().copied())?;
            }
        }
        write_file(ctx.target_segment, &columns.encode())
    }
}

/// The schema's payload field, if it has one.
fn payload_field(schema: &Schema) -> Option<Field> {
    schema
        .fields()
        .find_map(|(field, entry)| match entry.field_type() {
            FieldType::Custom(options) if options.type_name() == PAYLOAD_TYPE => Some(field),
            _ => None,
        })
}

fn write_file(segment: &Segment, bytes: &[u8]) -> tantivy::Result<()> {
    let mut write = segment.open_write(SegmentComponent::Custom(EXTENSION.to_owned()))?;
    write.write_all(bytes)?;
    write.terminate()?;
    Ok(())
}

/// Collects a segment's columns while its documents are written.
struct ProfilesWriter {
    field: Option<Field>,
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
        let payload = match (self.field, doc.as_any().downcast_ref::<TantivyDocument>()) {
            (Some(field), Some(document)) => document
                .get_first(field)
                .and_then(|value| value.as_custom())
                .unwrap_or_default(),
            _ => &[],
        };
        let (name, city, lines) = split_payload(payload);
        self.columns.push(
            name,
            city,
            lines
                .split(|&byte| byte == b'\n')
                .filter(|line| !line.is_empty()),
        )
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
        write_file(segment, &self.columns.encode())
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

/// Columns being collected: values are numbered in the order they first occur, and renumbered
/// in byte order when encoded.
#[derive(Default)]
struct ColumnsBuilder {
    numbers: FxHashMap<Box<[u8]>, u16>,
    terms: Vec<Box<[u8]>>,
    term_bytes: usize,
    value_offsets: Vec<u32>,
    values: Vec<u16>,
    shown_offsets: Vec<u32>,
    shown: Vec<u8>,
}

impl ColumnsBuilder {
    fn documents(&self) -> usize {
        self.value_offsets.len().saturating_sub(1)
    }

    fn push<'a>(
        &mut self,
        name: &[u8],
        city: Option<&[u8]>,
        terms: impl Iterator<Item = &'a [u8]>,
    ) -> tantivy::Result<()> {
        if self.value_offsets.is_empty() {
            self.value_offsets.push(0);
            self.shown_offsets.push(0);
        }
        for term in terms {
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
        }
        self.value_offsets.push(self.values.len() as u32);
        self.shown
            .extend_from_slice(&(name.len() as u32).to_le_bytes());
        self.shown.extend_from_slice(name);
        if let Some(city) = city {
            self.shown.push(1);
            self.shown.extend_from_slice(city);
        } else {
            self.shown.push(0);
        }
        self.shown_offsets.push(self.shown.len() as u32);
        Ok(())
    }

    /// What the columns hold in memory (the vectors' capacity: they grow by doubling).
    fn memory_bytes(&self) -> usize {
        self.term_bytes * 2
            + self.terms.len() * 48
            + (self.value_offsets.capacity() + self.shown_offsets.capacity()) * 4
            + self.values.capacity() * 2
            + self.shown.capacity()
    }

    fn shown_name(&self, doc: usize) -> &[u8] {
        let start = self.shown_offsets[doc] as usize;
        let record = &self.shown[start..self.shown_offsets[doc + 1] as usize];
        let length = read_u32(record, 0) as usize;
        record.get(4..4 + length).unwrap_or_default()
    }

    /// The columns file.
    fn encode(&self) -> Vec<u8> {
        let documents = self.documents();
        // Byte order of the values, and each first-come number's place in it.
        let mut order: Vec<u16> = (0..self.terms.len()).map(|number| number as u16).collect();
        order.sort_unstable_by(|&a, &b| self.terms[a as usize].cmp(&self.terms[b as usize]));
        let mut ordinals = vec![0u16; self.terms.len()];
        for (ordinal, &number) in order.iter().enumerate() {
            ordinals[number as usize] = ordinal as u16;
        }
        // Each document's place among the distinct name sort keys.
        let keys: Vec<String> = (0..documents)
            .map(|doc| crate::text::sort_key(&String::from_utf8_lossy(self.shown_name(doc))))
            .collect();
        let mut by_name: Vec<u32> = (0..documents as u32).collect();
        by_name.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
        let mut ranks = vec![0u32; documents];
        let mut rank = 0u32;
        for (place, &doc) in by_name.iter().enumerate() {
            if place > 0 && keys[doc as usize] != keys[by_name[place - 1] as usize] {
                rank += 1;
            }
            ranks[doc as usize] = rank;
        }
        drop(keys);

        let mut out = Vec::with_capacity(
            64 + self.term_bytes
                + self.shown.len()
                + 4 * (self.terms.len() + 3 * documents + 3)
                + 2 * self.values.len(),
        );
        out.extend_from_slice(MAGIC);
        for number in [
            documents,
            self.terms.len(),
            self.term_bytes,
            self.values.len(),
            self.shown.len(),
        ] {
            put(&mut out, number as u32);
        }
        let mut offset = 0u32;
        put(&mut out, 0);
        for &number in &order {
            offset += self.terms[number as usize].len() as u32;
            put(&mut out, offset);
        }
        for &number in &order {
            out.extend_from_slice(&self.terms[number as usize]);
        }
        pad(&mut out);
        let offsets = |out: &mut Vec<u8>, offsets: &[u32]| {
            if offsets.is_empty() {
                put(out, 0);
            }
            for &offset in offsets {
                put(out, offset);
            }
        };
        offsets(&mut out, &self.value_offsets);
        for &number in &self.values {
            out.extend_from_slice(&ordinals[number as usize].to_le_bytes());
        }
        pad(&mut out);
        for &rank in &ranks {
            put(&mut out, rank);
        }
        offsets(&mut out, &self.shown_offsets);
        out.extend_from_slice(&self.shown);
        pad(&mut out);
        out
    }
}

fn put(out: &mut Vec<u8>, number: u32) {
    out.extend_from_slice(&number.to_le_bytes());
}

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
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
        let padded = |length: usize| length.div_ceil(4) * 4;
        let term_offsets = 24;
        let term_bytes_at = term_offsets + 4 * (terms + 1);
        let value_offsets = term_bytes_at + padded(term_bytes);
        let values_at = value_offsets + 4 * (documents + 1);
        let ranks = values_at + padded(2 * values);
        let shown_offsets = ranks + 4 * documents;
        let shown_at = shown_offsets + 4 * (documents + 1);
        if bytes.len() != shown_at + padded(shown) {
            return Err(malformed());
        }
        Ok(ProfileColumns {
            bytes,
            documents,
            terms,
            term_offsets,
            term_bytes: term_bytes_at,
            value_offsets,
            values: values_at,
            ranks,
            shown_offsets,
            shown: shown_at,
        })
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
        let record = &self.bytes.as_slice()[self.shown + start..self.shown + end];
        let length = read_u32(record, 0) as usize;
        let name = record.get(4..4 + length).unwrap_or_default();
        match record.get(4 + length) {
            Some(1) => (name, Some(&record[5 + length..])),
            _ => (name, None),
        }
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

    fn parsed(columns: &ColumnsBuilder) -> ProfileColumns {
        ProfileColumns::parse(OwnedBytes::new(columns.encode())).expect("well-formed columns")
    }

    fn values(columns: &ProfileColumns, doc: DocId) -> Vec<String> {
        columns
            .ords(doc)
            .map(|ordinal| String::from_utf8_lossy(columns.term(ordinal)).into_owned())
            .collect()
    }

    #[test]
    fn columns_read_back_what_was_written_with_values_in_byte_order() -> tantivy::Result<()> {
        let mut builder = ColumnsBuilder::default();
        builder.push(
            b"Zeta GmbH",
            Some(b"Berlin"),
            [&b"c:DE"[..], b"k:sme"].into_iter(),
        )?;
        builder.push(b"", None, std::iter::empty())?;
        builder.push(
            "Älpha".as_bytes(),
            Some(b""),
            [&b"k:sme"[..], b"c:AT", b"n:AT1"].into_iter(),
        )?;
        builder.push(b"ZETA gmbh", None, [&b"c:DE"[..]].into_iter())?;
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
        Ok(())
    }

    #[test]
    fn empty_columns_and_damaged_files() {
        let columns = parsed(&ColumnsBuilder::default());
        assert_eq!(columns.num_terms(), 0);
        assert!(values(&columns, 0).is_empty());
        let mut bytes = ColumnsBuilder::default().encode();
        bytes.push(0);
        assert!(ProfileColumns::parse(OwnedBytes::new(bytes)).is_err());
        assert!(ProfileColumns::parse(OwnedBytes::new(b"CHP0".repeat(8))).is_err());
    }

    #[test]
    fn more_distinct_values_than_two_bytes_number_are_refused() {
        let mut builder = ColumnsBuilder::default();
        let terms: Vec<String> = (0..=65_536).map(|number| format!("x:{number}")).collect();
        let refused = builder.push(b"", None, terms.iter().map(|term| term.as_bytes()));
        assert!(refused.is_err());
    }

    #[test]
    fn a_payload_splits_back_into_its_parts() {
        let mut out = Vec::new();
        payload(&mut out, "Pôle\nSud", Some("Nîmes"), "c:FR\nk:cluster\n");
        let (name, city, rest) = split_payload(&out);
        assert_eq!(name, "Pôle\nSud".as_bytes());
        assert_eq!(city, Some("Nîmes".as_bytes()));
        assert_eq!(rest, b"c:FR\nk:cluster\n");
        payload(&mut out, "A", None, "");
        assert_eq!(split_payload(&out), (&b"A"[..], None, &b""[..]));
        // Damaged payloads give what can be read, never a panic.
        for cut in 0..out.len() {
            let _ = split_payload(&out[..cut]);
        }
        assert_eq!(
            split_payload(&[9, 0, 0, 0, b'x']),
            (&b""[..], None, &b""[..])
        );
    }
}
