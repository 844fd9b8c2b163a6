//! Running a [`SearchQuery`]: sets of documents per condition, the main pass that finds, ranks
//! and counts, one extra pass per active filter group for its disjunctive counts, and the
//! assembly of hits and facets.
//!
//! In every segment each condition becomes a set of documents (see [`crate::selection`]): one
//! per keyword (its documents in names, body or code labels), one per active facet group (the
//! union of its values), one for the map box and one for the live documents. Frequent keywords
//! and values have their sets ready (see [`crate::facets`]); the others are read from their
//! postings.
//!
//! - The *main pass* intersects every set. Its counts are right for every group without an
//!   active filter.
//! - Each group with an active filter gets a *disjunctive pass* that intersects every set but its
//!   own and counts only that group's column.
//! - A pass counts the facet values of its documents directly, or, when its documents are most
//!   of a base it is known to lie in (the whole segment, or a keyword or value with a base), it
//!   starts from the base's counts and subtracts the base documents it does not match. No pass
//!   therefore counts more than half a base.
//! - Hits: by relevance, the keyword query scores either the few matching documents directly or,
//!   when there are many, runs block-max WAND (tantivy's `for_each_pruning`) and keeps only
//!   documents of the main pass; by id or name, the segment's presorted order is walked until
//!   the page is full; by distance, every match is measured with a cheap chord.
//!
//! Ties in every order are broken by the organisation id, so pages are stable.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, TERMINATED, Term};

use crate::SearchError;
use crate::facets::{
    Base, FacetCache, Interner, MAP_CELL_LEVEL, MapCell, PreparedSegment, SegmentFacets,
};
use crate::geo::{self, Overlap};
use crate::labels;
use crate::query::{BoundingBox, FacetGroup, Hit, SearchQuery, SearchResults, Sort};
use crate::schema::{Fields, tagged};
use crate::selection::{Bits, Selection};
use crate::text::query_terms;

/// How much more a keyword counts in a name than in the body.
const NAME_BOOST: f32 = 3.0;

/// The deepest hit a search may page to (page × per_page), as in Elasticsearch.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// When the main pass keeps at least this share (1/n) of the keyword's documents, hits come from
/// block-max WAND over the keyword query; below it, the few matches are scored one by one.
const WAND_SHARE_DIVISOR: usize = 8;

/// The documents of one keyword in a name or in the body (used unscored, to build keyword
/// bases; the documents with the keyword in a label of one of their NACE codes or cluster
/// categories come from the segment's value lists, see `labels`).
pub(crate) fn term_clause(fields: &Fields, term: &str) -> Box<dyn Query> {
    let alternatives: Vec<(Occur, Box<dyn Query>)> = [fields.names, fields.body]
        .into_iter()
        .map(|field| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, query)
        })
        .collect();
    Box::new(BooleanQuery::new(alternatives))
}

/// The keyword query that ranks hits: the sum, over the keywords, of their BM25 scores in the
/// names (boosted) and the body. It is a plain union of term queries, so block-max WAND prunes
/// it whatever the number of keywords. Which documents match is decided by the conditions (every
/// keyword, in the texts or in a code label); a document that has a keyword only in a label
/// scores nothing for it, and one with no keyword in its texts at all scores 0 and ranks last.
fn ranking_query(fields: &Fields, terms: &[String]) -> Option<BooleanQuery> {
    if terms.is_empty() {
        return None;
    }
    Some(BooleanQuery::new(
        ranking_parts(fields, terms)
            .into_iter()
            .map(|part| (Occur::Should, part))
            .collect(),
    ))
}

/// The term queries of the ranking union, one per keyword and field.
fn ranking_parts(fields: &Fields, terms: &[String]) -> Vec<Box<dyn Query>> {
    let mut parts: Vec<Box<dyn Query>> = Vec::with_capacity(terms.len() * 2);
    for term in terms {
        parts.push(Box::new(BoostQuery::new(
            Box::new(TermQuery::new(
                Term::from_field_text(fields.names, term),
                IndexRecordOption::WithFreqs,
            )),
            NAME_BOOST,
        )));
        parts.push(Box::new(TermQuery::new(
            Term::from_field_text(fields.body, term),
            IndexRecordOption::WithFreqs,
        )));
    }
    parts
}

