//! The user interface in several languages: one embedded message catalogue per language, the
//! choice of a request's language, and numbers written the way each language writes them.
//!
//! A catalogue is a text file `locales/<code>.txt` of `key = value` lines; `#` starts a comment
//! line and `{name}` in a value marks a value filled in at run time. `build.rs` embeds every file
//! it finds there, so a new language is added by adding its file: the tests then require it to
//! carry every key of the English catalogue with the same placeholders.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use clusterhub_reference::Lang;

include!(concat!(env!("OUT_DIR"), "/catalogue_files.rs"));

/// The language used when nothing in the request names a language we have.
pub const DEFAULT_LANGUAGE: &str = "en";

/// The cookie that remembers a visitor's choice of language.
pub const LANGUAGE_COOKIE: &str = "lang";

/// The messages of one language.
#[derive(Debug)]
pub struct Catalogue {
    code: &'static str,
    messages: HashMap<&'static str, &'static str>,
}

/// A line of a catalogue file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("locales/{code}.txt line {line}: {message}")]
pub struct CatalogueError {
    /// The language code (the file's name).
    pub code: String,
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Catalogue {
    /// Reads a catalogue file.
    pub fn parse(code: &'static str, text: &'static str) -> Result<Catalogue, CatalogueError> {
        let mut messages = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let error = |message: String| CatalogueError {
                code: code.to_owned(),
                line: index + 1,
                message,
            };
            let line = line.trim_ascii();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(error(String::from("expected `key = value`")));
            };
            let key = key.trim_ascii();
            let value = value.trim_ascii();
            let key_is_valid = !key.is_empty()
                && key.bytes().all(|byte| {
                    byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_' || byte == b'-'
                });
            if !key_is_valid {
                return Err(error(format!("{key:?} is not a valid key")));
            }
            if value.is_empty() {
                return Err(error(format!("{key} has an empty value")));
            }
            placeholders(value).map_err(|message| error(format!("{key}: {message}")))?;
            if messages.insert(key, value).is_some() {
                return Err(error(format!("{key} is defined twice")));
            }
        }
        Ok(Catalogue { code, messages })
    }

    /// The language code, such as `fr`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.messages.keys().copied()
    }

    /// The message for a key, if this catalogue has it.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.messages.get(key).copied()
    }
}

/// The names of the `{name}` placeholders of a message, or why its braces are wrong.
pub fn placeholders(message: &str) -> Result<BTreeSet<&str>, String> {
    let mut names = BTreeSet::new();
    let mut rest = message;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            return Err(String::from("a `}` without its `{`"));
        }
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err(String::from("a `{` without its `}`"));
        };
        let name = &after[..end];
        if name.is_empty()
            || !name
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte == b'_')
        {
            return Err(format!("{{{name}}} is not a placeholder name"));
        }
        names.insert(name);
        rest = &after[end + 1..];
    }
    Ok(names)
}

static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    let catalogues: Vec<Catalogue> = CATALOGUE_FILES
        .iter()
        .map(|(code, text)| {
            Catalogue::parse(code, text)
                .unwrap_or_else(|error| panic!("an embedded catalogue is invalid: {error}"))
        })
        .collect();
    assert!(
        catalogues
            .iter()
            .any(|catalogue| catalogue.code == DEFAULT_LANGUAGE),
        "the default language's catalogue is missing"
    );
    catalogues
});

/// Every embedded catalogue, in language-code order.
pub fn catalogues() -> &'static [Catalogue] {
    &CATALOGUES
}

/// A language of the user interface: its catalogue, with English to fall back on.
#[derive(Debug, Clone, Copy)]
pub struct Locale {
    catalogue: &'static Catalogue,
}

impl PartialEq for Locale {
    fn eq(&self, other: &Locale) -> bool {
        self.catalogue.code == other.catalogue.code
    }
}

impl Eq for Locale {}

impl Default for Locale {
    fn default() -> Locale {
        Locale::from_code(DEFAULT_LANGUAGE).expect("the default catalogue exists")
    }
}

impl Locale {
    /// Every language of the interface, in language-code order (the order EU sites list them in).
    pub fn all() -> impl Iterator<Item = Locale> {
        catalogues().iter().map(|catalogue| Locale { catalogue })
    }

