//! Running a [`SearchQuery`]: the main pass that finds, ranks and counts, one extra pass per
//! active filter group for its disjunctive counts, and the assembly of hits and facets.
//!
//! The main pass runs the whole query (keywords AND every filter group AND the map box) and, for
//! each matching document, adds its facet values to one array of counters (see
//! [`crate::facets`]) and offers it to a bounded heap of the best hits so far. Its counts are
//! right for every group without an active filter. A group with an active filter needs counts
//! with its own filter left out, so it gets one more pass over keywords AND the *other* groups
//! AND the box, counting only that group's column. A pass that matches everything (no keywords,
//! no other filter, no box) adds the segment's precomputed totals instead of visiting every
//! document. Ties in every order are broken by the organisation id, so pages are stable.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery, Weight,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Searcher, TantivyDocument, Term};

use crate::SearchError;
use crate::facets::{FacetCache, Interner, PreparedSegment, SegmentFacets};
use crate::geo;
use crate::query::{BoundingBox, FacetGroup, Hit, SearchQuery, SearchResults, Sort};
use crate::schema::{Fields, nuts_ancestry, tagged};
use crate::text::query_terms;

/// How much more a keyword counts in a name than in a description.
const NAME_BOOST: f32 = 3.0;

/// The deepest hit a search may page to (page × per_page), as in Elasticsearch.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// A document that may make it into the page.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// The order key, smaller first: minus the score, the distance chord, or the name rank.
    key: f64,
    id: i64,
    segment: u32,
    doc: DocId,
    score: f32,
}

impl Candidate {
    fn order(&self, other: &Candidate) -> Ordering {
        self.key.total_cmp(&other.key).then(self.id.cmp(&other.id))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.order(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order(other)
    }
}

/// The `limit` best candidates seen so far; the worst of them on top of the heap.
struct TopCandidates {
    limit: usize,
    heap: BinaryHeap<Candidate>,
}

impl TopCandidates {
    fn new(limit: usize) -> Self {
        TopCandidates {
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024) + 1),
        }
    }

    #[inline]
    fn offer(&mut self, candidate: Candidate) {
        if self.heap.len() < self.limit {
            self.heap.push(candidate);
        } else if let Some(worst) = self.heap.peek()
            && candidate.order(worst) == Ordering::Less
        {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    fn is_full(&self) -> bool {
        self.heap.len() >= self.limit
    }

    fn into_sorted(self) -> Vec<Candidate> {
        self.heap.into_sorted_vec()
    }
}

/// The parts of a query from which every pass is built.
struct Plan {
    terms: Vec<String>,
    groups: Vec<(FacetGroup, Vec<String>)>,
    bbox: Option<BoundingBox>,
}

impl Plan {
    /// The query of a pass: keywords, every active group but `except`, and the box. `None` when
    /// it would match every document.
    fn pass_query(&self, fields: &Fields, except: Option<FacetGroup>) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(text) = self.text_query(fields) {
            clauses.push((Occur::Must, text));
        }
        for (group, values) in &self.groups {
            if Some(*group) == except {
                continue;
            }
            let terms = values.iter().map(|value| tagged(*group, value)).collect();
            clauses.push((Occur::Must, filter_query(fields, terms)));
        }
        if let Some(bbox) = &self.bbox {
            clauses.push((Occur::Must, filter_query(fields, geo::cover_terms(bbox))));
        }
        match clauses.len() {
            0 => None,
            1 => clauses.pop().map(|(_, query)| query),
            _ => Some(Box::new(BooleanQuery::new(clauses))),
        }
    }

    /// Every keyword must occur in a name or in the body; names count [`NAME_BOOST`] times more.
    fn text_query(&self, fields: &Fields) -> Option<Box<dyn Query>> {
        let mut per_term: Vec<(Occur, Box<dyn Query>)> = self
            .terms
            .iter()
            .map(|term| {
                let in_names: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(fields.names, term),
                        IndexRecordOption::WithFreqs,
                    )),
                    NAME_BOOST,
                ));
                let in_body: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(fields.body, term),
                    IndexRecordOption::WithFreqs,
                ));
                let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, in_names),
                    (Occur::Should, in_body),
                ]));
                (Occur::Must, either)
            })
            .collect();
        match per_term.len() {
            0 => None,
            1 => per_term.pop().map(|(_, query)| query),
            _ => Some(Box::new(BooleanQuery::new(per_term))),
        }
    }
}

