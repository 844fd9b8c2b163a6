//! The index layout and how an [`OrganisationDocument`] is written into it.
//!
//! | field | kind | what for |
//! |---|---|---|
//! | `id` | i64, indexed and fast | replacing and deleting by id; ties in every sort |
//! | `revision` | i64, fast | telling whether the index holds a profile's latest revision |
//! | `names` | text (names in every language) | keyword search, boosted |
//! | `body` | text (descriptions, offers, requests, city) | keyword search (NACE labels and cluster category names are matched through `filter`, see `labels`) |
//! | `filter` | raw terms | facet filters (`c:DE`, `n:DE21`, `a:62.0`, ...) |
//! | `facets` | raw text, fast, multi-valued | facet counting: one `tag:value` per value |
//! | `name_sort` | raw text, fast | sorting by name (its term ordinals are in name order) |
//! | `lat`, `lon` | f64, fast | the map box, distances (through in-memory map cells) |
//! | `name`, `city` | stored | what a hit shows |
//!
//! Texts are indexed with term frequencies but without positions: there are no phrase queries,
//! and positions would double the postings.

use clusterhub_reference::Reference;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

use crate::document::OrganisationDocument;
use crate::geo;
use crate::query::FacetGroup;
use crate::text::ANALYSER_NAME;

/// The separator between a group's tag and the value in `filter` and `facets` terms.
pub(crate) const TAG_SEPARATOR: char = ':';

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub revision: Field,
    pub names: Field,
    pub body: Field,
    pub filter: Field,
    pub facets: Field,
    pub name_sort: Field,
    pub lat: Field,
    pub lon: Field,
    pub name: Field,
    pub city: Field,
}

pub(crate) const FACETS_FIELD: &str = "facets";
pub(crate) const NAME_SORT_FIELD: &str = "name_sort";
pub(crate) const ID_FIELD: &str = "id";
pub(crate) const REVISION_FIELD: &str = "revision";
pub(crate) const LAT_FIELD: &str = "lat";
pub(crate) const LON_FIELD: &str = "lon";

/// The schema of a new index.
pub(crate) fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_i64_field(ID_FIELD, INDEXED | FAST);
    builder.add_i64_field(REVISION_FIELD, FAST);
    let searchable = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYSER_NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    builder.add_text_field("names", searchable.clone());
    builder.add_text_field("body", searchable);
    builder.add_text_field(
        "filter",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        ),
    );
    builder.add_text_field(FACETS_FIELD, TextOptions::default().set_fast("raw"));
    builder.add_text_field(NAME_SORT_FIELD, TextOptions::default().set_fast("raw"));
    builder.add_f64_field(LAT_FIELD, FAST);
    builder.add_f64_field(LON_FIELD, FAST);
    builder.add_text_field("name", STORED);
    builder.add_text_field("city", STORED);
    builder.build()
}

impl Fields {
    /// Resolves the fields of `schema`; fails on an index written with another layout.
    pub(crate) fn resolve(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            id: schema.get_field(ID_FIELD)?,
            revision: schema.get_field(REVISION_FIELD)?,
            names: schema.get_field("names")?,
            body: schema.get_field("body")?,
            filter: schema.get_field("filter")?,
            facets: schema.get_field(FACETS_FIELD)?,
            name_sort: schema.get_field(NAME_SORT_FIELD)?,
            lat: schema.get_field(LAT_FIELD)?,
            lon: schema.get_field(LON_FIELD)?,
            name: schema.get_field("name")?,
            city: schema.get_field("city")?,
        })
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

/// Writes `tag:value` into `buffer` (cleared first) and gives it back.
fn tagged_into<'a>(buffer: &'a mut String, group: FacetGroup, value: &str) -> &'a str {
    buffer.clear();
    buffer.push(group.tag());
    buffer.push(TAG_SEPARATOR);
    buffer.push_str(value);
    buffer
}

