//! Sets of documents of one segment: a sorted list when few, a bitmap when many.
//!
//! Each condition of a search (a keyword, a facet group, the map box, the live documents) becomes
//! one set; a pass intersects the sets it needs. Small sets stay sorted lists so that a selective
//! search never touches a bitmap of a million bits; large ones are bitmaps, intersected a word at
//! a time.

use tantivy::DocId;

/// A set of documents below a segment's `max_doc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// Ascending, without repeats.
    Sparse(Vec<DocId>),
    Dense(Bits),
}

/// A bitmap of documents with its number of members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

/// Lists at most this fraction of `max_doc` long stay lists (a list entry costs 32 bits).
const SPARSE_DIVISOR: usize = 32;

fn word_count(max_doc: DocId) -> usize {
    (max_doc as usize).div_ceil(64)
}

impl Bits {
    /// An empty bitmap for documents below `max_doc`.
    pub(crate) fn empty(max_doc: DocId) -> Bits {
        Bits {
            words: vec![0; word_count(max_doc)],
            len: 0,
        }
    }

    /// Every document below `max_doc`.
    pub(crate) fn full(max_doc: DocId) -> Bits {
        let mut words = vec![u64::MAX; word_count(max_doc)];
        let tail = max_doc as usize % 64;
        if tail != 0
            && let Some(last) = words.last_mut()
        {
            *last = (1u64 << tail) - 1;
        }
        Bits {
            words,
            len: max_doc as usize,
        }
    }

    /// Adds a document (which must be below `max_doc`).
    #[inline]
    pub(crate) fn insert(&mut self, doc: DocId) {
        let word = &mut self.words[doc as usize / 64];
        let bit = 1u64 << (doc % 64);
        if *word & bit == 0 {
            *word |= bit;
            self.len += 1;
        }
    }

    /// Whether a document is in the set.
    #[inline]
    pub(crate) fn contains(&self, doc: DocId) -> bool {
        self.words
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1u64 << (doc % 64)) != 0)
    }

    /// The number of documents in the set.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The words of the bitmap.
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// Adds every document of `other`.
    pub(crate) fn union_with(&mut self, other: &Bits) {
        let mut len = 0;
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word |= other;
            len += word.count_ones() as usize;
        }
        self.len = len;
    }

    /// Keeps only the documents also in `other`.
    pub(crate) fn intersect_with(&mut self, other: &Bits) {
        let mut len = 0;
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word &= other;
            len += word.count_ones() as usize;
        }
        self.len = len;
    }

    /// Calls `visit` with every document, ascending.
    #[inline]
    pub(crate) fn for_each(&self, mut visit: impl FnMut(DocId)) {
        for_each_in_words(self.words.iter().copied(), &mut visit);
    }

    /// Bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// Calls `visit` with the position of every set bit of a sequence of words.
#[inline]
pub(crate) fn for_each_in_words(words: impl Iterator<Item = u64>, visit: &mut impl FnMut(DocId)) {
    for (index, mut word) in words.enumerate() {
        let base = (index * 64) as DocId;
        while word != 0 {
            visit(base + word.trailing_zeros());
            word &= word - 1;
        }
    }
}

/// Documents handed out at a time by the batch iterators.
pub(crate) const BATCH: usize = 64;

/// Calls `visit` with the set bits of a sequence of words, up to [`BATCH`] documents at a time.
fn for_each_batch_in_words(words: impl Iterator<Item = u64>, visit: &mut impl FnMut(&[DocId])) {
    let mut batch = [0 as DocId; BATCH];
    let mut filled = 0;
    for (index, mut word) in words.enumerate() {
        let base = (index * 64) as DocId;
        while word != 0 {
            batch[filled] = base + word.trailing_zeros();
            filled += 1;
            word &= word - 1;
            if filled == BATCH {
                visit(&batch);
                filled = 0;
            }
        }
    }
    if filled > 0 {
        visit(&batch[..filled]);
    }
}

impl Selection {
    /// Calls `visit` with every document, ascending, in batches of at most [`BATCH`].
    pub(crate) fn for_each_batch(&self, mut visit: impl FnMut(&[DocId])) {
        match self {
            Selection::Sparse(docs) => {
                for chunk in docs.chunks(BATCH) {
                    visit(chunk);
                }
            }
            Selection::Dense(bits) => {
                for_each_batch_in_words(bits.words().iter().copied(), &mut visit);
            }
        }
    }