/// Documents having any of `terms` in the filter field, scored 0 so they never change ranks.
fn filter_query(fields: &Fields, terms: Vec<String>) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|term| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(fields.filter, &term),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, query)
        })
        .collect();
    let union: Box<dyn Query> = if alternatives.len() == 1 {
        alternatives
            .pop()
            .map(|(_, query)| query)
            .unwrap_or_else(|| Box::new(BooleanQuery::new(Vec::new())) as Box<dyn Query>)
    } else {
        Box::new(BooleanQuery::new(alternatives))
    };
    Box::new(ConstScoreQuery::new(union, 0.0))
}

/// Whether a document is alive and inside the box.
#[inline]
fn admits(segment: &PreparedSegment<'_>, bbox: Option<&BoundingBox>, doc: DocId) -> bool {
    if let Some(alive) = segment.reader.alive_bitset()
        && !alive.is_alive(doc)
    {
        return false;
    }
    match bbox {
        None => true,
        Some(bbox) => {
            let (lat, lon) = segment.facets.locations[doc as usize];
            !lat.is_nan() && bbox.contains(lat, lon)
        }
    }
}

/// Calls `visit` with every live document the weight matches in a segment (and its score when
/// `scored`).
fn for_each_match(
    weight: &dyn Weight,
    segment: &PreparedSegment<'_>,
    scored: bool,
    visit: &mut dyn FnMut(DocId, f32),
) -> Result<(), SearchError> {
    if scored {
        weight.for_each(segment.reader, visit)?;
    } else {
        weight.for_each_no_score(segment.reader, &mut |docs: &[DocId]| {
            for &doc in docs {
                visit(doc, 0.0);
            }
        })?;
    }
    Ok(())
}

fn add_totals(counts: &mut [u32], totals: &[u32]) {
    for (count, total) in counts.iter_mut().zip(totals) {
        *count += total;
    }
}

