//! How profile texts and search boxes become terms: one analyser for every language.
//!
//! Profiles are written in any of the EU's languages, often several at once, and a visitor may
//! search in yet another. The analyser therefore does nothing language-specific beyond a short
//! list of function words: it splits on anything that is not a letter or a digit, drops tokens
//! longer than 40 bytes (hashes, pasted URLs), lower-cases, folds accents and ligatures to ASCII
//! (`München` and `Munchen` both become `munchen`, `Straße` becomes `strasse`) and removes the
//! commonest function words of English, French, German, Spanish and Italian. There is no
//! stemming: a stemmer must know the language of each text, and a wrong guess hurts more than
//! the missing plural folding helps on short profile texts.

use std::sync::OnceLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// The name under which the analyser is registered with the index.
pub(crate) const ANALYSER_NAME: &str = "clusterhub_text";

/// Function words removed from texts and queries. Only words that carry no meaning on their own
/// in any of the languages are listed, so that no language loses a content word to another
/// language's list (French `eu`, German `art` and English `it` stay, for instance). Entries are written as the
/// analyser produces them: lower case, accents folded.
const STOP_WORDS: &[&str] = &[
    // English.
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to", "was", "we",
    "were", "which", "with", // French.
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "il", "la",
    "le", "les", "leur", "leurs", "nous", "par", "pour", "que", "qui", "sur", "un", "une", "vous",
    // German.
    "am", "auf", "aus", "bei", "das", "dem", "den", "der", "des", "die", "ein", "eine", "einem",
    "einen", "einer", "eines", "fur", "im", "ist", "mit", "sich", "sie", "sind", "und", "vom",
    "von", "zu", "zum", "zur", // Spanish and Italian.
    "con", "del", "el", "il", "las", "los", "nel", "nella", "per", "una", "y",
];

/// Tokens of this many bytes or more (before folding) are dropped.
const MAX_TOKEN_BYTES: usize = 40;

/// The analyser for every searchable text field and for the search box.
pub(crate) fn analyser() -> TextAnalyzer {
    TextAnalyzer::from(ProfileTokenizer::default())
}

/// Whether an analysed word is one of [`STOP_WORDS`]. Every token of every profile asks, so the
/// words are packed into integers (bytes and length, see [`packed`]) and kept in a small
/// open-addressing table: a string binary search (a `memcmp` call per probe) was a fifth of the
/// indexer's time, and a binary search over the integers still mispredicted a branch per probe.
fn is_stop_word(word: &str) -> bool {
    packed(word).is_some_and(is_stop_key)
}

/// Whether a [`packed`] word is one of [`STOP_WORDS`].
fn is_stop_key(key: u64) -> bool {
    static TABLE: OnceLock<[u64; STOP_SLOTS]> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u64; STOP_SLOTS];
        for key in STOP_WORDS.iter().filter_map(|word| packed(word)) {
            let mut slot = stop_slot(key);
            while table[slot] != 0 && table[slot] != key {
                slot = (slot + 1) % STOP_SLOTS;
            }
            table[slot] = key;
        }
        table
    });
    let mut slot = stop_slot(key);
    loop {
        match table[slot] {
            0 => return false,
            found if found == key => return true,
            _ => slot = (slot + 1) % STOP_SLOTS,
        }
    }
}

/// Slots of the function-word table: a power of two, a bit over twice the words.
const STOP_SLOTS: usize = 256;

/// Where a packed word's search starts in the function-word table (Fibonacci hashing).
fn stop_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize
}

/// A word of at most seven bytes as one number (its bytes, then its length in the top byte), so
/// that two words are equal exactly when their numbers are; longer words give `None`.
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    // Shifted in one byte at a time: copying the bytes into an array and reading it back as
    // one integer made the processor wait for the copy (a failed store-to-load forwarding) on
    // every token.
    let mut key = (bytes.len() as u64) << 56;
    for (at, &byte) in bytes.iter().enumerate() {
        key |= u64::from(byte) << (8 * at);
    }
    Some(key)
}