    /// Calls `visit` with every document of `base` that is not in this set, in batches of at
    /// most [`BATCH`]. `base` must hold this set.
    pub(crate) fn for_each_batch_missing_from(&self, base: &Bits, mut visit: impl FnMut(&[DocId])) {
        match self {
            Selection::Dense(bits) => for_each_batch_in_words(
                base.words()
                    .iter()
                    .zip(bits.words())
                    .map(|(base, kept)| base & !kept),
                &mut visit,
            ),
            Selection::Sparse(_) => {
                let mut batch = Vec::with_capacity(BATCH);
                self.for_each_missing_from(base, |doc| {
                    batch.push(doc);
                    if batch.len() == BATCH {
                        visit(&batch);
                        batch.clear();
                    }
                });
                if !batch.is_empty() {
                    visit(&batch);
                }
            }
        }
    }

    /// The set of a sorted list of documents, as a list or a bitmap depending on its size.
    pub(crate) fn from_sorted(docs: Vec<DocId>, max_doc: DocId) -> Selection {
        if docs.len() > (max_doc as usize) / SPARSE_DIVISOR {
            let mut bits = Bits::empty(max_doc);
            for doc in docs {
                bits.insert(doc);
            }
            Selection::Dense(bits)
        } else {
            Selection::Sparse(docs)
        }
    }

    /// The number of documents.
    pub(crate) fn len(&self) -> usize {
        match self {
            Selection::Sparse(docs) => docs.len(),
            Selection::Dense(bits) => bits.len(),
        }
    }

    /// Whether a document is in the set.
    #[inline]
    pub(crate) fn contains(&self, doc: DocId) -> bool {
        match self {
            Selection::Sparse(docs) => docs.binary_search(&doc).is_ok(),
            Selection::Dense(bits) => bits.contains(doc),
        }
    }

    /// Calls `visit` with every document, ascending.
    #[inline]
    pub(crate) fn for_each(&self, mut visit: impl FnMut(DocId)) {
        match self {
            Selection::Sparse(docs) => {
                for &doc in docs {
                    visit(doc);
                }
            }
            Selection::Dense(bits) => bits.for_each(visit),
        }
    }

    /// The set as a bitmap.
    pub(crate) fn to_bits(&self, max_doc: DocId) -> Bits {
        match self {
            Selection::Dense(bits) => bits.clone(),
            Selection::Sparse(docs) => {
                let mut bits = Bits::empty(max_doc);
                for &doc in docs {
                    bits.insert(doc);
                }
                bits
            }
        }
    }

    /// The union of several sets.
    pub(crate) fn union(parts: Vec<Selection>, max_doc: DocId) -> Selection {
        let total: usize = parts.iter().map(Selection::len).sum();
        let all_sparse = parts
            .iter()
            .all(|part| matches!(part, Selection::Sparse(_)));
        if all_sparse && total <= (max_doc as usize) / SPARSE_DIVISOR {
            let mut docs: Vec<DocId> = Vec::with_capacity(total);
            for part in parts {
                if let Selection::Sparse(part) = part {
                    docs.extend(part);
                }
            }
            docs.sort_unstable();
            docs.dedup();
            return Selection::Sparse(docs);
        }
        let mut parts = parts.into_iter();
        let mut bits = match parts.next() {
            Some(first) => first.into_bits(max_doc),
            None => return Selection::Sparse(Vec::new()),
        };
        for part in parts {
            match part {
                Selection::Dense(other) => bits.union_with(&other),
                Selection::Sparse(docs) => {
                    for doc in docs {
                        bits.insert(doc);
                    }
                }
            }
        }
        Selection::Dense(bits)
    }

    fn into_bits(self, max_doc: DocId) -> Bits {
        match self {
            Selection::Dense(bits) => bits,
            sparse => sparse.to_bits(max_doc),
        }
    }