    /// The language with this code (`fr`, `FR`, `fr-BE`); `None` if there is no catalogue for it.
    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Locale::all().find(|locale| locale.code().eq_ignore_ascii_case(primary))
    }

    /// The language for a request: an explicit `?lang=`, then the `lang` cookie, then the
    /// browser's `Accept-Language`, then English. Values that name no catalogue are skipped.
    pub fn negotiate(
        query_language: Option<&str>,
        cookie_language: Option<&str>,
        accept_language: Option<&str>,
    ) -> Locale {
        query_language
            .and_then(Locale::from_code)
            .or_else(|| cookie_language.and_then(Locale::from_code))
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }

    /// The best language of an `Accept-Language` header (RFC 9110): the highest quality among the
    /// languages we have, the first listed on a tie; `q=0` means "not this one".
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let quality = parts
                .find_map(|parameter| {
                    let (name, value) = parameter.split_once('=')?;
                    (name.trim().eq_ignore_ascii_case("q")).then(|| parse_quality(value.trim()))
                })
                .unwrap_or(Some(1000));
            let (Some(quality), Some(locale)) = (quality, Locale::from_code(tag)) else {
                continue;
            };
            if quality > 0 && best.is_none_or(|(best_quality, _)| quality > best_quality) {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }

    /// The ISO 639-1 code, as `<html lang>` wants it.
    pub fn code(self) -> &'static str {
        self.catalogue.code
    }

    /// The message for a key. A key missing here falls back to English; a key missing in English
    /// is a programming error, caught by the tests that render every page in every language.
    pub fn text(self, key: &str) -> &'static str {
        if let Some(message) = self.catalogue.get(key) {
            return message;
        }
        let english = Locale::default().catalogue.get(key);
        debug_assert!(english.is_some(), "the message {key} is missing in English");
        english.unwrap_or("…")
    }

    /// Whether this language's own catalogue has the key (without falling back to English).
    pub fn has(self, key: &str) -> bool {
        self.catalogue.get(key).is_some()
    }

    /// The message for a key with its `{name}` placeholders filled in. Values are plain text:
    /// the templates escape the result.
    pub fn format(self, key: &str, arguments: &[(&str, &str)]) -> String {
        let template = self.text(key);
        let mut formatted = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            formatted.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let end = after.find('}').unwrap_or(after.len());
            let name = &after[..end];
            match arguments.iter().find(|(argument, _)| *argument == name) {
                Some((_, value)) => formatted.push_str(value),
                None => {
                    debug_assert!(false, "the message {key} needs a value for {{{name}}}");
                    formatted.push_str(name);
                }
            }
            rest = after.get(end + 1..).unwrap_or_default();
        }
        formatted.push_str(rest);
        formatted
    }

    /// A whole number with the language's digit grouping: 12,345 in English, 12 345 in French
    /// (with a narrow no-break space), 12.345 in German.
    pub fn number(self, value: i64) -> String {
        let separator = self.text("format.group_separator");
        let digits = value.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
        if value < 0 {
            grouped.push('-');
        }
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push_str(separator);
            }
            grouped.push(digit);
        }
        grouped
    }

    /// The language in which reference data (NACE, taxonomies, cluster categories) is labelled
    /// for this interface language: the same language where the data has it, else English.
    pub fn reference_lang(self) -> Lang {
        Lang::from_code(self.code()).unwrap_or(Lang::En)
    }

    /// The name of a country in this language, from the catalogue's `country.XX` keys where it
    /// has one, else the English name of the reference data, else the code itself.
    pub fn country_name(self, alpha2: &str) -> String {
        let key = format!("country.{alpha2}");
        if let Some(name) = self.catalogue.get(&key) {
            return name.to_owned();
        }
        if let Some(name) = Locale::default().catalogue.get(&key) {
            return name.to_owned();
        }
        clusterhub_reference::Reference::get()
            .countries()
            .by_any_code(alpha2)
            .map_or_else(|| alpha2.to_owned(), |country| country.name.clone())
    }
}

