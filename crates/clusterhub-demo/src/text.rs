//! Text helpers: invented brand names, ASCII slugs for web domains, and number formatting without
//! floating point.

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

/// The ASCII spelling of one lower-case accented letter (`ä` → `ae`, `ł` → `l`), or `None` for a
/// character that is not one.
fn ascii_of(letter: char) -> Option<&'static str> {
    const ASCII_LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";
    if letter.is_ascii_lowercase() {
        // Lower-casing some letters gives a plain one and a combining mark (İ → i̇).
        let position = letter as usize - 'a' as usize;
        return Some(&ASCII_LETTERS[position..=position]);
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
    // The label is built in a small buffer and appended once: this runs for every row, and
    // pushing byte by byte onto the row's text costs several times more.
    const CAPACITY: usize = 64;
    let limit = limit.min(CAPACITY - 4);
    let mut buffer = [0_u8; CAPACITY];
    let mut length = 0;
    let mut last_boundary = 0;
    let mut pending_hyphen = false;
    let bytes = text.as_bytes();
    let mut position = 0;
    while position < bytes.len() && length <= limit {
        let byte = bytes[position];
        if byte.is_ascii_alphanumeric() {
            // Most names are plain ASCII: one byte, no decoding.
            if pending_hyphen && length > 0 {
                last_boundary = length;
                buffer[length] = b'-';
                length += 1;
            }
            pending_hyphen = false;
            buffer[length] = byte.to_ascii_lowercase();
            length += 1;
            position += 1;
            continue;
        }
        if byte.is_ascii() {
            // An apostrophe joins (O'Brien → obrien); anything else separates words.
            pending_hyphen |= byte != b'\'';
            position += 1;
            continue;
        }
        let character = text[position..].chars().next().unwrap_or(' ');
        position += character.len_utf8();
        let mut written = false;
        for lower in character.to_lowercase() {
            if let Some(ascii) = ascii_of(lower) {
                if pending_hyphen && length > 0 {
                    last_boundary = length;
                    buffer[length] = b'-';
                    length += 1;
                }
                pending_hyphen = false;
                for ascii_byte in ascii.bytes() {
                    buffer[length] = ascii_byte;
                    length += 1;
                }
                written = true;
            }
        }
        // Combining accents and typographic apostrophes join; anything else separates.
        pending_hyphen |= !written && !matches!(character, '\u{300}'..='\u{36f}' | '’');
    }
    if length > limit {
        length = if last_boundary > 0 {
            last_boundary
        } else {
            limit
        };
        // A domain does not end in a short linking word ("pole-chimie-ile-de").
        while let Some(hyphen) = buffer[..length].iter().rposition(|byte| *byte == b'-') {
            if length - (hyphen + 1) > 3 {
                break;
            }
            length = hyphen;
        }
    }
    out.push_str(std::str::from_utf8(&buffer[..length]).unwrap_or_default());
}

/// Appends a whole number, with at least `width` digits (leading zeros).
pub(crate) fn write_padded_number(value: u64, width: usize, out: &mut String) {
    // Formatting by hand, two digits at a time: this runs some twenty times per row, and `write!`
    // is several times slower.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [b'0'; 20];
    let mut rest = value;
    let mut position = digits.len();
    while rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        position -= 2;
        digits[position] = PAIRS[pair];
        digits[position + 1] = PAIRS[pair + 1];
    }
    if rest >= 10 {
        position -= 2;
        digits[position] = PAIRS[rest as usize * 2];
        digits[position + 1] = PAIRS[rest as usize * 2 + 1];
    } else {
        position -= 1;
        digits[position] = b'0' + rest as u8;
    }
    let start = position.min(digits.len() - width.min(digits.len()));
    // Pushing the few ASCII digits one by one is cheaper than validating them as UTF-8.
    out.reserve(digits.len() - start);
    for digit in &digits[start..] {
        out.push(char::from(*digit));
    }
}

/// Appends a whole number.
pub(crate) fn write_number(value: u64, out: &mut String) {
    write_padded_number(value, 1, out);
}

/// Appends an amount of cents as euros with two decimals (`125000000` → `1250000.00`).
pub(crate) fn write_cents(cents: u64, out: &mut String) {
    write_number(cents / 100, out);
    out.push('.');
    write_padded_number(cents % 100, 2, out);
}

/// Appends millionths of a degree as a decimal with six places (`-3703790` → `-3.703790`).
pub(crate) fn write_microdegrees(microdegrees: i64, out: &mut String) {
    if microdegrees < 0 {
        out.push('-');
    }
    let magnitude = microdegrees.unsigned_abs();
    // Degrees have at most three digits: write them and the six decimals in one pass.
    let mut digits = [b'0'; 10];
    let mut rest = magnitude;
    for position in (0..digits.len()).rev() {
        if position == 3 {
            digits[position] = b'.';
            continue;
        }
        digits[position] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let first = digits[..2]
        .iter()
        .take_while(|digit| **digit == b'0')
        .count();
    out.reserve(digits.len() - first);
    for digit in &digits[first..] {
        out.push(char::from(*digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
