//! Name and sentence patterns compiled once into pieces, so that filling one in (several times
//! per row) is a walk over its pieces rather than a scan for braces, and what words a pattern
//! needs is known without searching it.

use std::sync::OnceLock;

use crate::languages::{self, Language};
use crate::profile::OrganisationType;

/// A word a pattern can ask for: `{surname}`, `{city}`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Surname,
    Surname2,
    Given,
    Sector,
    Theme,
    City,
    Region,
    District,
    Brand,
    Type,
    Year,
}

const SLOT_COUNT: usize = 11;

impl Slot {
    const ALL: [Slot; SLOT_COUNT] = [
        Slot::Surname,
        Slot::Surname2,
        Slot::Given,
        Slot::Sector,
        Slot::Theme,
        Slot::City,
        Slot::Region,
        Slot::District,
        Slot::Brand,
        Slot::Type,
        Slot::Year,
    ];

    /// The placeholder's name inside the braces.
    fn name(self) -> &'static str {
        match self {
            Slot::Surname => "surname",
            Slot::Surname2 => "surname2",
            Slot::Given => "given",
            Slot::Sector => "sector",
            Slot::Theme => "theme",
            Slot::City => "city",
            Slot::Region => "region",
            Slot::District => "district",
            Slot::Brand => "brand",
            Slot::Type => "type",
            Slot::Year => "year",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The words to fill in; a word not set is empty.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Words<'a> {
    values: [&'a str; SLOT_COUNT],
}

impl<'a> Words<'a> {
    pub(crate) fn set(&mut self, slot: Slot, value: &'a str) {
        self.values[slot as usize] = value;
    }

    pub(crate) fn with(mut self, slot: Slot, value: &'a str) -> Words<'a> {
        self.set(slot, value);
        self
    }

    fn get(&self, slot: Slot) -> &'a str {
        self.values[slot as usize]
    }
}

#[derive(Debug, Clone, Copy)]
enum Piece {
    Text(&'static str),
    Word(Slot),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pieces: Vec<Piece>,
    /// One bit per slot the pattern uses.
    uses: u16,
}

impl Template {
    /// Compiles a pattern. An unknown placeholder is kept as text (the language tables' tests make
    /// sure there is none).
    pub(crate) fn parse(pattern: &'static str) -> Template {
        let mut pieces = Vec::new();
        let mut uses = 0;
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let Some(length) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + length];
            match Slot::ALL.iter().find(|slot| slot.name() == name) {
                Some(slot) => {
                    if open > 0 {
                        pieces.push(Piece::Text(&rest[..open]));
                    }
                    pieces.push(Piece::Word(*slot));
                    uses |= slot.bit();
                }
                None => pieces.push(Piece::Text(&rest[..=open + length])),
            }
            rest = &rest[open + length + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest));
        }
        Template { pieces, uses }
    }

    /// Whether the pattern asks for `slot`.
    pub(crate) fn uses(&self, slot: Slot) -> bool {
        self.uses & slot.bit() != 0
    }

    /// Whether the pattern asks for any of `slots`.
    pub(crate) fn uses_any(&self, slots: &[Slot]) -> bool {
        slots.iter().any(|slot| self.uses(*slot))
    }

    /// Appends the pattern with its words filled in. An empty word leaves no double space or
    /// dangling comma behind. With `elides_de`, "de" before a word that starts with a vowel
    /// becomes "d'" (French: "Université d'Angers").
    pub(crate) fn expand(&self, words: &Words<'_>, elides_de: bool, out: &mut String) {
        let start = out.len();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => {
                    let text = if out.len() == start || out.ends_with(' ') {
                        text.trim_start_matches(' ')
                    } else {
                        text
                    };
                    out.push_str(text);
                }
                Piece::Word(slot) => {
                    let value = words.get(*slot);
                    if elides_de && starts_with_vowel(value) && ends_with_word_de(&out[start..]) {
                        out.pop();
                        out.pop();
                        out.push('\'');
                    }
                    out.push_str(value);
                }
            }
        }
        while out.len() > start && (out.ends_with(' ') || out.ends_with(',')) {
            out.pop();
        }
    }
}

fn ends_with_word_de(text: &str) -> bool {
    text.strip_suffix("de ")
        .is_some_and(|before| before.is_empty() || before.ends_with(' ') || before.ends_with('\''))
}

fn starts_with_vowel(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|first| "AEIOUYÉÈÊÎÔÂaeiouyéèêîôâ".contains(first))
}

