//! The index layout and how an [`OrganisationDocument`] is written into it.
//!
//! Tantivy indexes the texts; everything else about a profile goes into our own segment
//! plugin's columns (see `profiles`), which the same document reaches in place:
//!
//! | part | kind | what for |
//! |---|---|---|
//! | `names` | text field (names in every language) | keyword search, boosted |
//! | `body` | text field (descriptions, offers, requests, city) | keyword search (NACE labels and cluster category names are matched through the filter values, see `labels`) |
//! | profile columns | the `profiles` plugin | the organisation id (replacing and deleting by id, ties in every sort), its revision (is the index current?), coordinates (the map box, distances), facet values (`tag:value`; each filter value's documents are listed when a segment is warmed, see `value_docs`), name order, and the name and city a hit shows |
//!
//! Texts are indexed with term frequencies but without positions: there are no phrase queries,
//! and positions would double the postings. Nothing else is indexed by tantivy: the filter
//! values (thirty-odd per profile with the NUTS and NACE ancestors) were a third of the
//! postings a build wrote, and the id a million distinct terms.
//!
//! A profile reaches the indexing threads as an [`IndexDocument`], our own tantivy `Document`:
//! its two texts in one buffer and the plugin's payload in another (see `profiles::payload`),
//! so nothing is copied again into a generic document on the way, and the plugin reads its
//! payload from the document tantivy hands it.

use clusterhub_reference::Reference;
use tantivy::schema::{Document, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};

use crate::document::OrganisationDocument;
use crate::query::FacetGroup;
use crate::text::ANALYSER_NAME;

/// The separator between a group's tag and the value in filter values (`c:DE`).
pub(crate) const TAG_SEPARATOR: char = ':';

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub names: Field,
    pub body: Field,
}

/// The schema of a new index (and of the build benchmark's text-only reference).
pub(crate) fn schema() -> Schema {
    let mut builder = Schema::builder();
    let searchable = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYSER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    builder.add_text_field("names", searchable.clone());
    builder.add_text_field("body", searchable);
    builder.build()
}

impl Fields {
    /// Resolves the fields of `schema`; fails on an index written with another layout.
    pub(crate) fn resolve(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            names: schema.get_field("names")?,
            body: schema.get_field("body")?,
        })
    }
}

/// A profile as the index writer hands it to tantivy: the two texts tantivy indexes (one
/// buffer), and the profile's payload for the `profiles` plugin (which recovers this type from
/// the document). Built on the thread that feeds the writer from a borrowed profile: an
/// indexing thread frees two buffers per document, never the profile's many strings (a
/// free from another thread costs several times a local one).
pub(crate) struct IndexDocument {
    fields: Fields,
    texts: String,
    names_end: usize,
    pub(crate) payload: Vec<u8>,
}

impl IndexDocument {
    pub(crate) fn new(fields: Fields, profile: &OrganisationDocument) -> IndexDocument {
        let mut texts = String::new();
        let names_end = write_texts(profile, &mut texts);
        IndexDocument {
            fields,
            texts,
            names_end,
            payload: crate::profiles::payload(profile),
        }
    }
}

impl Document for IndexDocument {
    type Value<'a> = &'a str;
    type FieldsValuesIter<'a> =
        std::iter::Flatten<std::array::IntoIter<Option<(Field, &'a str)>, 2>>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        let (names, body) = self.texts.split_at(self.names_end);
        [
            Some((self.fields.names, names)),
            (!body.is_empty()).then_some((self.fields.body, body)),
        ]
        .into_iter()
        .flatten()
    }
}

/// Calls `visit` with each facet value of a profile: its group and value, as filters name them.
pub(crate) fn visit_facet_values(
    document: &OrganisationDocument,
    mut visit: impl FnMut(FacetGroup, &str),
) {
    visit(FacetGroup::Kind, &document.kind);
    visit(FacetGroup::Country, &document.country);
    visit(
        FacetGroup::Escp,
        if document.escp { "true" } else { "false" },
    );
    let lists: [(FacetGroup, &Vec<String>); 7] = [
        (FacetGroup::Sector, &document.sectors),
        (FacetGroup::Technology, &document.technologies),
        (FacetGroup::S3, &document.s3_areas),
        (FacetGroup::Emerging, &document.emerging),
        (FacetGroup::Programme, &document.programmes),
        (FacetGroup::TargetCountry, &document.target_countries),
        (FacetGroup::Nace, &document.nace),
    ];
    for (group, values) in lists {
        for value in values {
            visit(group, value);
        }
    }
    let options: [(FacetGroup, &Option<String>); 5] = [
        (FacetGroup::Staff, &document.staff_band),
        (FacetGroup::Members, &document.members_band),
        (FacetGroup::Label, &document.label),
        (FacetGroup::Sme, &document.sme_status),
        (FacetGroup::Nuts, &document.nuts),
    ];
    for (group, value) in options {
        if let Some(value) = value {
            visit(group, value);
        }
    }
}