/// Lower-cases and folds a word that is not pure ASCII, the way tantivy's `LowerCaser` and
/// `AsciiFoldingFilter` do (through them, so that the two paths cannot drift apart).
type Folder = <AsciiFoldingFilter as TokenFilter>::Tokenizer<
    <LowerCaser as TokenFilter>::Tokenizer<RawTokenizer>,
>;

fn folder() -> Folder {
    AsciiFoldingFilter.transform(LowerCaser.transform(RawTokenizer::default()))
}

/// Appends `word` lower-cased and folded to ASCII to `out`.
///
/// Both of tantivy's filters work one character at a time, so a word folds to the folds of its
/// characters: ASCII is lower-cased in place, and characters of two UTF-8 bytes (Latin-1,
/// Latin Extended, Greek, Cyrillic and the rest up to U+07FF: nearly every accent in European
/// texts) come from a table made once through the filters. A word with any other character goes
/// through the filters whole.
fn push_folded(word: &str, ascii: bool, folder: &mut Folder, out: &mut String) {
    if ascii {
        push_lower_ascii(word, out);
        return;
    }
    let start = out.len();
    let table = two_byte_folds();
    for character in word.chars() {
        let code = character as usize;
        if code < 0x80 {
            out.push((character as u8).to_ascii_lowercase() as char);
        } else if let Some(folded) = table.get(code - 0x80) {
            out.push_str(folded);
        } else {
            out.truncate(start);
            out.push_str(&fold_through_filters(word, folder));
            return;
        }
    }
}

/// The lower-cased, folded form of every character from U+0080 to U+07FF, in code order
/// (surrogates cannot occur there, so every code is a character).
fn two_byte_folds() -> &'static [Box<str>] {
    static TABLE: OnceLock<Box<[Box<str>]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut folder = folder();
        (0x80..0x800_u32)
            .filter_map(char::from_u32)
            .map(|character| {
                fold_through_filters(character.encode_utf8(&mut [0; 4]), &mut folder).into()
            })
            .collect()
    })
}

/// `word` through tantivy's `LowerCaser` and `AsciiFoldingFilter`.
fn fold_through_filters(word: &str, folder: &mut Folder) -> String {
    let mut stream = folder.token_stream(word);
    if stream.advance() {
        std::mem::take(&mut stream.token_mut().text)
    } else {
        String::new()
    }
}

/// Appends an ASCII `word` in lower case to `out`.
fn push_lower_ascii(word: &str, out: &mut String) {
    let start = out.len();
    out.push_str(word);
    out[start..].make_ascii_lowercase();
}

/// Finds the next run of letters and digits in `text` from byte `from` on: (start, end, whether
/// it is pure ASCII). Splits exactly where tantivy's `SimpleTokenizer` does (on every character
/// that is not alphanumeric), with a byte loop for ASCII text.
fn next_word(text: &str, from: usize) -> Option<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let mut at = from;
    let start = loop {
        let &byte = bytes.get(at)?;
        if byte < 0x80 {
            if byte.is_ascii_alphanumeric() {
                break at;
            }
            at += 1;
        } else {
            let character = text[at..].chars().next()?;
            if character.is_alphanumeric() {
                break at;
            }
            at += character.len_utf8();
        }
    };
    let mut ascii = true;
    while let Some(&byte) = bytes.get(at) {
        if byte < 0x80 {
            if !byte.is_ascii_alphanumeric() {
                break;
            }
            at += 1;
        } else {
            let Some(character) = text[at..].chars().next() else {
                break;
            };
            if !character.is_alphanumeric() {
                break;
            }
            ascii = false;
            at += character.len_utf8();
        }
    }
    Some((start, at, ascii))
}

