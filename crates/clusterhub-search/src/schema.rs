//! The index layout and how an [`OrganisationDocument`] is written into it.
//!
//! | field | kind | what for |
//! |---|---|---|
//! | `id` | i64, indexed and fast | replacing and deleting by id; ties in every sort |
//! | `revision` | i64, fast | telling whether the index holds a profile's latest revision |
//! | `names` | text (names in every language) | keyword search, boosted |
//! | `body` | text (descriptions, offers, requests, city) | keyword search (NACE labels and cluster category names are matched through `filter`, see `labels`) |
//! | `filter` | one term per line of one text | facet filters (`c:DE`, `n:DE21`, `a:62.0`, ...) |
//! | `profile` | custom (our segment plugin, see `profiles`) | facet counting: one `tag:value` per value; sorting by name; the name and city a hit shows |
//! | `lat`, `lon` | f64, fast | the map box, distances (through in-memory map cells) |
//!
//! Texts are indexed with term frequencies but without positions: there are no phrase queries,
//! and positions would double the postings. A profile's filter terms go in as one text, a term
//! per line ([`LINES_TOKENIZER`]): the indexer pays for every value (a token stream, a length),
//! and the thirty-odd values of one term each cost 4% of the build's CPU time (measured at
//! 300,000 profiles: 5.7 → 5.45 s).

use clusterhub_reference::Reference;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::document::OrganisationDocument;
use crate::geo;
use crate::query::FacetGroup;
use crate::text::ANALYSER_NAME;

/// The separator between a group's tag and the value in `filter` and `facets` terms.
pub(crate) const TAG_SEPARATOR: char = ':';

/// The name under which [`LinesTokenizer`] is registered with the index.
pub(crate) const LINES_TOKENIZER: &str = "clusterhub_lines";

/// Splits a text into its lines, each line one term as it is (empty lines give none): the
/// filter terms of a profile are identifiers (codes, slugs, ISO codes), which never hold a line
/// break.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinesTokenizer {
    token: Token,
}

/// The lines of one text; see [`LinesTokenizer`].
pub(crate) struct Lines<'a> {
    text: &'a str,
    cursor: usize,
    token: &'a mut Token,
}

impl Tokenizer for LinesTokenizer {
    type TokenStream<'a> = Lines<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Lines<'a> {
        self.token.reset();
        Lines {
            text,
            cursor: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for Lines<'_> {
    fn advance(&mut self) -> bool {
        while self.cursor < self.text.len() {
            let start = self.cursor;
            let end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |at| start + at);
            self.cursor = end + 1;
            if end > start {
                self.token.position = self.token.position.wrapping_add(1);
                self.token.offset_from = start;
                self.token.offset_to = end;
                self.token.text.clear();
                self.token.text.push_str(&self.text[start..end]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub revision: Field,
    pub names: Field,
    pub body: Field,
    pub filter: Field,
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
    builder.add_text_field(
        "filter",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(LINES_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        ),
    );
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
            filter: schema.get_field("filter")?,
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

/// Writes a profile as an index document: its texts, its filter terms as one text of lines, its
/// profile payload (shown name and city and facet values, for the `profiles` plugin) and
/// coordinates. Nothing here allocates per value.
pub(crate) fn to_tantivy(fields: &Fields, document: &OrganisationDocument) -> TantivyDocument {
    let mut out = TantivyDocument::new();
    out.add_i64(fields.id, document.id);
    out.add_i64(fields.revision, document.revision);

    add_texts(&mut out, fields.names, fields.body, document);

    // Every filter term goes into one text, a line each; the facet values go into the profile
    // payload after the name's sort key, a line each as well.
    let mut filter = String::with_capacity(512);
    let mut profile = String::with_capacity(256);
    let line = |text: &mut String, group: FacetGroup, value: &str| {
        text.push(group.tag());
        text.push(TAG_SEPARATOR);
        text.push_str(value);
        text.push('\n');
    };
    let mut both = |group: FacetGroup, value: &str| {
        line(&mut filter, group, value);
        line(&mut profile, group, value);
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
        line(&mut profile, FacetGroup::Nuts, nuts);
        for code in nuts_ancestry(nuts) {
            line(&mut filter, FacetGroup::Nuts, code);
        }
    }
    for code in &document.nace {
        line(&mut profile, FacetGroup::Nace, code);
        visit_nace_ancestry(code, |prefix| {
            line(&mut filter, FacetGroup::Nace, prefix);
        });
    }
    out.add_text(fields.filter, &filter);
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
    fn the_lines_tokenizer_gives_each_line_as_a_term() {
        let mut tokenizer = LinesTokenizer::default();
        let mut stream = tokenizer.token_stream("c:DE\n\nn:DE 21\nk:sme\n");
        let mut terms = Vec::new();
        while stream.advance() {
            terms.push(stream.token().text.clone());
        }
        assert_eq!(terms, ["c:DE", "n:DE 21", "k:sme"]);
        let mut stream = tokenizer.token_stream("");
        assert!(!stream.advance());
        let mut stream = tokenizer.token_stream("x:1");
        assert!(stream.advance());
        assert_eq!(stream.token().text, "x:1");
        assert!(!stream.advance());
    }

    #[test]
    fn nace_codes_carry_their_section_and_prefixes() {
        assert_eq!(nace_ancestry("62.01"), ["J", "62", "62.0", "62.01"]);
        assert_eq!(nace_ancestry("62"), ["J", "62"]);
        assert_eq!(nace_ancestry("J"), ["J"]);
    }
}