/// The compiled patterns of one language.
#[derive(Debug)]
pub(crate) struct Patterns {
    pub(crate) company: Vec<Template>,
    pub(crate) sole_trader: Template,
    pub(crate) intro: Template,
    pub(crate) since: Template,
    cluster: Vec<Template>,
    university: Vec<Template>,
    research: Vec<Template>,
    incubator: Vec<Template>,
    authority: Vec<Template>,
    investor: Vec<Template>,
    association: Vec<Template>,
}

impl Patterns {
    fn compile(language: &Language) -> Patterns {
        let all = |patterns: &'static [&'static str]| {
            patterns
                .iter()
                .map(|pattern| Template::parse(pattern))
                .collect()
        };
        Patterns {
            company: all(language.company_patterns),
            sole_trader: Template::parse(language.sole_trader_pattern),
            intro: Template::parse(language.intro_pattern),
            since: Template::parse(language.since_pattern),
            cluster: all(language.cluster_patterns),
            university: all(language.university_patterns),
            research: all(language.research_patterns),
            incubator: all(language.incubator_patterns),
            authority: all(language.authority_patterns),
            investor: all(language.investor_patterns),
            association: all(language.association_patterns),
        }
    }

    /// The patterns of names of organisations of this type (companies: without legal form).
    pub(crate) fn of_type(&self, kind: OrganisationType) -> &[Template] {
        match kind {
            OrganisationType::Cluster => &self.cluster,
            OrganisationType::University => &self.university,
            OrganisationType::Rto => &self.research,
            OrganisationType::Incubator => &self.incubator,
            OrganisationType::PublicAuthority => &self.authority,
            OrganisationType::Investor => &self.investor,
            OrganisationType::Other => &self.association,
            OrganisationType::Sme | OrganisationType::LargeEnterprise => &self.company,
        }
    }

    /// The compiled patterns of a language, built once for all languages.
    pub(crate) fn of(language: &Language) -> &'static Patterns {
        static ALL: OnceLock<Vec<Patterns>> = OnceLock::new();
        let compiled = ALL.get_or_init(|| {
            languages::ALL
                .iter()
                .map(|language| Patterns::compile(language))
                .collect()
        });
        let position = languages::ALL
            .iter()
            .position(|known| std::ptr::eq(*known, language))
            .unwrap_or(0);
        &compiled[position]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(pattern: &'static str, words: &Words<'_>, elides_de: bool) -> String {
        let mut out = String::new();
        Template::parse(pattern).expand(words, elides_de, &mut out);
        out
    }

    #[test]
    fn patterns_fill_in_words_and_drop_empty_ones() {
        let words = Words::default()
            .with(Slot::Surname, "Müller")
            .with(Slot::Sector, "Maschinenbau")
            .with(Slot::City, "Augsburg");
        assert_eq!(
            expanded("{surname} {sector}", &words, false),
            "Müller Maschinenbau"
        );
        assert_eq!(
            expanded("{surname} {brand} {sector}", &words, false),
            "Müller Maschinenbau"
        );
        assert_eq!(
            expanded("{sector} {city} {brand}", &words, false),
            "Maschinenbau Augsburg"
        );
        assert_eq!(expanded("{brand} {sector}", &words, false), "Maschinenbau");
    }

    #[test]
    fn french_elides_de_before_a_vowel() {
        let words = Words::default()
            .with(Slot::City, "Angers")
            .with(Slot::Sector, "Chimie");
        assert_eq!(
            expanded("Université de {city}", &words, true),
            "Université d'Angers"
        );
        assert_eq!(
            expanded("{sector} de {city}", &words, true),
            "Chimie d'Angers"
        );
        let words = Words::default().with(Slot::City, "Lyon");
        assert_eq!(
            expanded("Université de {city}", &words, true),
            "Université de Lyon"
        );
        let words = Words::default().with(Slot::City, "Ourense");
        assert_eq!(
            expanded("Universidad de {city}", &words, false),
            "Universidad de Ourense"
        );
    }

    #[test]
    fn templates_know_their_slots() {
        let template = Template::parse("{surname} & {surname2} {sector}");
        assert!(
            template.uses(Slot::Surname)
                && template.uses(Slot::Surname2)
                && template.uses(Slot::Sector)
        );
        assert!(!template.uses(Slot::City));
        assert!(template.uses_any(&[Slot::City, Slot::Sector]));
    }

    #[test]
    fn every_language_compiles() {
        for language in languages::ALL {
            let patterns = Patterns::of(language);
            assert_eq!(patterns.company.len(), language.company_patterns.len());
            assert!(std::ptr::eq(Patterns::of(language), patterns));
        }
    }
}