    /// The intersection of several sets (all documents below `max_doc` for none).
    pub(crate) fn intersection(parts: &[&Selection], max_doc: DocId) -> Selection {
        let smallest_list = parts
            .iter()
            .filter(|part| matches!(part, Selection::Sparse(_)))
            .min_by_key(|part| part.len());
        if let Some(driver) = smallest_list
            && let Selection::Sparse(docs) = driver
        {
            // The driver's documents ascend, so each other list is walked forward from where the
            // last document left it (galloping), not searched from its start every time.
            let mut cursors = vec![0_usize; parts.len()];
            let kept: Vec<DocId> = docs
                .iter()
                .copied()
                .filter(|&doc| {
                    parts
                        .iter()
                        .zip(cursors.iter_mut())
                        .all(|(part, cursor)| match part {
                            _ if std::ptr::eq(*part, *driver) => true,
                            Selection::Dense(bits) => bits.contains(doc),
                            Selection::Sparse(list) => {
                                *cursor = gallop(list, *cursor, doc);
                                list.get(*cursor) == Some(&doc)
                            }
                        })
                })
                .collect();
            return Selection::Sparse(kept);
        }
        let mut bitmaps = parts.iter().filter_map(|part| match part {
            Selection::Dense(bits) => Some(bits),
            Selection::Sparse(_) => None,
        });
        let Some(first) = bitmaps.next() else {
            return Selection::Dense(Bits::full(max_doc));
        };
        let mut bits = first.clone();
        for other in bitmaps {
            bits.intersect_with(other);
        }
        Selection::from_bits(bits, max_doc)
    }

    /// A bitmap as a list if it has become small.
    pub(crate) fn from_bits(bits: Bits, max_doc: DocId) -> Selection {
        if bits.len() <= (max_doc as usize) / SPARSE_DIVISOR {
            let mut docs = Vec::with_capacity(bits.len());
            bits.for_each(|doc| docs.push(doc));
            Selection::Sparse(docs)
        } else {
            Selection::Dense(bits)
        }
    }

    /// Calls `visit` with every document of `base` that is not in this set. `base` must hold
    /// this set.
    pub(crate) fn for_each_missing_from(&self, base: &Bits, mut visit: impl FnMut(DocId)) {
        match self {
            Selection::Dense(bits) => for_each_in_words(
                base.words()
                    .iter()
                    .zip(bits.words())
                    .map(|(base, kept)| base & !kept),
                &mut visit,
            ),
            Selection::Sparse(docs) => {
                let mut kept = docs.iter().peekable();
                base.for_each(|doc| {
                    while kept.next_if(|&&next| next < doc).is_some() {}
                    if kept.peek() != Some(&&doc) {
                        visit(doc);
                    }
                });
            }
        }
    }
}

