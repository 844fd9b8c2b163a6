//! Text helpers: filling name patterns, invented brand names, ASCII slugs for web domains, and
//! number formatting without floating point.

use std::fmt::Write as _;

/// The words a pattern may ask for. Empty words leave no double spaces behind.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Words<'a> {
    pub(crate) surname: &'a str,
    pub(crate) surname2: &'a str,
    pub(crate) given: &'a str,
    pub(crate) sector: &'a str,
    pub(crate) theme: &'a str,
    pub(crate) city: &'a str,
    pub(crate) region: &'a str,
    pub(crate) district: &'a str,
    pub(crate) brand: &'a str,
    pub(crate) type_word: &'a str,
    pub(crate) year: &'a str,
}

impl<'a> Words<'a> {
    fn get(&self, key: &str) -> &'a str {
        match key {
            "surname" => self.surname,
            "surname2" => self.surname2,
            "given" => self.given,
            "sector" => self.sector,
            "theme" => self.theme,
            "city" => self.city,
            "region" => self.region,
            "district" => self.district,
            "brand" => self.brand,
            "type" => self.type_word,
            "year" => self.year,
            _ => "",
        }
    }
}

/// Appends `pattern` with its placeholders replaced by `words`. With `elides_de`, "de" before a
/// word that starts with a vowel becomes "d'" (French: "Université d'Angers").
pub(crate) fn expand(pattern: &str, words: &Words<'_>, elides_de: bool, out: &mut String) {
    let start = out.len();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        push_literal(&rest[..open], start, out);
        let Some(length) = rest[open..].find('}') else {
            break;
        };
        let value = words.get(&rest[open + 1..open + length]);
        if elides_de && starts_with_vowel(value) && ends_with_word_de(&out[start..]) {
            out.pop();
            out.pop();
            out.push('\'');
        }
        out.push_str(value);
        rest = &rest[open + length + 1..];
    }
    push_literal(rest, start, out);
    // Trim what an empty word at the end left behind.
    while out.len() > start && (out.ends_with(' ') || out.ends_with(',')) {
        out.pop();
    }
}