/// What ranks hits: the union's weight for WAND, and its parts' weights for scoring chosen
/// documents one by one (each term's postings skip straight to the document).
struct Ranking {
    union: Box<dyn Weight>,
    parts: Vec<Box<dyn Weight>>,
}

impl Ranking {
    fn new(
        searcher: &Searcher,
        fields: &Fields,
        terms: &[String],
    ) -> tantivy::Result<Option<Ranking>> {
        let Some(union) = ranking_query(fields, terms) else {
            return Ok(None);
        };
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let parts = ranking_parts(fields, terms)
            .iter()
            .map(|part| part.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Some(Ranking {
            union: union.weight(scoring)?,
            parts,
        }))
    }
}

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

    /// The order key of the worst candidate kept, once the heap is full.
    fn worst_key(&self) -> Option<f64> {
        self.heap
            .peek()
            .filter(|_| self.is_full())
            .map(|worst| worst.key)
    }

    /// The lowest score a new candidate needs to be considered (ties included, since a tie
    /// with a smaller id wins).
    fn score_threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.is_full() => worst.score.next_down(),
            _ => Score::MIN,
        }
    }

    fn into_sorted(self) -> Vec<Candidate> {
        self.heap.into_sorted_vec()
    }
}

/// The parts of a query every segment works from.
struct Plan {
    terms: Vec<String>,
    groups: Vec<(FacetGroup, Vec<String>)>,
    bbox: Option<BoundingBox>,
}

impl Plan {
    fn of(query: &SearchQuery) -> Plan {
        Plan {
            terms: query.text.as_deref().map(query_terms).unwrap_or_default(),
            groups: query
                .filters
                .active_groups()
                .into_iter()
                .map(|group| (group, query.filters.values(group)))
                .collect(),
            bbox: query.bbox,
        }
    }
}

/// Visits, segment by segment, the documents that match every condition of `query` (keywords,
/// filters and map box; its sort and page play no part): the whole result set, for the map
/// layer of [`crate::map`].
pub(crate) fn for_each_match(
    searcher: &Searcher,
    cache: &FacetCache,
    fields: &Fields,
    query: &SearchQuery,
    visit: &mut dyn FnMut(&PreparedSegment<'_>, &Selection) -> Result<(), SearchError>,
) -> Result<(), SearchError> {
    let plan = Plan::of(query);
    for segment in &cache.prepare(searcher)? {
        let conditions = Conditions::new(&plan, fields, segment)?;
        let (matches, _) = conditions.pass(None, segment.reader.max_doc());
        visit(segment, &matches)?;
    }
    Ok(())
}

/// One condition of a search in one segment: its documents, and the base they are exactly,
/// if there is one.
enum Condition<'a> {
    /// Documents without counts.
    Set(Selection),
    /// A keyword or value with a ready base.
    Base(&'a Base),
    /// Several values of a group, each with a base, that no document has two of (the values of
    /// a single-valued group, say): the counts of their union are the sums of theirs.
    Sum(Base),
}

impl Condition<'_> {
    fn docs(&self) -> &Selection {
        match self {
            Condition::Set(docs) => docs,
            Condition::Base(base) => &base.docs,
            Condition::Sum(base) => &base.docs,
        }
    }

    fn base(&self) -> Option<&Base> {
        match self {
            Condition::Set(_) => None,
            Condition::Base(base) => Some(base),
            Condition::Sum(base) => Some(base),
        }
    }
}