/// The first position at or after `from` whose document is `target` or above (`list.len()` if
/// there is none), for an ascending `list`: steps of 1, 2, 4, ... from `from`, then a binary
/// search in the last step, so walking a list forward costs about the log of each gap.
fn gallop(list: &[DocId], from: usize, target: DocId) -> usize {
    let from = from.min(list.len());
    let rest = &list[from..];
    let mut bound = 1;
    while bound < rest.len() && rest[bound] < target {
        bound *= 2;
    }
    let low = bound / 2;
    let high = (bound + 1).min(rest.len());
    if low >= high {
        return from + high;
    }
    from + low + rest[low..high].partition_point(|&doc| doc < target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(selection: &Selection) -> Vec<DocId> {
        let mut out = Vec::new();
        selection.for_each(|doc| out.push(doc));
        out
    }

    fn both(list: &[DocId], max_doc: DocId) -> [Selection; 2] {
        let sparse = Selection::Sparse(list.to_vec());
        let mut bits = Bits::empty(max_doc);
        for &doc in list {
            bits.insert(doc);
        }
        [sparse, Selection::Dense(bits)]
    }

    #[test]
    fn galloping_finds_the_first_document_at_or_above_the_target() {
        let list: Vec<DocId> = (0..200).map(|doc| doc * 3).collect();
        for from in [0, 1, 7, 64, 199, 200, 250] {
            for target in 0..650 {
                let expected = from.min(list.len())
                    + list[from.min(list.len())..].partition_point(|&doc| doc < target);
                assert_eq!(gallop(&list, from, target), expected, "{from} {target}");
            }
        }
        assert_eq!(gallop(&[], 0, 5), 0);
    }

    #[test]
    fn intersections_of_many_lists_and_bitmaps_equal_a_recount() {
        // Deterministic pseudo-random sets of several densities, in every form, three at a time.
        let max_doc: DocId = 5_000;
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..40 {
            let lists: Vec<Vec<DocId>> = (0..3)
                .map(|_| {
                    let every = 1 + next() % 40;
                    (0..max_doc)
                        .filter(|_| next() % every == 0)
                        .collect::<Vec<DocId>>()
                })
                .collect();
            let expected: Vec<DocId> = (0..max_doc)
                .filter(|doc| lists.iter().all(|list| list.binary_search(doc).is_ok()))
                .collect();
            let forms: Vec<[Selection; 2]> = lists.iter().map(|list| both(list, max_doc)).collect();
            for a in &forms[0] {
                for b in &forms[1] {
                    for c in &forms[2] {
                        let and = Selection::intersection(&[a, b, c], max_doc);
                        assert_eq!(docs(&and), expected);
                    }
                }
            }
        }
    }

    #[test]
    fn full_bitmaps_hold_every_document_and_nothing_more() {
        let full = Bits::full(130);
        assert_eq!(full.len(), 130);
        assert!(full.contains(129));
        assert!(!full.contains(130));
        let mut seen = 0;
        full.for_each(|_| seen += 1);
        assert_eq!(seen, 130);
    }

    #[test]
    fn set_operations_agree_in_both_forms() {
        let max_doc = 300;
        let left: Vec<DocId> = (0..300).filter(|doc| doc % 3 == 0).collect();
        let right: Vec<DocId> = (0..300).filter(|doc| doc % 5 == 0).collect();
        let expected_and: Vec<DocId> = (0..300).filter(|doc| doc % 15 == 0).collect();
        let expected_or: Vec<DocId> = (0..300)
            .filter(|doc| doc % 3 == 0 || doc % 5 == 0)
            .collect();
        for left in both(&left, max_doc) {
            for right in both(&right, max_doc) {
                let and = Selection::intersection(&[&left, &right], max_doc);
                assert_eq!(docs(&and), expected_and);
                assert_eq!(and.len(), expected_and.len());
                let or = Selection::union(vec![left.clone(), right.clone()], max_doc);
                assert_eq!(docs(&or), expected_or);
                assert_eq!(or.len(), expected_or.len());
                for doc in 0..max_doc {
                    assert_eq!(and.contains(doc), expected_and.contains(&doc));
                }
            }
        }
        let everything = Selection::intersection(&[], max_doc);
        assert_eq!(everything.len(), 300);
    }

    #[test]
    fn missing_documents_are_the_base_without_the_set() {
        let max_doc = 200;
        let base_list: Vec<DocId> = (0..200).filter(|doc| doc % 2 == 0).collect();
        let mut base = Bits::empty(max_doc);
        for &doc in &base_list {
            base.insert(doc);
        }
        let kept: Vec<DocId> = (0..200).filter(|doc| doc % 4 == 0).collect();
        let expected: Vec<DocId> = (0..200).filter(|doc| doc % 4 == 2).collect();
        for set in both(&kept, max_doc) {
            let mut missing = Vec::new();
            set.for_each_missing_from(&base, |doc| missing.push(doc));
            assert_eq!(missing, expected);
        }
    }

    #[test]
    fn batches_hand_out_every_document_once_in_order() {
        let max_doc = 1000;
        let list: Vec<DocId> = (0..1000).filter(|doc| doc % 7 != 3).collect();
        let base = Bits::full(max_doc);
        for set in both(&list, max_doc) {
            let mut seen = Vec::new();
            set.for_each_batch(|batch| {
                assert!(batch.len() <= BATCH);
                seen.extend_from_slice(batch);
            });
            assert_eq!(seen, list);
            let mut missing = Vec::new();
            set.for_each_batch_missing_from(&base, |batch| missing.extend_from_slice(batch));
            let expected: Vec<DocId> = (0..1000).filter(|doc| doc % 7 == 3).collect();
            assert_eq!(missing, expected);
        }
    }

    #[test]
    fn lists_become_bitmaps_only_when_large() {
        assert!(matches!(
            Selection::from_sorted(vec![1, 2, 3], 6400),
            Selection::Sparse(_)
        ));
        assert!(matches!(
            Selection::from_sorted((0..1000).collect(), 6400),
            Selection::Dense(_)
        ));
    }
}