/// Writes a profile as an index document. Every term is written through one scratch buffer: the
/// document copies what it is given, so nothing here allocates per value.
pub(crate) fn to_tantivy(fields: &Fields, document: &OrganisationDocument) -> TantivyDocument {
    let mut out = TantivyDocument::new();
    out.add_i64(fields.id, document.id);
    out.add_i64(fields.revision, document.revision);

    add_texts(&mut out, fields.names, fields.body, document);

    let mut term = String::with_capacity(64);
    let mut both = |group: FacetGroup, value: &str| {
        let term = tagged_into(&mut term, group, value);
        out.add_text(fields.filter, term);
        out.add_text(fields.facets, term);
    };
    both(FacetGroup::Kind, &document.kind);
    both(FacetGroup::Country, &document.country);
    let escp = if document.escp { "true" } else { "false" };
    both(FacetGroup::Escp, escp);
    let lists: [(FacetGroup, &Vec<String>); 6] = [
        (FacetGroup::Sector, &document.sectors),
        (FacetGroup::Technology, &document.technologies),
        (FacetGroup::S3, &document.s3_areas),
        (FacetGroup::Emerging, &document.emerging),
        (FacetGroup::Programme, &document.programmes),
        (FacetGroup::TargetCountry, &document.target_countries),
    ];
    for (group, values) in lists {
        for value in values {
            both(group, value);
        }
    }
    let options: [(FacetGroup, &Option<String>); 4] = [
        (FacetGroup::Staff, &document.staff_band),
        (FacetGroup::Members, &document.members_band),
        (FacetGroup::Label, &document.label),
        (FacetGroup::Sme, &document.sme_status),
    ];
    for (group, value) in options {
        if let Some(value) = value {
            both(group, value);
        }
    }
    if let Some(nuts) = &document.nuts {
        out.add_text(
            fields.facets,
            tagged_into(&mut term, FacetGroup::Nuts, nuts),
        );
        for code in nuts_ancestry(nuts) {
            out.add_text(
                fields.filter,
                tagged_into(&mut term, FacetGroup::Nuts, code),
            );
        }
    }
    for code in &document.nace {
        out.add_text(
            fields.facets,
            tagged_into(&mut term, FacetGroup::Nace, code),
        );
        visit_nace_ancestry(code, |prefix| {
            out.add_text(
                fields.filter,
                tagged_into(&mut term, FacetGroup::Nace, prefix),
            );
        });
    }

    if let Some((lat, lon)) = document.location
        && geo::is_valid(lat, lon)
    {
        out.add_f64(fields.lat, lat);
        out.add_f64(fields.lon, lon);
    }
    out.add_text(fields.name_sort, crate::text::sort_key(&document.name));
    out.add_text(fields.name, &document.name);
    if let Some(city) = &document.city {
        out.add_text(fields.city, city);
    }
    out
}

/// Adds a profile's searchable texts to `out`: every name in `names`, the descriptions, offers,
/// requests and city in `body`. Each text field gets one value: every value costs the indexer a
/// token stream of its own.
pub(crate) fn add_texts(
    out: &mut TantivyDocument,
    names: Field,
    body: Field,
    document: &OrganisationDocument,
) {
    let mut text = String::with_capacity(
        document.name.len()
            + document
                .names
                .iter()
                .map(|name| name.len() + 1)
                .sum::<usize>(),
    );
    text.push_str(&document.name);
    for name in &document.names {
        if name != &document.name {
            text.push('\n');
            text.push_str(name);
        }
    }
    out.add_text(names, &text);
    let parts = || {
        document
            .descriptions
            .iter()
            .chain(&document.offers)
            .chain(&document.requests)
            .chain(&document.city)
    };
    text.clear();
    text.reserve(parts().map(|part| part.len() + 1).sum());
    for part in parts() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(part);
    }
    if !text.is_empty() {
        out.add_text(body, &text);
    }
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