/// Reads an RFC 9110 quality value as thousandths: `0.8` → 800; `None` if malformed.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> &'static Catalogue {
        catalogues()
            .iter()
            .find(|catalogue| catalogue.code() == DEFAULT_LANGUAGE)
            .expect("English")
    }

    #[test]
    fn english_french_and_german_are_embedded() {
        let codes: Vec<&str> = Locale::all().map(Locale::code).collect();
        for code in ["de", "en", "fr"] {
            assert!(codes.contains(&code), "{code} is missing from {codes:?}");
        }
    }

    #[test]
    fn every_catalogue_has_every_english_key_with_the_same_placeholders() {
        let english = english();
        for catalogue in catalogues() {
            let mut missing: Vec<&str> = english
                .keys()
                .filter(|key| catalogue.get(key).is_none())
                .collect();
            missing.sort_unstable();
            assert!(
                missing.is_empty(),
                "locales/{}.txt lacks {missing:?}",
                catalogue.code()
            );
            let mut extra: Vec<&str> = catalogue
                .keys()
                .filter(|key| english.get(key).is_none())
                .collect();
            extra.sort_unstable();
            assert!(
                extra.is_empty(),
                "locales/{}.txt has keys English lacks: {extra:?}",
                catalogue.code()
            );
            for key in english.keys() {
                let expected = placeholders(english.get(key).unwrap_or_default());
                let found = placeholders(catalogue.get(key).unwrap_or_default());
                assert_eq!(
                    found,
                    expected,
                    "locales/{}.txt: {key} has other placeholders than English",
                    catalogue.code()
                );
            }
        }
    }

    #[test]
    fn catalogue_lines_are_checked() {
        let check = |text: &'static str, expected: Option<&str>| {
            let result = Catalogue::parse("xx", text)
                .map(|_| ())
                .map_err(|error| error.message);
            assert_eq!(result.err().as_deref(), expected, "text {text:?}");
        };
        check("# comment\n\na.b = Hello {name}\n", None);
        check("a.b Hello", Some("expected `key = value`"));
        check("a b = Hello", Some("\"a b\" is not a valid key"));
        check("a = ", Some("a has an empty value"));
        check("a = x\na = y", Some("a is defined twice"));
        check("a = {Name}", Some("a: {Name} is not a placeholder name"));
        check("a = {open", Some("a: a `{` without its `}`"));
        check("a = close}", Some("a: a `}` without its `{`"));
    }

    #[test]
    fn the_language_comes_from_the_query_then_the_cookie_then_the_browser() {
        let check =
            |query: Option<&str>, cookie: Option<&str>, header: Option<&str>, expected: &str| {
                assert_eq!(
                    Locale::negotiate(query, cookie, header).code(),
                    expected,
                    "query {query:?}, cookie {cookie:?}, Accept-Language {header:?}"
                );
            };
        check(Some("fr"), Some("de"), Some("de"), "fr");
        check(Some("xx"), Some("de"), Some("fr"), "de");
        check(None, Some("zz"), Some("fr-BE, de;q=0.5"), "fr");
        check(None, None, Some("it, de;q=0.4, fr;q=0.7"), "fr");
        check(None, None, Some("fr;q=0, de;q=0.1"), "de");
        check(None, None, Some("de-AT;q=0.9, en-GB;q=0.9"), "de");
        check(None, None, Some("fr;q=2, de;q=abc"), "en");
        check(None, None, Some("*"), "en");
        check(None, None, None, "en");
        check(Some("DE"), None, None, "de");
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        let check = |code: &str, value: i64, expected: &str| {
            let locale = Locale::from_code(code).expect("language");
            assert_eq!(locale.number(value), expected, "{code} {value}");
        };
        check("en", 0, "0");
        check("en", 999, "999");
        check("en", 1_234, "1,234");
        check("en", -1_234_567, "-1,234,567");
        check("fr", 12_345, "12\u{202f}345");
        check("de", 1_000_000, "1.000.000");
    }

    #[test]
    fn messages_are_formatted_and_countries_named() {
        let french = Locale::from_code("fr").expect("French");
        assert_eq!(
            french.format("footer.version", &[("version", "1.2")]),
            "Version 1.2"
        );
        assert_eq!(french.country_name("DE"), "Allemagne");
        assert_eq!(Locale::default().country_name("JP"), "Japan");
        assert_eq!(Locale::default().country_name("??"), "??");
        assert_eq!(french.reference_lang(), Lang::Fr);
    }
}