/// The documents of a segment having any of `terms` in their `field`, or in one of `lists`,
/// deleted ones included. Few documents are gathered in a list, many straight into a bitmap.
fn union_of_terms<'t>(
    segment: &PreparedSegment<'_>,
    terms: impl IntoIterator<Item = (Field, &'t str)>,
    lists: &[&[DocId]],
) -> tantivy::Result<Selection> {
    let max_doc = segment.reader.max_doc();
    let mut found = Vec::new();
    let mut total: usize = lists.iter().map(|list| list.len()).sum();
    let sources = lists.iter().filter(|list| !list.is_empty()).count();
    for (field, term) in terms {
        let inverted = segment.reader.inverted_index(field)?;
        let term = Term::from_field_text(field, term);
        if let Some(info) = inverted.get_term_info(&term)? {
            total += info.doc_freq as usize;
            found.push((inverted, info));
        }
    }
    let postings_of = |visit: &mut dyn FnMut(DocId)| -> tantivy::Result<()> {
        for (inverted, info) in &found {
            let mut postings =
                inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                visit(doc);
                doc = postings.advance();
            }
        }
        for list in lists {
            for &doc in *list {
                visit(doc);
            }
        }
        Ok(())
    };
    if total > (max_doc as usize) / 32 {
        let mut bits = Bits::empty(max_doc);
        postings_of(&mut |doc| bits.insert(doc))?;
        return Ok(Selection::Dense(bits));
    }
    let mut docs = Vec::with_capacity(total);
    postings_of(&mut |doc| docs.push(doc))?;
    if found.len() + sources > 1 {
        docs.sort_unstable();
        docs.dedup();
    }
    Ok(Selection::from_sorted(docs, max_doc))
}

/// The conditions of a search in one segment.
struct Conditions<'a> {
    terms: Vec<Condition<'a>>,
    groups: Vec<(FacetGroup, Condition<'a>)>,
    bbox: Option<BoundingBox>,
    /// The documents in the box, worked out the first time a pass needs them.
    bbox_docs: OnceCell<Selection>,
    facets: &'a SegmentFacets,
    alive: Option<&'a Selection>,
    all: &'a Base,
}

impl<'a> Conditions<'a> {
    fn new(
        plan: &Plan,
        fields: &Fields,
        segment: &'a PreparedSegment<'a>,
    ) -> Result<Conditions<'a>, SearchError> {
        let facets: &'a SegmentFacets = &segment.facets;
        let max_doc = segment.reader.max_doc();
        let mut terms = Vec::with_capacity(plan.terms.len());
        for term in &plan.terms {
            if let Some(base) = facets.word_bases.get(term) {
                terms.push(Condition::Base(base));
                continue;
            }
            let texts = [(fields.names, term.as_str()), (fields.body, term.as_str())];
            let labels: Vec<&[DocId]> = labels::filter_terms_for(term)
                .iter()
                .map(|label| facets.value_docs.docs(label))
                .collect();
            terms.push(Condition::Set(union_of_terms(segment, texts, &labels)?));
        }
        let mut groups = Vec::with_capacity(plan.groups.len());
        for (group, values) in &plan.groups {
            let filter_terms: Vec<String> =
                values.iter().map(|value| tagged(*group, value)).collect();
            if let [only] = filter_terms.as_slice()
                && let Some(base) = facets.value_bases.get(only)
            {
                groups.push((*group, Condition::Base(base)));
                continue;
            }
            let bases: Vec<&Base> = filter_terms
                .iter()
                .filter_map(|term| facets.value_bases.get(term).map(|base| &**base))
                .collect();
            if bases.len() == filter_terms.len()
                && let Some(sum) = Base::sum_of_disjoint(&bases, max_doc)
            {
                groups.push((*group, Condition::Sum(sum)));
                continue;
            }
            let mut parts = Vec::with_capacity(2);
            let mut rare: Vec<&[DocId]> = Vec::new();
            for term in &filter_terms {
                match facets.value_bases.get(term) {
                    Some(base) => parts.push(base.docs.clone()),
                    None => rare.push(facets.value_docs.docs(term)),
                }
            }
            if !rare.is_empty() {
                parts.push(union_of_terms(segment, [], &rare)?);
            }
            groups.push((*group, Condition::Set(Selection::union(parts, max_doc))));
        }
        Ok(Conditions {
            terms,
            groups,
            bbox: plan.bbox,
            bbox_docs: OnceCell::new(),
            facets,
            alive: segment.alive.as_deref(),
            all: &facets.all,
        })
    }

    /// The documents matching every condition but the filter of `except`, and the bases they
    /// are known to lie in.
    fn pass(&self, except: Option<FacetGroup>, max_doc: DocId) -> (Selection, Vec<&Base>) {
        let mut sets: Vec<&Selection> = Vec::new();
        let mut bases: Vec<&Base> = vec![self.all];
        for condition in &self.terms {
            sets.push(condition.docs());
            bases.extend(condition.base());
        }
        for (group, condition) in &self.groups {
            if Some(*group) != except {
                sets.push(condition.docs());
                bases.extend(condition.base());
            }
        }
        if let Some(alive) = self.alive {
            sets.push(alive);
        }
        let matches = Selection::intersection(&sets, max_doc);
        let Some(bbox) = &self.bbox else {
            return (matches, bases);
        };
        // A few matches are tested one by one; many meet the box's set.
        let in_box = match matches {
            Selection::Sparse(docs) if docs.len() <= BOX_TEST_LIMIT => Selection::Sparse(
                docs.into_iter()
                    .filter(|&doc| {
                        let (lat, lon) = self.facets.locations[doc as usize];
                        !lat.is_nan() && bbox.contains(lat, lon)
                    })
                    .collect(),
            ),
            matches => {
                let bbox_docs = self
                    .bbox_docs
                    .get_or_init(|| docs_in_box(self.facets, bbox, max_doc));
                Selection::intersection(&[&matches, bbox_docs], max_doc)
            }
        };
        (in_box, bases)
    }

    /// An upper bound of the number of documents the keywords alone match.
    fn text_size(&self) -> usize {
        self.terms
            .iter()
            .map(|condition| condition.docs().len())
            .min()
            .unwrap_or(usize::MAX)
    }
}