/// Appends literal pattern text, without doubling a space that an empty word left behind.
fn push_literal(literal: &str, start: usize, out: &mut String) {
    let mut literal = literal;
    if out.len() == start || out.ends_with(' ') {
        literal = literal.trim_start_matches(' ');
    }
    out.push_str(literal);
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

/// Syllables for invented brand names, chosen to read well in every European language.
const BRAND_STARTS: [&str; 36] = [
    "Nova", "Inno", "Tec", "Data", "Agri", "Bio", "Medi", "Eco", "Pro", "Flex", "Smart", "Digi",
    "Helio", "Vita", "Terra", "Aqua", "Omni", "Astra", "Kine", "Lumi", "Metr", "Sol", "Verd",
    "Opti", "Axi", "Cor", "Navi", "Pris", "Quan", "Rota", "Sina", "Tria", "Uni", "Velo", "Xeno",
    "Zen",
];
const BRAND_ENDS: [&str; 30] = [
    "tek", "tech", "sys", "lab", "works", "line", "soft", "med", "tronic", "form", "gen", "net",
    "ware", "logic", "flow", "matic", "vision", "core", "nova", "dyn", "sense", "plan", "max",
    "port", "tiva", "lis", "ra", "on", "ix", "ora",
];

/// The number of distinct brand names [`write_brand`] makes.
pub(crate) const BRAND_COUNT: u32 = (BRAND_STARTS.len() * BRAND_ENDS.len()) as u32;

/// Appends the invented brand name number `choice` (taken modulo [`BRAND_COUNT`]).
pub(crate) fn write_brand(choice: u32, out: &mut String) {
    let choice = (choice % BRAND_COUNT) as usize;
    out.push_str(BRAND_STARTS[choice % BRAND_STARTS.len()]);
    out.push_str(BRAND_ENDS[choice / BRAND_STARTS.len()]);
}

/// The ASCII spelling of one lower-case letter (`ä` → `ae`, `ł` → `l`), or `None` for a character
/// that is not a letter or digit.
fn ascii_of(letter: char) -> Option<&'static str> {
    const DIGITS_AND_LETTERS: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    if letter.is_ascii_alphanumeric() {
        let position = DIGITS_AND_LETTERS.find(letter)?;
        return Some(&DIGITS_AND_LETTERS[position..=position]);
    }
    let ascii = match letter {
        'ä' | 'æ' => "ae",
        'ö' | 'œ' => "oe",
        'ü' => "ue",
        'ß' => "ss",
        'þ' => "th",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ő' | 'ō' | 'ø' => "o",
        'ŕ' | 'ř' => "r",
        'ś' | 'ş' | 'š' | 'ș' => "s",
        'ţ' | 'ť' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ů' | 'ű' | 'ū' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(ascii)
}

/// Appends a web-domain label made from `text`: lower-case ASCII letters and digits, words joined
/// by hyphens, at most `limit` bytes and cut at a word boundary where possible. Apostrophes join
/// (`O'Brien` → `obrien`); everything else that is not a letter separates words.
pub(crate) fn write_slug(text: &str, limit: usize, out: &mut String) {
    let start = out.len();
    let mut last_boundary = start;
    let mut pending_hyphen = false;
    for character in text.chars() {
        if character == '\'' || character == '’' {
            continue;
        }
        let mut written = false;
        for lower in character.to_lowercase() {
            if let Some(ascii) = ascii_of(lower) {
                if pending_hyphen && out.len() > start {
                    last_boundary = out.len();
                    out.push('-');
                }
                pending_hyphen = false;
                out.push_str(ascii);
                written = true;
            }
        }
        if !written && !matches!(character, '\u{300}'..='\u{36f}') {
            pending_hyphen = true;
        }
        if out.len() - start > limit {
            let cut = if last_boundary > start {
                last_boundary
            } else {
                start + limit
            };
            out.truncate(cut);
            // A domain does not end in a short linking word ("pole-chimie-ile-de").
            while let Some(hyphen) = out[start..].rfind('-') {
                if out.len() - (start + hyphen + 1) > 3 {
                    break;
                }
                out.truncate(start + hyphen);
            }
            break;
        }
    }
}

/// Appends a whole number.
pub(crate) fn write_number(value: u64, out: &mut String) {
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
}

/// Appends an amount of cents as euros with two decimals (`125000000` → `1250000.00`).
pub(crate) fn write_cents(cents: u64, out: &mut String) {
    let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
}

/// Appends millionths of a degree as a decimal with six places (`-3703790` → `-3.703790`).
pub(crate) fn write_microdegrees(microdegrees: i64, out: &mut String) {
    let sign = if microdegrees < 0 { "-" } else { "" };
    let magnitude = microdegrees.unsigned_abs();
    let _ = write!(
        out,
        "{sign}{}.{:06}",
        magnitude / 1_000_000,
        magnitude % 1_000_000
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(pattern: &str, words: &Words<'_>, elides_de: bool) -> String {
        let mut out = String::new();
        expand(pattern, words, elides_de, &mut out);
        out
    }

    #[test]
    fn patterns_fill_in_words_and_drop_empty_ones() {
        let words = Words {
            surname: "Müller",
            sector: "Maschinenbau",
            city: "Augsburg",
            ..Words::default()
        };
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
        let words = Words {
            city: "Angers",
            sector: "Chimie",
            ..Words::default()
        };
        assert_eq!(
            expanded("Université de {city}", &words, true),
            "Université d'Angers"
        );
        assert_eq!(
            expanded("{sector} de {city}", &words, true),
            "Chimie d'Angers"
        );
        let words = Words {
            city: "Lyon",
            ..Words::default()
        };
        assert_eq!(
            expanded("Université de {city}", &words, true),
            "Université de Lyon"
        );
        let words = Words {
            city: "Ourense",
            ..Words::default()
        };
        assert_eq!(
            expanded("Universidad de {city}", &words, false),
            "Universidad de Ourense"
        );
    }

    #[test]
    fn slugs_are_ascii_words_joined_by_hyphens() {
        let mut slug = String::new();
        write_slug("Müller & Söhne Maschinenbau", 40, &mut slug);
        assert_eq!(slug, "mueller-soehne-maschinenbau");
        slug.clear();
        write_slug("O'Brien Łódź Şahin İzmir", 40, &mut slug);
        assert_eq!(slug, "obrien-lodz-sahin-izmir");
        slug.clear();
        write_slug("Institut National Polytechnique de Grenoble", 30, &mut slug);
        assert_eq!(slug, "institut-national");
        slug.clear();
        write_slug("Pôle de compétitivité Chimie Ile-de-France", 36, &mut slug);
        assert_eq!(slug, "pole-de-competitivite-chimie");
        slug.clear();
        write_slug("  — ", 30, &mut slug);
        assert_eq!(slug, "");
    }

    #[test]
    fn brands_are_distinct() {
        let mut all = std::collections::BTreeSet::new();
        for choice in 0..BRAND_COUNT {
            let mut brand = String::new();
            write_brand(choice, &mut brand);
            all.insert(brand);
        }
        assert_eq!(all.len(), BRAND_COUNT as usize);
    }

    #[test]
    fn numbers_are_formatted_without_floating_point() {
        let mut out = String::new();
        write_cents(125_000_000, &mut out);
        out.push(' ');
        write_cents(5, &mut out);
        out.push(' ');
        write_microdegrees(-3_703_790, &mut out);
        out.push(' ');
        write_microdegrees(48_137_154, &mut out);
        out.push(' ');
        write_microdegrees(-5, &mut out);
        assert_eq!(out, "1250000.00 0.05 -3.703790 48.137154 -0.000005");
    }
}