/// The profile analyser as one tokenizer: splitting, the length limit, lower-casing, folding and
/// the function words in a single pass over the text, where a chain of five tantivy filters
/// copies every token several times. It gives the same tokens as
/// `SimpleTokenizer → RemoveLongFilter(40) → LowerCaser → AsciiFoldingFilter →
/// StopWordFilter(STOP_WORDS)` (a test compares them), in about half the time; the indexer
/// spends most of its time here and in the postings.
#[derive(Clone)]
pub(crate) struct ProfileTokenizer {
    token: Token,
    folder: Folder,
}

impl Default for ProfileTokenizer {
    fn default() -> Self {
        ProfileTokenizer {
            token: Token::default(),
            folder: folder(),
        }
    }
}

/// The tokens of one text; see [`ProfileTokenizer`].
pub(crate) struct ProfileTokenStream<'a> {
    text: &'a str,
    cursor: usize,
    token: &'a mut Token,
    folder: &'a mut Folder,
}

impl ProfileTokenStream<'_> {
    /// Takes the word (or the separators before it) from byte `from` on through [`next_word`]
    /// and the folding of any character: whether it gave a token.
    fn general_word(&mut self, from: usize) -> bool {
        let Some((start, end, ascii)) = next_word(self.text, from) else {
            self.cursor = self.text.len();
            return false;
        };
        self.cursor = end;
        // Positions count every word, dropped or not, as the filter chain counts them.
        self.token.position = self.token.position.wrapping_add(1);
        if end - start >= MAX_TOKEN_BYTES {
            return false;
        }
        self.token.text.clear();
        push_folded(
            &self.text[start..end],
            ascii,
            self.folder,
            &mut self.token.text,
        );
        if is_stop_word(&self.token.text) {
            return false;
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        true
    }
}

impl Tokenizer for ProfileTokenizer {
    type TokenStream<'a> = ProfileTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ProfileTokenStream<'a> {
        self.token.reset();
        ProfileTokenStream {
            text,
            cursor: 0,
            token: &mut self.token,
            folder: &mut self.folder,
        }
    }
}