/// Up to this many matches are tested against the map box one by one.
const BOX_TEST_LIMIT: usize = 8_192;

/// The documents of a segment inside a map box: every document of the map cells inside it, and
/// those of the cells on its edge that pass the exact test.
fn docs_in_box(facets: &SegmentFacets, bbox: &BoundingBox, max_doc: DocId) -> Selection {
    let mut bits = Bits::empty(max_doc);
    for cell in &facets.map_cells {
        let range = cell.start as usize..cell.end as usize;
        match geo::overlap(bbox, cell.x, cell.y, MAP_CELL_LEVEL) {
            Overlap::Outside => {}
            Overlap::Inside => {
                for &doc in &facets.by_cell[range] {
                    bits.insert(doc);
                }
            }
            Overlap::Partly => {
                for (&doc, &(lat, lon)) in facets.by_cell[range.clone()]
                    .iter()
                    .zip(&facets.cell_locations[range])
                {
                    if bbox.contains(lat, lon) {
                        bits.insert(doc);
                    }
                }
            }
        }
    }
    Selection::from_bits(bits, max_doc)
}

/// What a pass counts for each of its documents.
#[derive(Clone, Copy)]
enum Counted {
    /// Everything the main pass reports.
    Stream,
    /// One group's column.
    Group(FacetGroup),
}

/// Adds the facet values of `docs` to `counts` (by local value number): directly, or from the
/// base that spares the most work, minus the base documents that `docs` leaves out.
fn count(
    facets: &SegmentFacets,
    docs: &Selection,
    bases: &[&Base],
    counted: Counted,
    counts: &mut [u32],
) {
    let direct = docs.len();
    let cheapest = bases
        .iter()
        .map(|base| (base.docs.len().saturating_sub(direct), *base))
        .min_by_key(|(work, _)| *work)
        .filter(|(work, _)| *work < direct)
        .map(|(_, base)| base);
    let mut counters = match counted {
        Counted::Stream => {
            let mut counters = vec![0u32; facets.counter_count()];
            let visit = |batch: &[DocId]| facets.count_records(batch, &mut counters);
            match cheapest {
                Some(base) => docs.for_each_batch_missing_from(base.bits(), visit),
                None => docs.for_each_batch(visit),
            }
            facets.expand(&mut counters);
            counters
        }
        Counted::Group(group) => {
            let column = facets.column(group);
            let mut counters = vec![0u32; facets.local_count()];
            let mut visit = |doc: DocId| column.count(doc, &mut counters);
            match cheapest {
                Some(base) => docs.for_each_missing_from(base.bits(), &mut visit),
                None => docs.for_each(&mut visit),
            }
            counters
        }
    };
    counters.truncate(counts.len());
    match cheapest {
        Some(base) => {
            for ((count, total), counted) in counts.iter_mut().zip(&base.counts).zip(&counters) {
                *count += total - counted;
            }
        }
        None => {
            for (count, counted) in counts.iter_mut().zip(&counters) {
                *count += counted;
            }
        }
    }
}

