//! The 24 official languages of the European Union, and texts written in several of them with one
//! primary language (an organisation's names and descriptions).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::string_form;

/// One of the 24 official languages of the EU, identified by its ISO 639-1 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Bg,
    Cs,
    Da,
    De,
    El,
    En,
    Es,
    Et,
    Fi,
    Fr,
    Ga,
    Hr,
    Hu,
    It,
    Lt,
    Lv,
    Mt,
    Nl,
    Pl,
    Pt,
    Ro,
    Sk,
    Sl,
    Sv,
}

/// Why a text is not an official EU language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    #[error("a language cannot be empty")]
    Empty,
    #[error(
        "not one of the 24 official EU languages; give its ISO 639-1 code: bg, cs, da, de, el, en, es, et, fi, fr, ga, hr, hu, it, lt, lv, mt, nl, pl, pt, ro, sk, sl or sv"
    )]
    Unknown,
}

/// Code, English name and name in the language itself, in the order of [`Language`].
const LANGUAGES: [(Language, &str, &str, &str); 24] = [
    (Language::Bg, "bg", "Bulgarian", "български"),
    (Language::Cs, "cs", "Czech", "čeština"),
    (Language::Da, "da", "Danish", "dansk"),
    (Language::De, "de", "German", "Deutsch"),
    (Language::El, "el", "Greek", "ελληνικά"),
    (Language::En, "en", "English", "English"),
    (Language::Es, "es", "Spanish", "español"),
    (Language::Et, "et", "Estonian", "eesti"),
    (Language::Fi, "fi", "Finnish", "suomi"),
    (Language::Fr, "fr", "French", "français"),
    (Language::Ga, "ga", "Irish", "Gaeilge"),
    (Language::Hr, "hr", "Croatian", "hrvatski"),
    (Language::Hu, "hu", "Hungarian", "magyar"),
    (Language::It, "it", "Italian", "italiano"),
    (Language::Lt, "lt", "Lithuanian", "lietuvių"),
    (Language::Lv, "lv", "Latvian", "latviešu"),
    (Language::Mt, "mt", "Maltese", "Malti"),
    (Language::Nl, "nl", "Dutch", "Nederlands"),
    (Language::Pl, "pl", "Polish", "polski"),
    (Language::Pt, "pt", "Portuguese", "português"),
    (Language::Ro, "ro", "Romanian", "română"),
    (Language::Sk, "sk", "Slovak", "slovenčina"),
    (Language::Sl, "sl", "Slovenian", "slovenščina"),
    (Language::Sv, "sv", "Swedish", "svenska"),
];

impl Language {
    /// Every official language, in the order of their codes.
    pub const ALL: [Language; 24] = {
        let mut all = [Language::En; 24];
        let mut index = 0;
        while index < 24 {
            all[index] = LANGUAGES[index].0;
            index += 1;
        }
        all
    };

    /// Parses an ISO 639-1 code in any letter case; a language tag with a region ("fr-BE",
    /// "pt_PT") gives its language.
    pub fn parse(text: &str) -> Result<Self, LanguageError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(LanguageError::Empty);
        }
        let primary_subtag = trimmed.split(['-', '_']).next().unwrap_or(trimmed);
        let code = match primary_subtag.as_bytes() {
            &[first, second] => [first.to_ascii_lowercase(), second.to_ascii_lowercase()],
            _ => return Err(LanguageError::Unknown),
        };
        LANGUAGES
            .iter()
            .find(|(_, candidate, _, _)| candidate.as_bytes() == code)
            .map(|(language, _, _, _)| *language)
            .ok_or(LanguageError::Unknown)
    }

    fn entry(self) -> &'static (Language, &'static str, &'static str, &'static str) {
        &LANGUAGES[self as usize]
    }

    /// The ISO 639-1 code in lower case.
    pub fn as_str(&self) -> &'static str {
        self.entry().1
    }

    /// The language's name in English ("German").
    pub fn english_name(self) -> &'static str {
        self.entry().2
    }

    /// The language's name in the language itself ("Deutsch"), as language pickers show it.
    pub fn native_name(self) -> &'static str {
        self.entry().3
    }
}