/// Runs a query against the searcher's segments.
pub(crate) fn run(
    searcher: &Searcher,
    cache: &FacetCache,
    fields: &Fields,
    query: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let page = query.page.max(1);
    if query.per_page == 0 {
        return Err(SearchError::InvalidQuery(String::from(
            "per_page must be at least 1",
        )));
    }
    let window = page.saturating_mul(query.per_page);
    if window > MAX_RESULT_WINDOW {
        return Err(SearchError::InvalidQuery(format!(
            "page × per_page may not exceed {MAX_RESULT_WINDOW}"
        )));
    }
    let near_vector = match query.near {
        Some((lat, lon)) if geo::is_valid(lat, lon) => Some(geo::unit_vector(lat, lon)),
        Some(_) => {
            return Err(SearchError::InvalidQuery(String::from(
                "near must be a latitude and longitude in degrees",
            )));
        }
        None if query.sort == Sort::Distance => {
            return Err(SearchError::InvalidQuery(String::from(
                "sorting by distance needs a point to measure from",
            )));
        }
        None => None,
    };
    if let Some(bbox) = &query.bbox {
        let finite = [bbox.west, bbox.south, bbox.east, bbox.north]
            .iter()
            .all(|value| value.is_finite());
        if !finite || bbox.south > bbox.north {
            return Err(SearchError::InvalidQuery(String::from(
                "the box must be west, south, east, north in degrees with south ≤ north",
            )));
        }
    }

    let segments = cache.prepare(searcher)?;
    let plan = Plan {
        terms: query.text.as_deref().map(query_terms).unwrap_or_default(),
        groups: query
            .filters
            .active_groups()
            .into_iter()
            .map(|group| (group, query.filters.values(group)))
            .collect(),
        bbox: query.bbox,
    };
    let bbox = plan.bbox.as_ref();
    let has_text = !plan.terms.is_empty();
    let scored = has_text && query.sort == Sort::Relevance;
    // Every number in the tables of these segments was given out before this read.
    let number_count = cache.interner().len();

    // The main pass.
    let mut main_counts = vec![0u32; number_count];
    let mut total = 0u64;
    let mut tops: Vec<TopCandidates> = Vec::with_capacity(segments.len());
    let main_query = plan.pass_query(fields, None);
    let main_weight = match &main_query {
        Some(main_query) => Some(main_query.weight(if scored {
            EnableScoring::enabled_from_searcher(searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        })?),
        None => None,
    };
    for segment in &segments {
        let facets: &SegmentFacets = &segment.facets;
        let mut top = TopCandidates::new(window);
        let key_of = |doc: DocId, score: f32| -> f64 {
            match query.sort {
                Sort::Relevance if scored => -f64::from(score),
                Sort::Relevance => 0.0,
                Sort::Name => f64::from(facets.name_ranks[doc as usize]),
                Sort::Distance => {
                    let vector = &facets.unit_vectors[doc as usize];
                    match (&near_vector, vector[0].is_nan()) {
                        (Some(near), false) => geo::chord_squared(near, vector),
                        _ => f64::INFINITY,
                    }
                }
            }
        };
        let candidate = |doc: DocId, score: f32| Candidate {
            key: key_of(doc, score),
            id: facets.ids[doc as usize],
            segment: segment.ordinal,
            doc,
            score,
        };
        match &main_weight {
            Some(weight) => {
                for_each_match(weight.as_ref(), segment, scored, &mut |doc, score| {
                    if admits(segment, bbox, doc) {
                        total += 1;
                        facets.count_stream(doc, &mut main_counts);
                        top.offer(candidate(doc, score));
                    }
                })?;
            }
            None => {
                total += u64::from(segment.reader.num_docs());
                add_totals(&mut main_counts, &segment.totals);
                let presorted = match query.sort {
                    Sort::Relevance => Some(&facets.by_id),
                    Sort::Name => Some(&facets.by_name),
                    Sort::Distance => None,
                };
                match presorted {
                    Some(order) => {
                        for &doc in order {
                            if top.is_full() {
                                break;
                            }
                            if admits(segment, None, doc) {
                                top.offer(candidate(doc, 0.0));
                            }
                        }
                    }
                    None => {
                        for doc in 0..segment.reader.max_doc() {
                            if admits(segment, None, doc) {
                                top.offer(candidate(doc, 0.0));
                            }
                        }
                    }
                }
            }
        }
        tops.push(top);
    }

    // One extra pass per active group, for its disjunctive counts.
    let mut group_counts: HashMap<FacetGroup, Vec<u32>> = HashMap::new();
    for (group, _) in &plan.groups {
        let mut counts = vec![0u32; number_count];
        let pass_query = plan.pass_query(fields, Some(*group));
        let weight = match &pass_query {
            Some(pass_query) => {
                Some(pass_query.weight(EnableScoring::disabled_from_searcher(searcher))?)
            }
            None => None,
        };
        for segment in &segments {
            match &weight {
                Some(weight) => {
                    let column = segment.facets.column(*group);
                    for_each_match(weight.as_ref(), segment, false, &mut |doc, _| {
                        if admits(segment, bbox, doc) {
                            column.count(doc, &mut counts);
                        }
                    })?;
                }
                None => add_totals(&mut counts, &segment.totals),
            }
        }
        group_counts.insert(*group, counts);
    }

    let page_candidates = merge_candidates(tops, query.sort, &segments, window)?;
    let interner = cache.interner();
    let facets = assemble_facets(&interner, &plan, &main_counts, &group_counts);
    let first = (page - 1) * query.per_page;
    let hits = page_candidates
        .into_iter()
        .skip(first)
        .take(query.per_page)
        .map(|candidate| {
            make_hit(
                searcher,
                fields,
                &segments[candidate.segment as usize].facets,
                &interner,
                &candidate,
                scored,
                query.near,
            )
        })
        .collect::<Result<Vec<Hit>, SearchError>>()?;
    Ok(SearchResults {
        total,
        hits,
        facets,
    })
}

/// The best `window` candidates of all segments, in order. Scores and distances compare across
/// segments; name ranks do not, so for name order the names themselves are compared.
fn merge_candidates(
    tops: Vec<TopCandidates>,
    sort: Sort,
    segments: &[PreparedSegment<'_>],
    window: usize,
) -> Result<Vec<Candidate>, SearchError> {
    let mut all: Vec<Candidate> = tops
        .into_iter()
        .flat_map(TopCandidates::into_sorted)
        .collect();
    if sort == Sort::Name && segments.len() > 1 {
        let mut named: Vec<(String, Candidate)> = Vec::with_capacity(all.len());
        for candidate in all {
            let mut name = String::new();
            let segment = &segments[candidate.segment as usize];
            if let Some(names) = segment
                .reader
                .fast_fields()
                .str(crate::schema::NAME_SORT_FIELD)?
                && let Some(ordinal) = names.term_ords(candidate.doc).next()
            {
                names.ord_to_str(ordinal, &mut name)?;
            }
            named.push((name, candidate));
        }
        named.sort_by(|left, right| left.0.cmp(&right.0).then(left.1.id.cmp(&right.1.id)));
        all = named.into_iter().map(|(_, candidate)| candidate).collect();
    } else {
        all.sort();
    }
    all.truncate(window);
    Ok(all)
}

/// The facet counts of the answer, with the NUTS and NACE trimming described on
/// [`SearchResults::facets`] and every selected value present.
fn assemble_facets(
    interner: &Interner,
    plan: &Plan,
    main_counts: &[u32],
    group_counts: &HashMap<FacetGroup, Vec<u32>>,
) -> BTreeMap<FacetGroup, BTreeMap<String, u64>> {
    let mut facets: BTreeMap<FacetGroup, BTreeMap<String, u64>> = FacetGroup::ALL
        .into_iter()
        .map(|group| (group, BTreeMap::new()))
        .collect();
    for number in 0..main_counts.len() {
        let (group, value) = interner.entry(number as u32);
        let counts = group_counts.get(&group).map_or(main_counts, Vec::as_slice);
        let count = u64::from(counts[number]);
        if count == 0 {
            continue;
        }
        let Some(values) = facets.get_mut(&group) else {
            continue;
        };
        if group == FacetGroup::Nuts {
            for code in nuts_ancestry(value) {
                *values.entry(code.to_owned()).or_default() += count;
            }
        } else {
            *values.entry(value.to_owned()).or_default() += count;
        }
    }

    let selected = |group: FacetGroup| -> Vec<String> {
        plan.groups
            .iter()
            .find(|(active, _)| *active == group)
            .map(|(_, values)| values.clone())
            .unwrap_or_default()
    };
    let selected_nuts = selected(FacetGroup::Nuts);
    let expanded_nuts: BTreeSet<&str> = selected_nuts
        .iter()
        .filter(|code| code.len() >= 4 && code.is_char_boundary(4))
        .map(|code| &code[..4])
        .collect();
    if let Some(values) = facets.get_mut(&FacetGroup::Nuts) {
        values.retain(|code, _| {
            code.len() <= 4
                || (code.is_char_boundary(4) && expanded_nuts.contains(&code[..4]))
                || selected_nuts.contains(code)
        });
    }
    let selected_nace = selected(FacetGroup::Nace);
    if let Some(values) = facets.get_mut(&FacetGroup::Nace) {
        values.retain(|code, _| {
            let division = code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_digit());
            division
                || selected_nace
                    .iter()
                    .any(|chosen| code.starts_with(chosen.as_str()))
        });
    }
    for (group, values) in &plan.groups {
        if let Some(counts) = facets.get_mut(group) {
            for value in values {
                counts.entry(value.clone()).or_insert(0);
            }
        }
    }
    facets
}

/// A result row: the stored name and city, the rest from the facet table.
fn make_hit(
    searcher: &Searcher,
    fields: &Fields,
    facets: &SegmentFacets,
    interner: &Interner,
    candidate: &Candidate,
    scored: bool,
    near: Option<(f64, f64)>,
) -> Result<Hit, SearchError> {
    let stored: TantivyDocument =
        searcher.doc(DocAddress::new(candidate.segment, candidate.doc))?;
    let text = |field| {
        stored
            .get_first(field)
            .and_then(|value| value.as_str())
            .map(str::to_owned)
    };
    let values = |group: FacetGroup| -> Vec<String> {
        facets
            .column(group)
            .values(candidate.doc)
            .iter()
            .map(|&number| interner.entry(number).1.to_owned())
            .collect()
    };
    let first = |group: FacetGroup| values(group).into_iter().next();
    let (lat, lon) = facets.locations[candidate.doc as usize];
    let location = (!lat.is_nan()).then_some((lat, lon));
    let mut sectors = values(FacetGroup::Sector);
    sectors.sort_by_key(|sector| (sector.parse::<u32>().unwrap_or(u32::MAX), sector.clone()));
    Ok(Hit {
        id: candidate.id,
        name: text(fields.name).unwrap_or_default(),
        kind: first(FacetGroup::Kind).unwrap_or_default(),
        country: first(FacetGroup::Country).unwrap_or_default(),
        nuts: first(FacetGroup::Nuts),
        city: text(fields.city),
        lat: location.map(|(lat, _)| lat),
        lon: location.map(|(_, lon)| lon),
        sectors,
        score: if scored { candidate.score } else { 0.0 },
        distance_km: near
            .zip(location)
            .map(|(from, to)| geo::distance_km(from, to)),
    })
}
