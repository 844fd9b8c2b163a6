//! The index layout and how an [`OrganisationDocument`] is written into it.
//!
//! | field | kind | what for |
//! |---|---|---|
//! | `id` | i64, indexed and fast | replacing and deleting by id; ties in every sort |
//! | `revision` | i64, fast | telling whether the index holds a profile's latest revision |
//! | `names` | text (names in every language) | keyword search, boosted |
//! | `body` | text (descriptions, offers, requests, city) | keyword search (NACE labels and cluster category names are matched through the filter values, see `labels`) |
//! | `profile` | custom (our segment plugin, see `profiles`) | facet filters and counting: one `tag:value` per value (each filter value's documents are listed when a segment is warmed, see `value_docs`); sorting by name; the name and city a hit shows |
//! | `lat`, `lon` | f64, fast | the map box, distances (through in-memory map cells) |
//!
//! Texts are indexed with term frequencies but without positions: there are no phrase queries,
//! and positions would double the postings. Filter values are not indexed by tantivy at all:
//! thirty-odd of them per profile (with the NUTS and NACE ancestors) were a third of the
//! postings a build wrote.

use clusterhub_reference::Reference;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};

use crate::document::OrganisationDocument;
use crate::geo;
use crate::query::FacetGroup;
use crate::text::ANALYSER_NAME;

/// The separator between a group's tag and the value in filter values (`c:DE`).
pub(crate) const TAG_SEPARATOR: char = ':';

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub revision: Field,
    pub names: Field,
    pub body: Field,
    pub profile: Field,
    pub lat: Field,
    pub lon: Field,
}

pub(crate) const PROFILE_FIELD: &str = "profile";
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
    builder.add_custom_field(
        PROFILE_FIELD,
        crate::profiles::PAYLOAD_TYPE,
        serde_json::Value::Null,
    );
    builder.add_f64_field(LAT_FIELD, FAST);
    builder.add_f64_field(LON_FIELD, FAST);
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
            profile: schema.get_field(PROFILE_FIELD)?,
            lat: schema.get_field(LAT_FIELD)?,
            lon: schema.get_field(LON_FIELD)?,
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

/// Writes a profile as an index document: its texts, its profile payload (shown name and city
/// and facet values, for the `profiles` plugin) and coordinates. Nothing here allocates per value.
pub(crate) fn to_tantivy(fields: &Fields, document: &OrganisationDocument) -> TantivyDocument {
    let mut out = TantivyDocument::new();
    out.add_i64(fields.id, document.id);
    out.add_i64(fields.revision, document.revision);

    add_texts(&mut out, fields.names, fields.body, document);

    // The facet values go into the profile payload, a line each.
    let mut profile = String::with_capacity(256);
    let mut line = |group: FacetGroup, value: &str| {
        profile.push(group.tag());
        profile.push(TAG_SEPARATOR);
        profile.push_str(value);
        profile.push('\n');
    };
    line(FacetGroup::Kind, &document.kind);
    line(FacetGroup::Country, &document.country);
    line(
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
            line(group, value);
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
            line(group, value);
        }
    }
    let mut payload = Vec::with_capacity(profile.len() + 3 * document.name.len() + 64);
    crate::profiles::payload(
        &mut payload,
        &document.name,
        document.city.as_deref(),
        &profile,
    );
    out.add_custom(fields.profile, &payload);

    if let Some((lat, lon)) = document.location
        && geo::is_valid(lat, lon)
    {
        out.add_f64(fields.lat, lat);
        out.add_f64(fields.lon, lon);
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
