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

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, TokenStream,
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

/// The analyser for every searchable text field and for the search box.
pub(crate) fn analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|word| (*word).to_owned()),
        ))
        .build()
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
    let mut analyser = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyser.token_stream(name);
    let mut key = String::with_capacity(name.len());
    while stream.advance() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&stream.token().text);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

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