impl TokenStream for ProfileTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        loop {
            let mut at = self.cursor;
            while let Some(&byte) = bytes.get(at) {
                if byte >= 0x80 || byte.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
            }
            let Some(&first) = bytes.get(at) else {
                self.cursor = at;
                return false;
            };
            if first >= 0x80 {
                if self.general_word(at) {
                    return true;
                }
                continue;
            }
            // Most words are ASCII: scanned, lower-cased into the token and packed for the
            // function-word check in one pass over their bytes.
            let start = at;
            let mut key = 0u64;
            self.token.text.clear();
            while let Some(&byte) = bytes.get(at) {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                let lower = byte.to_ascii_lowercase();
                let length = at - start;
                if length < MAX_TOKEN_BYTES {
                    self.token.text.push(char::from(lower));
                }
                if length < 7 {
                    key |= u64::from(lower) << (8 * length);
                }
                at += 1;
            }
            if bytes.get(at).is_some_and(|&byte| byte >= 0x80)
                && self.text[at..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                // A letter beyond ASCII goes on with the word.
                if self.general_word(start) {
                    return true;
                }
                continue;
            }
            self.cursor = at;
            // Positions count every word, dropped or not, as the filter chain counts them.
            self.token.position = self.token.position.wrapping_add(1);
            let length = at - start;
            if length >= MAX_TOKEN_BYTES
                || (length <= 7 && is_stop_key(key | (length as u64) << 56))
            {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = at;
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The terms the index makes of a text, in order, repeats kept: what a profile's texts and a
/// search box become (for instance to feed another engine exactly the same words).
pub fn analyse(text: &str) -> Vec<String> {
    let mut analyser = analyser();
    let mut stream = analyser.token_stream(text);
    let mut terms: Vec<String> = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

/// The distinct terms of a search box text, in the order they first occur.
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in analyse(text) {
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    terms
}

/// A name as it sorts: lower case with accents folded, so that `Émile` sorts beside `Emile`
/// and not after `Zeta`. Runs of anything that is not a letter or a digit become one space.
pub(crate) fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    push_sort_key(name, &mut key);
    key
}

/// Appends a name's [`sort_key`] to `out`.
pub(crate) fn push_sort_key(name: &str, out: &mut String) {
    let key = out;
    let start = key.len();
    let mut folder: Option<Folder> = None;
    let mut cursor = 0;
    while let Some((word_start, end, ascii)) = next_word(name, cursor) {
        cursor = end;
        if key.len() > start {
            key.push(' ');
        }
        let word = &name[word_start..end];
        if ascii {
            push_lower_ascii(word, key);
        } else {
            push_folded(word, false, folder.get_or_insert_with(self::folder), key);
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer, StopWordFilter};

    use super::*;

    /// The filter chain the fused tokenizer stands for.
    fn chain() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(StopWordFilter::remove(
                STOP_WORDS.iter().map(|word| (*word).to_owned()),
            ))
            .build()
    }

    fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyser.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            tokens.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        tokens
    }

    #[test]
    fn the_fused_tokenizer_gives_what_the_filter_chain_gives() {
        let texts = [
            "",
            "   ",
            "Hello, happy tax payer!",
            "München Straße Œuvre ÆSIR ﬁnance İstanbul ΑΘΗΝΑ Ελλάδα Łódź Ærø",
            "Pôle de compétitivité für Wasserstoff in der Stadt, and the EU's AI-cluster",
            "x1 2x 62.01 DE212 H2020 — co-operation/partners;über‑all\ttab\nnew line",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "éééééééééééééééééééé ééééééééééééééééééé short",
            "日本語のテキスト 한국어 текст на русском 🙂 emoji🙂inside",
            "FÜR für Fur THE The De DES des Y y IL il",
            "trailing accent é",
            "ﬀ ß ẞ ǅ Ǆ ǆ",
            // ASCII words that a letter beyond ASCII continues, or a separator beyond it ends.
            "Zürich caféine naïve abcdefghé abcdefghijklmnopqrstuvwxyzabcdefghijklé x—y a–b c\u{301}d",
            "THE Und UND thé Thé einem EINEM einemx abcdefg abcdefgh",
        ];
        let mut fused = analyser();
        let mut reference = chain();
        for text in texts {
            assert_eq!(
                tokens(&mut fused, text),
                tokens(&mut reference, text),
                "{text:?}"
            );
        }
        // Every character of the first planes, alone and inside words.
        let mut all = String::new();
        for code in 0..0x3_0000_u32 {
            if let Some(character) = char::from_u32(code) {
                all.push(character);
                all.push('a');
                all.push(character);
                all.push(' ');
            }
        }
        assert_eq!(tokens(&mut fused, &all), tokens(&mut reference, &all));
    }

    #[test]
    fn stop_words_are_found_and_nothing_else() {
        for word in STOP_WORDS {
            assert!(word.len() <= 7, "{word} is too long to be packed");
            assert!(is_stop_word(word), "{word}");
        }
        let near = [
            "",
            "it",
            "eu",
            "art",
            "cluster",
            "ands",
            "zz",
            "the\0",
            "\0the",
            "th",
            "thee",
            "einemx",
            "einem\0\0",
        ];
        for word in near {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn terms_are_lower_case_ascii_without_function_words() {
        let check = |text: &str, expected: &[&str]| assert_eq!(query_terms(text), expected);
        check("München", &["munchen"]);
        check("Munchen", &["munchen"]);
        check("Straße der Einheit", &["strasse", "einheit"]);
        check("Pôle de compétitivité", &["pole", "competitivite"]);
        check("partners in the EU, for AI", &["partners", "eu", "ai"]);
        check("the and of", &[]);
        check("Bio-based bio based", &["bio", "based"]);
    }

    #[test]
    fn sort_keys_fold_case_and_accents() {
        assert_eq!(sort_key("Émile  Zola-Werke"), "emile zola werke");
        assert!(sort_key("Émile") < sort_key("Zeta"));
        assert_eq!(sort_key(""), "");
    }
}