string_form!(
    Language,
    LanguageError,
    "an ISO 639-1 code of an official EU language"
);

/// A text in one or more official EU languages, one of which is primary: the primary text always
/// exists, and is what shows when the reader's language is missing.
///
/// Texts are trimmed and never empty; each language appears once; control characters other than
/// line breaks and tabs are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalisedText {
    primary: Language,
    /// The primary text first, then the others in language order.
    texts: Vec<(Language, String)>,
}

/// Why a localised text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalisedTextError {
    #[error("the text in {language} is empty", language = .0.english_name())]
    Empty(Language),
    #[error("the text in {language} contains a control character", language = .0.english_name())]
    ControlCharacter(Language),
    #[error("the primary language {language} has no text", language = .0.english_name())]
    MissingPrimary(Language),
}

impl LocalisedText {
    /// A text with only its primary language.
    pub fn new(primary: Language, text: &str) -> Result<Self, LocalisedTextError> {
        let text = clean(primary, text)?;
        Ok(Self {
            primary,
            texts: vec![(primary, text)],
        })
    }

    /// Adds or replaces the text in `language`.
    pub fn insert(&mut self, language: Language, text: &str) -> Result<(), LocalisedTextError> {
        let text = clean(language, text)?;
        match self
            .texts
            .iter_mut()
            .find(|(existing, _)| *existing == language)
        {
            Some((_, existing_text)) => *existing_text = text,
            None => {
                // Keep the primary text first and the others in language order.
                let position = self.texts[1..]
                    .iter()
                    .position(|(existing, _)| *existing > language)
                    .map_or(self.texts.len(), |position| position + 1);
                self.texts.insert(position, (language, text));
            }
        }
        Ok(())
    }

    /// The same text with `language` added or replaced, for building in one expression.
    pub fn with(mut self, language: Language, text: &str) -> Result<Self, LocalisedTextError> {
        self.insert(language, text)?;
        Ok(self)
    }

    /// The primary language.
    pub fn primary_language(&self) -> Language {
        self.primary
    }

    /// The text in the primary language.
    pub fn primary(&self) -> &str {
        &self.texts[0].1
    }

    /// The text in `language`, if there is one.
    pub fn get(&self, language: Language) -> Option<&str> {
        self.texts
            .iter()
            .find(|(existing, _)| *existing == language)
            .map(|(_, text)| text.as_str())
    }

    /// The text in `language`, or the primary text when that language is missing.
    pub fn get_or_primary(&self, language: Language) -> &str {
        self.get(language).unwrap_or_else(|| self.primary())
    }

    /// Every language and its text, the primary one first.
    pub fn iter(&self) -> impl Iterator<Item = (Language, &str)> {
        self.texts
            .iter()
            .map(|(language, text)| (*language, text.as_str()))
    }

    /// The number of languages.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Always false: there is at least the primary text.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The language of the longest text, and its length in characters, for length limits.
    pub fn longest(&self) -> (Language, usize) {
        self.iter()
            .map(|(language, text)| (language, text.chars().count()))
            .max_by_key(|(_, length)| *length)
            .expect("at least the primary text")
    }
}

/// Trims a text and refuses it when empty or when it holds control characters other than line
/// breaks and tabs.
fn clean(language: Language, text: &str) -> Result<String, LocalisedTextError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(LocalisedTextError::Empty(language));
    }
    let has_forbidden_control = trimmed
        .chars()
        .any(|character| character.is_control() && !matches!(character, '\n' | '\r' | '\t'));
    if has_forbidden_control {
        return Err(LocalisedTextError::ControlCharacter(language));
    }
    Ok(trimmed.to_owned())
}

/// Shown as the primary text, so logs and messages read naturally.
impl fmt::Display for LocalisedText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.primary())
    }
}

/// Serialised as `{"primary": "en", "texts": {"en": "...", "fr": "..."}}`.
impl Serialize for LocalisedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        struct Texts<'a>(&'a [(Language, String)]);

        impl Serialize for Texts<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(language, text)| (language, text)))
            }
        }

        let mut state = serializer.serialize_struct("LocalisedText", 2)?;
        state.serialize_field("primary", &self.primary)?;
        state.serialize_field("texts", &Texts(&self.texts))?;
        state.end()
    }
}