/// Adds a segment's counts (by local number) to the counts of the search (by global number).
fn add_local_counts(facets: &SegmentFacets, local_counts: &[u32], counts: &mut [u32]) {
    for (local, &count) in local_counts.iter().enumerate() {
        if count != 0 {
            counts[facets.globals[local] as usize] += count;
        }
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
    let plan = Plan::of(query);
    let has_text = !plan.terms.is_empty();
    let scored = has_text && query.sort == Sort::Relevance;
    let ranking = if scored {
        Ranking::new(searcher, fields, &plan.terms)?
    } else {
        None
    };
    // Every number in the tables of these segments was given out before this read.
    let number_count = cache.interner().len();

    let mut main_counts = vec![0u32; number_count];
    let mut group_counts: HashMap<FacetGroup, Vec<u32>> = plan
        .groups
        .iter()
        .map(|(group, _)| (*group, vec![0u32; number_count]))
        .collect();
    let mut total = 0u64;
    let mut tops: Vec<TopCandidates> = Vec::with_capacity(segments.len());
    for segment in &segments {
        let facets: &SegmentFacets = &segment.facets;
        let max_doc = segment.reader.max_doc();
        let trace = std::env::var("CH_TRACE").is_ok();
        let t0 = std::time::Instant::now();
        let conditions = Conditions::new(&plan, fields, segment)?;
        let t1 = t0.elapsed();
        let (matches, bases) = conditions.pass(None, max_doc);
        let t2 = t0.elapsed();
        total += matches.len() as u64;
        let mut local_counts = vec![0u32; facets.local_count()];
        count(facets, &matches, &bases, Counted::Stream, &mut local_counts);
        let t3 = t0.elapsed();
        if trace {
            eprintln!(
                "conditions {t1:?} pass {t2:?} count {t3:?} matches {} bases {:?}",
                matches.len(),
                bases.iter().map(|b| b.docs.len()).collect::<Vec<_>>()
            );
        }
        add_local_counts(facets, &local_counts, &mut main_counts);
        let mut top = TopCandidates::new(window);
        collect_hits(
            &mut top,
            segment,
            &matches,
            query.sort,
            ranking
                .as_ref()
                .map(|ranking| (ranking, conditions.text_size())),
            near_vector.as_ref(),
        )?;
        if trace {
            eprintln!("hits {:?}", t0.elapsed());
        }
        tops.push(top);

        for (group, _) in &plan.groups {
            let (docs, bases) = conditions.pass(Some(*group), max_doc);
            local_counts.fill(0);
            count(
                facets,
                &docs,
                &bases,
                Counted::Group(*group),
                &mut local_counts,
            );
            if let Some(counts) = group_counts.get_mut(group) {
                add_local_counts(facets, &local_counts, counts);
            }
        }
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

/// Offers the best documents of the main pass of one segment to `top`.
fn collect_hits(
    top: &mut TopCandidates,
    segment: &PreparedSegment<'_>,
    matches: &Selection,
    sort: Sort,
    ranking: Option<(&Ranking, usize)>,
    near: Option<&[f64; 3]>,
) -> Result<(), SearchError> {
    let facets: &SegmentFacets = &segment.facets;
    let candidate = |doc: DocId, key: f64, score: f32| Candidate {
        key,
        id: facets.ids[doc as usize],
        segment: segment.ordinal,
        doc,
        score,
    };
    if matches.len() == 0 {
        return Ok(());
    }
    match (sort, ranking) {
        (Sort::Relevance, Some((ranking, text_size))) => {
            if matches.len().saturating_mul(WAND_SHARE_DIVISOR) >= text_size {
                let mut offered = 0usize;
                ranking
                    .union
                    .for_each_pruning(Score::MIN, segment.reader, &mut |doc, score| {
                        if matches.contains(doc) {
                            offered += 1;
                            top.offer(candidate(doc, -f64::from(score), score));
                        }
                        top.score_threshold()
                    })?;
                if !top.is_full() && offered < matches.len() {
                    // Matches without a keyword in their texts (found through code labels only)
                    // score 0: they come last, by id.
                    let mut scorer = ranking.union.scorer(segment.reader, 1.0)?;
                    matches.for_each(|doc| {
                        if scorer.doc() < doc {
                            scorer.seek(doc);
                        }
                        if scorer.doc() != doc {
                            top.offer(candidate(doc, 0.0, 0.0));
                        }
                    });
                }
            } else {
                let mut scorers = ranking
                    .parts
                    .iter()
                    .map(|part| part.scorer(segment.reader, 1.0))
                    .collect::<tantivy::Result<Vec<_>>>()?;
                matches.for_each(|doc| {
                    let mut score: Score = 0.0;
                    for scorer in &mut scorers {
                        if scorer.doc() < doc {
                            scorer.seek(doc);
                        }
                        if scorer.doc() == doc {
                            score += scorer.score();
                        }
                    }
                    top.offer(candidate(doc, -f64::from(score), score));
                });
            }
        }
        (Sort::Relevance | Sort::Name, _) => {
            let by_name = sort == Sort::Name;
            let key = |doc: DocId| {
                if by_name {
                    f64::from(facets.name_ranks[doc as usize])
                } else {
                    0.0
                }
            };
            // Walking the presorted order pays when matches are dense enough to fill the page
            // soon; otherwise every match goes through the heap.
            let expected_walk = (top.limit as u64)
                .saturating_mul(u64::from(segment.reader.max_doc()))
                / matches.len().max(1) as u64;
            if expected_walk < matches.len() as u64 {
                let order = if by_name {
                    &facets.by_name
                } else {
                    &facets.by_id
                };
                for &doc in order {
                    if top.is_full() {
                        break;
                    }
                    if matches.contains(doc) {
                        top.offer(candidate(doc, key(doc), 0.0));
                    }
                }
            } else {
                matches.for_each(|doc| top.offer(candidate(doc, key(doc), 0.0)));
            }
        }
        (Sort::Distance, _) => {
            let Some(near) = near else {
                return Ok(());
            };
            let chord = |doc: DocId| {
                let vector = &facets.unit_vectors[doc as usize];
                if vector[0].is_nan() {
                    f64::INFINITY
                } else {
                    geo::chord_squared(near, vector)
                }
            };
            if let Selection::Sparse(docs) = matches {
                for &doc in docs {
                    top.offer(candidate(doc, chord(doc), 0.0));
                }
                return Ok(());
            }
            // Many matches: visit map cells from the nearest, and stop once no point of the next
            // cell can be nearer than the page's farthest hit.
            let mut cells: Vec<(f64, &MapCell)> = facets
                .map_cells
                .iter()
                .map(|cell| {
                    let nearest = (geo::angle(near, &cell.centre) - cell.radius).max(0.0);
                    (geo::chord_squared_of_angle(nearest), cell)
                })
                .collect();
            cells.sort_by(|left, right| left.0.total_cmp(&right.0));
            for (bound, cell) in cells {
                if top.worst_key().is_some_and(|worst| bound > worst) {
                    break;
                }
                let range = cell.start as usize..cell.end as usize;
                for (&doc, vector) in facets.by_cell[range.clone()]
                    .iter()
                    .zip(&facets.cell_vectors[range])
                {
                    if matches.contains(doc) {
                        top.offer(candidate(doc, geo::chord_squared(near, vector), 0.0));
                    }
                }
            }
            if !top.is_full() {
                let located = facets.map_cells.last().map_or(0, |cell| cell.end as usize);
                for &doc in &facets.by_cell[located..] {
                    if matches.contains(doc) {
                        top.offer(candidate(doc, f64::INFINITY, 0.0));
                    }
                }
            }
        }
    }
    Ok(())
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
            let (name, _) = segments[candidate.segment as usize]
                .facets
                .profiles
                .shown(candidate.doc);
            named.push((
                crate::text::sort_key(&String::from_utf8_lossy(name)),
                candidate,
            ));
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
/// [`SearchResults::facets`] and every selected value present. Works by number: NUTS counts
/// roll up along the interned parents, and every group's values are visited in value order.
fn assemble_facets(
    interner: &Interner,
    plan: &Plan,
    main_counts: &[u32],
    group_counts: &HashMap<FacetGroup, Vec<u32>>,
) -> BTreeMap<FacetGroup, BTreeMap<String, u64>> {
    let source = |group: FacetGroup| group_counts.get(&group).map_or(main_counts, Vec::as_slice);
    let mut nuts_counts = vec![0u64; interner.len()];
    let nuts_source = source(FacetGroup::Nuts);
    for &number in interner.numbers_of(FacetGroup::Nuts) {
        let count = u64::from(nuts_source.get(number as usize).copied().unwrap_or(0));
        if count == 0 {
            continue;
        }
        let mut next = Some(number);
        while let Some(region) = next {
            nuts_counts[region as usize] += count;
            next = interner.parent(region);
        }
    }

    let no_values: Vec<String> = Vec::new();
    let mut facets = BTreeMap::new();
    for group in FacetGroup::ALL {
        let selected = plan
            .groups
            .iter()
            .find(|(active, _)| *active == group)
            .map_or(&no_values, |(_, values)| values);
        let counts = source(group);
        let expanded_nuts: Vec<&str> = if group == FacetGroup::Nuts {
            selected
                .iter()
                .filter(|code| code.len() >= 4 && code.is_char_boundary(4))
                .map(|code| &code[..4])
                .collect()
        } else {
            Vec::new()
        };
        let mut values: Vec<(String, u64)> = Vec::new();
        for &number in interner.numbers_of(group) {
            let count = if group == FacetGroup::Nuts {
                nuts_counts[number as usize]
            } else {
                u64::from(counts.get(number as usize).copied().unwrap_or(0))
            };
            let (_, value) = interner.entry(number);
            let is_selected = !selected.is_empty() && selected.iter().any(|chosen| chosen == value);
            if count == 0 && !is_selected {
                continue;
            }
            let shown = match group {
                FacetGroup::Nuts => {
                    value.len() <= 4
                        || (value.is_char_boundary(4) && expanded_nuts.contains(&&value[..4]))
                }
                // The main pass counts NACE divisions only (its other NACE numbers may hold
                // base counts without their corrections), so below a division only a NACE
                // pass's counts are shown, and those exist exactly when a code is selected.
                FacetGroup::Nace => {
                    (value.len() == 2 && value.bytes().all(|byte| byte.is_ascii_digit()))
                        || selected
                            .iter()
                            .any(|chosen| value.starts_with(chosen.as_str()))
                }
                _ => true,
            };
            if shown || is_selected {
                values.push((value.to_owned(), count));
            }
        }
        for value in selected {
            if interner.lookup(group, value).is_none() {
                values.push((value.clone(), 0));
            }
        }
        facets.insert(group, values.into_iter().collect());
    }
    facets
}

/// A result row: the name and city from the profile columns, the rest from the facet table.
fn make_hit(
    facets: &SegmentFacets,
    interner: &Interner,
    candidate: &Candidate,
    scored: bool,
    near: Option<(f64, f64)>,
) -> Result<Hit, SearchError> {
    let (name, city) = facets.profiles.shown(candidate.doc);
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let values = |group: FacetGroup| -> Vec<String> {
        facets
            .column(group)
            .values(candidate.doc)
            .iter()
            .map(|&local| interner.entry(facets.globals[local as usize]).1.to_owned())
            .collect()
    };
    let first = |group: FacetGroup| values(group).into_iter().next();
    let (lat, lon) = facets.locations[candidate.doc as usize];
    let location = (!lat.is_nan()).then_some((lat, lon));
    let mut sectors = values(FacetGroup::Sector);
    sectors.sort_by_key(|sector| (sector.parse::<u32>().unwrap_or(u32::MAX), sector.clone()));
    Ok(Hit {
        id: candidate.id,
        name: text(name),
        kind: first(FacetGroup::Kind).unwrap_or_default(),
        country: first(FacetGroup::Country).unwrap_or_default(),
        nuts: first(FacetGroup::Nuts),
        city: city.map(text),
        lat: location.map(|(lat, _)| lat),
        lon: location.map(|(_, lon)| lon),
        sectors,
        score: if scored { candidate.score } else { 0.0 },
        distance_km: near
            .zip(location)
            .map(|(from, to)| geo::distance_km(from, to)),
    })
}