/// A `tag:value` term of a facet group.
pub(crate) fn tagged(group: FacetGroup, value: &str) -> String {
    let mut term = String::with_capacity(value.len() + 2);
    term.push(group.tag());
    term.push(TAG_SEPARATOR);
    term.push_str(value);
    term
}

/// The group and value of a `tag:value` term; `None` for anything else.
pub(crate) fn split_tagged(term: &str) -> Option<(FacetGroup, &str)> {
    let mut characters = term.chars();
    let group = characters.next().and_then(FacetGroup::from_tag)?;
    if characters.next() != Some(TAG_SEPARATOR) {
        return None;
    }
    Some((group, characters.as_str()))
}

/// The NUTS codes a region's filter terms carry: the region and every region above it, down
/// from the country (`DE`, `DE2`, `DE21`, `DE212`). NUTS codes nest by prefix.
pub(crate) fn nuts_ancestry(code: &str) -> impl Iterator<Item = &str> {
    let length = code.len();
    (2.min(length)..=length)
        .filter(move |&end| code.is_char_boundary(end))
        .map(move |end| &code[..end])
}

/// The NACE codes a code's filter terms carry: its section letter (from the reference data),
/// its division, group and class (`J`, `62`, `62.0`, `62.01`).
pub(crate) fn nace_ancestry(code: &str) -> Vec<String> {
    let mut codes = Vec::with_capacity(4);
    visit_nace_ancestry(code, |ancestor| codes.push(ancestor.to_owned()));
    codes
}

/// Calls `visit` with every code of [`nace_ancestry`], in its order, without allocating.
pub(crate) fn visit_nace_ancestry(code: &str, mut visit: impl FnMut(&str)) {
    if let Some(section) = Reference::get().nace().section_of(code)
        && section.code != code
    {
        visit(&section.code);
    }
    for end in [2, 4, 5] {
        if end < code.len() && code.is_char_boundary(end) {
            visit(&code[..end]);
        }
    }
    visit(code);
}

/// Writes a profile's searchable texts into `out` (cleared first) and gives where the first
/// ends: every name (for `names`), then the descriptions, offers, requests and city (for
/// `body`), each joined into one text. Each text field gets one value: every value costs the
/// indexer a token stream of its own.
pub(crate) fn write_texts(document: &OrganisationDocument, out: &mut String) -> usize {
    let parts = || {
        document
            .descriptions
            .iter()
            .chain(&document.offers)
            .chain(&document.requests)
            .chain(&document.city)
    };
    out.clear();
    out.reserve(
        document.name.len()
            + document
                .names
                .iter()
                .chain(parts())
                .map(|text| text.len() + 1)
                .sum::<usize>(),
    );
    out.push_str(&document.name);
    for name in &document.names {
        if name != &document.name {
            out.push('\n');
            out.push_str(name);
        }
    }
    let names_end = out.len();
    for part in parts() {
        if out.len() > names_end {
            out.push('\n');
        }
        out.push_str(part);
    }
    names_end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nuts_codes_carry_their_ancestry() {
        assert_eq!(
            nuts_ancestry("DE212").collect::<Vec<_>>(),
            ["DE", "DE2", "DE21", "DE212"]
        );
        assert_eq!(nuts_ancestry("EL").collect::<Vec<_>>(), ["EL"]);
    }

    #[test]
    fn nace_codes_carry_their_section_and_prefixes() {
        assert_eq!(nace_ancestry("62.01"), ["J", "62", "62.0", "62.01"]);
        assert_eq!(nace_ancestry("62"), ["J", "62"]);
        assert_eq!(nace_ancestry("J"), ["J"]);
    }
}