impl<'de> Deserialize<'de> for LocalisedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Stored {
            primary: Language,
            texts: BTreeMap<Language, String>,
        }
        let stored = Stored::deserialize(deserializer)?;
        let primary_text = stored.texts.get(&stored.primary).ok_or_else(|| {
            serde::de::Error::custom(LocalisedTextError::MissingPrimary(stored.primary))
        })?;
        let mut text =
            LocalisedText::new(stored.primary, primary_text).map_err(serde::de::Error::custom)?;
        for (language, other_text) in &stored.texts {
            if *language != stored.primary {
                text.insert(*language, other_text)
                    .map_err(serde::de::Error::custom)?;
            }
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<Language, LanguageError>) {
        assert_eq!(Language::parse(input), expected, "input {input:?}");
    }

    #[test]
    fn parses_language_codes() {
        check("en", Ok(Language::En));
        check(" DE ", Ok(Language::De));
        check("fr-BE", Ok(Language::Fr));
        check("pt_PT", Ok(Language::Pt));
        check("ga", Ok(Language::Ga));
        check("", Err(LanguageError::Empty));
        check("gr", Err(LanguageError::Unknown));
        check("eng", Err(LanguageError::Unknown));
        check("no", Err(LanguageError::Unknown));
    }

    #[test]
    fn the_table_follows_the_enum_order() {
        for (index, (language, code, _, _)) in LANGUAGES.iter().enumerate() {
            assert_eq!(*language as usize, index);
            assert_eq!(Language::parse(code), Ok(*language));
        }
        assert_eq!(Language::ALL.len(), 24);
        assert_eq!(Language::El.native_name(), "ελληνικά");
        assert_eq!(Language::El.english_name(), "Greek");
    }

    #[test]
    fn keeps_the_primary_text_first_and_the_others_in_order() {
        let text = LocalisedText::new(Language::Fr, "  Pôle Mer  ")
            .and_then(|text| text.with(Language::En, "Sea cluster"))
            .and_then(|text| text.with(Language::De, "Meerescluster"))
            .unwrap();
        let languages: Vec<_> = text.iter().map(|(language, _)| language).collect();
        assert_eq!(languages, [Language::Fr, Language::De, Language::En]);
        assert_eq!(text.primary(), "Pôle Mer");
        assert_eq!(text.get_or_primary(Language::It), "Pôle Mer");
        assert_eq!(text.get_or_primary(Language::En), "Sea cluster");
        assert_eq!(text.longest(), (Language::De, 13));
    }

    #[test]
    fn replaces_a_language_and_refuses_bad_texts() {
        let mut text = LocalisedText::new(Language::En, "Old").unwrap();
        text.insert(Language::En, "New").unwrap();
        assert_eq!((text.primary(), text.len()), ("New", 1));
        assert_eq!(
            LocalisedText::new(Language::En, "   "),
            Err(LocalisedTextError::Empty(Language::En))
        );
        assert_eq!(
            text.insert(Language::De, "a\u{7}b"),
            Err(LocalisedTextError::ControlCharacter(Language::De))
        );
        assert!(LocalisedText::new(Language::En, "line one\nline two").is_ok());
        assert_eq!(
            LocalisedTextError::Empty(Language::De).to_string(),
            "the text in German is empty"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let text = LocalisedText::new(Language::De, "Cluster")
            .and_then(|text| text.with(Language::En, "Cluster EN"))
            .unwrap();
        let json = serde_json::to_string(&text).unwrap();
        assert_eq!(
            json,
            r#"{"primary":"de","texts":{"de":"Cluster","en":"Cluster EN"}}"#
        );
        assert_eq!(serde_json::from_str::<LocalisedText>(&json).unwrap(), text);
        let missing_primary = r#"{"primary":"fr","texts":{"de":"Cluster"}}"#;
        assert!(serde_json::from_str::<LocalisedText>(missing_primary).is_err());
        let empty_text = r#"{"primary":"de","texts":{"de":"  "}}"#;
        assert!(serde_json::from_str::<LocalisedText>(empty_text).is_err());
    }
}
