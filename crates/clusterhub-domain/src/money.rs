//! Amounts of money in integer cents with their ISO 4217 currency, read from the ways people
//! write amounts ("1250000", "1 250 000,50", "1,250,000.50", "EUR 1.250.000") without ever going
//! through floating point.

use std::fmt;

use crate::string_form;

/// An ISO 4217 currency, stored as its three capital letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

/// Why a text is not a currency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("a currency cannot be empty")]
    Empty,
    #[error("a currency is given by its three-letter ISO 4217 code, such as EUR, CHF or SEK")]
    NotThreeLetters,
    #[error("'{0}' is not an ISO 4217 currency code")]
    Unknown(String),
}

/// The ISO 4217 codes of currencies in circulation, in alphabetical order (fund codes, precious
/// metals and test codes left out), plus a few withdrawn since 2023 that past annual accounts
/// still use: HRK (Croatia joined the euro in 2023), ANG, SLL and ZWL.
const CURRENCY_CODES: [&[u8; 3]; 160] = [
    b"AED", b"AFN", b"ALL", b"AMD", b"ANG", b"AOA", b"ARS", b"AUD", b"AWG", b"AZN", b"BAM", b"BBD",
    b"BDT", b"BGN", b"BHD", b"BIF", b"BMD", b"BND", b"BOB", b"BRL", b"BSD", b"BTN", b"BWP", b"BYN",
    b"BZD", b"CAD", b"CDF", b"CHF", b"CLP", b"CNY", b"COP", b"CRC", b"CUP", b"CVE", b"CZK", b"DJF",
    b"DKK", b"DOP", b"DZD", b"EGP", b"ERN", b"ETB", b"EUR", b"FJD", b"FKP", b"GBP", b"GEL", b"GHS",
    b"GIP", b"GMD", b"GNF", b"GTQ", b"GYD", b"HKD", b"HNL", b"HRK", b"HTG", b"HUF", b"IDR", b"ILS",
    b"INR", b"IQD", b"IRR", b"ISK", b"JMD", b"JOD", b"JPY", b"KES", b"KGS", b"KHR", b"KMF", b"KPW",
    b"KRW", b"KWD", b"KYD", b"KZT", b"LAK", b"LBP", b"LKR", b"LRD", b"LSL", b"LYD", b"MAD", b"MDL",
    b"MGA", b"MKD", b"MMK", b"MNT", b"MOP", b"MRU", b"MUR", b"MVR", b"MWK", b"MXN", b"MYR", b"MZN",
    b"NAD", b"NGN", b"NIO", b"NOK", b"NPR", b"NZD", b"OMR", b"PAB", b"PEN", b"PGK", b"PHP", b"PKR",
    b"PLN", b"PYG", b"QAR", b"RON", b"RSD", b"RUB", b"RWF", b"SAR", b"SBD", b"SCR", b"SDG", b"SEK",
    b"SGD", b"SHP", b"SLE", b"SLL", b"SOS", b"SRD", b"SSP", b"STN", b"SVC", b"SYP", b"SZL", b"THB",
    b"TJS", b"TMT", b"TND", b"TOP", b"TRY", b"TTD", b"TWD", b"TZS", b"UAH", b"UGX", b"USD", b"UYU",
    b"UZS", b"VED", b"VES", b"VND", b"VUV", b"WST", b"XAF", b"XCD", b"XCG", b"XOF", b"XPF", b"YER",
    b"ZAR", b"ZMW", b"ZWG", b"ZWL",
];

impl Currency {
    /// The euro, the currency of every threshold in EU rules.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Parses a three-letter code in any letter case, or the symbols € and £.
    pub fn parse(text: &str) -> Result<Self, CurrencyError> {
        let trimmed = text.trim();
        match trimmed {
            "" => return Err(CurrencyError::Empty),
            "€" => return Ok(Self::EUR),
            "£" => return Ok(Self(*b"GBP")),
            _ => {}
        }
        let letters: [u8; 3] = match trimmed.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => {
                [a, b, c].map(|letter| letter.to_ascii_uppercase())
            }
            _ => return Err(CurrencyError::NotThreeLetters),
        };
        if CURRENCY_CODES.binary_search(&&letters).is_ok() {
            Ok(Self(letters))
        } else {
            Err(CurrencyError::Unknown(trimmed.to_ascii_uppercase()))
        }
    }

    /// The three capital letters.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("three ASCII letters")
    }
}

string_form!(
    Currency,
    CurrencyError,
    "a three-letter ISO 4217 currency code"
);

/// An amount in integer hundredths of the currency's unit ("cents" for every currency, also for
/// those whose ISO minor unit is not 2, so all amounts share one scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount cannot be empty")]
    Empty,
    #[error("an amount has digits, a sign and separators only; '{0}' is not allowed")]
    UnexpectedCharacter(char),
    #[error("give the currency with the amount, as an ISO 4217 code such as EUR 1250000")]
    MissingCurrency,
    #[error(transparent)]
    Currency(#[from] CurrencyError),
    #[error("an amount has at most 2 decimals")]
    TooManyDecimals,
    #[error("digits are grouped by three (1 250 000 or 1.250.000), with one kind of separator")]
    Grouping,
    #[error(
        "not a number we can read; write amounts like 1250000.50, 1,250,000.50 or 1 250 000,50"
    )]
    Malformed,
    #[error("the amount is too large")]
    TooLarge,
    #[error("the amount cannot be negative")]
    Negative,
}

impl Money {
    /// An amount in euro cents.
    pub fn eur(cents: i64) -> Self {
        Self {
            cents,
            currency: Currency::EUR,
        }
    }

    /// Parses an amount that names its currency, before or after the number: "EUR 1250000.50",
    /// "1.250.000,50 €", "CHF 1'250'000".
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let (currency, amount) = split_currency(text)?;
        let currency = currency.ok_or(MoneyError::MissingCurrency)?;
        Ok(Self {
            cents: parse_cents(amount)?,
            currency,
        })
    }

    /// Parses an amount whose currency is `currency` unless the text names another one (an
    /// import file with a separate currency column, or a form whose currency is fixed).
    pub fn parse_in(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let (named, amount) = split_currency(text)?;
        Ok(Self {
            cents: parse_cents(amount)?,
            currency: named.unwrap_or(currency),
        })
    }

    /// The same amount, refused when it is negative (turnover, balance sheet, budgets).
    pub fn require_non_negative(self) -> Result<Self, MoneyError> {
        if self.cents < 0 {
            Err(MoneyError::Negative)
        } else {
            Ok(self)
        }
    }

    /// The amount in cents if it is in euro; `None` for any other currency, which EU thresholds
    /// cannot be compared with without an exchange rate.
    pub fn eur_cents(&self) -> Option<i64> {
        (self.currency == Currency::EUR).then_some(self.cents)
    }
}

/// The canonical form: the currency code, a space, the amount with exactly two decimals and no
/// grouping ("EUR 1250000.50", "EUR -3.00").
impl fmt::Display for Money {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let magnitude = self.cents.unsigned_abs();
        write!(
            formatter,
            "{} {sign}{}.{:02}",
            self.currency.as_str(),
            magnitude / 100,
            magnitude % 100
        )
    }
}

impl std::str::FromStr for Money {
    type Err = MoneyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor;

        impl serde::de::Visitor<'_> for MoneyVisitor {
            type Value = Money;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an amount with its currency, such as \"EUR 1250000.50\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Money, E> {
                Money::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(MoneyVisitor)
    }
}

/// Separates a currency written before or after the amount ("EUR 12", "12 €") from the amount.
fn split_currency(text: &str) -> Result<(Option<Currency>, &str), MoneyError> {
    let trimmed = text.trim();
    for symbol in ['€', '£'] {
        if let Some(rest) = trimmed
            .strip_prefix(symbol)
            .or_else(|| trimmed.strip_suffix(symbol))
        {
            return Ok((
                Some(Currency::parse(symbol.encode_utf8(&mut [0; 4]))?),
                rest,
            ));
        }
    }
    let bytes = trimmed.as_bytes();
    let is_code = |code: &[u8]| code.len() == 3 && code.iter().all(u8::is_ascii_alphabetic);
    if bytes.len() > 3 && is_code(&bytes[..3]) && !bytes[3].is_ascii_alphabetic() {
        return Ok((Some(Currency::parse(&trimmed[..3])?), &trimmed[3..]));
    }
    if bytes.len() > 3
        && is_code(&bytes[bytes.len() - 3..])
        && !bytes[bytes.len() - 4].is_ascii_alphabetic()
    {
        let cut = trimmed.len() - 3;
        return Ok((Some(Currency::parse(&trimmed[cut..])?), &trimmed[..cut]));
    }
    Ok((None, trimmed))
}

/// The kinds of character that separate groups of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Dot,
    Comma,
    Space,
    Apostrophe,
}

fn separator_of(character: char) -> Option<Separator> {
    match character {
        '.' => Some(Separator::Dot),
        ',' => Some(Separator::Comma),
        ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => Some(Separator::Space),
        '\'' | '’' => Some(Separator::Apostrophe),
        _ => None,
    }
}

/// Reads an amount without currency into cents.
///
/// The decimal separator is found this way: when both `.` and `,` appear, the last one is the
/// decimal separator and the other groups thousands; when only one of them appears several times,
/// it groups thousands; when it appears once, it is the decimal separator, except when exactly
/// three digits follow it and what comes before is a valid first group ("1.250" and "12,500" are
/// thousands, since amounts have at most 2 decimals). Spaces and apostrophes only group. A
/// trailing ",-" or ".-" stands for no cents.
pub(crate) fn parse_cents(text: &str) -> Result<i64, MoneyError> {
    let text = text.trim();
    // "1.250,-" and "1'250.-" are how German and Swiss writers show an amount without cents.
    let text = text
        .strip_suffix(",-")
        .or_else(|| text.strip_suffix(".-"))
        .unwrap_or(text);
    let (negative, unsigned) = match text.chars().next() {
        Some('-' | '−') => (
            true,
            text[text.chars().next().map_or(0, char::len_utf8)..].trim_start(),
        ),
        Some('+') => (false, text[1..].trim_start()),
        _ => (false, text),
    };
    if unsigned.is_empty() {
        return Err(MoneyError::Empty);
    }

    let mut dot_count = 0;
    let mut comma_count = 0;
    let mut last_dot = None;
    let mut last_comma = None;
    for (position, character) in unsigned.char_indices() {
        match character {
            '0'..='9' => {}
            '.' => {
                dot_count += 1;
                last_dot = Some(position);
            }
            ',' => {
                comma_count += 1;
                last_comma = Some(position);
            }
            _ if separator_of(character).is_some() => {}
            _ => return Err(MoneyError::UnexpectedCharacter(character)),
        }
    }

    let decimal_position = match (last_dot, last_comma) {
        (Some(dot), Some(comma)) => {
            let (position, count) = if dot > comma {
                (dot, dot_count)
            } else {
                (comma, comma_count)
            };
            if count > 1 {
                return Err(MoneyError::Malformed);
            }
            Some(position)
        }
        (Some(position), None) if dot_count == 1 => single_separator_decimal(unsigned, position),
        (None, Some(position)) if comma_count == 1 => single_separator_decimal(unsigned, position),
        _ => None,
    };

    let (integer_part, fraction_part) = match decimal_position {
        Some(position) => (&unsigned[..position], Some(&unsigned[position + 1..])),
        None => (unsigned, None),
    };
    let whole_units = parse_grouped_integer(integer_part, fraction_part.is_some())?;
    let fraction_cents = match fraction_part {
        None => 0,
        Some(fraction) => {
            if fraction.is_empty() || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(MoneyError::Malformed);
            }
            match fraction.as_bytes() {
                [tenths] => i64::from(tenths - b'0') * 10,
                [tenths, hundredths] => {
                    i64::from(tenths - b'0') * 10 + i64::from(hundredths - b'0')
                }
                _ => return Err(MoneyError::TooManyDecimals),
            }
        }
    };
    let cents = whole_units
        .checked_mul(100)
        .and_then(|cents| cents.checked_add(fraction_cents))
        .ok_or(MoneyError::TooLarge)?;
    Ok(if negative { -cents } else { cents })
}

/// Decides whether the only `.` or `,` of an amount is its decimal separator.
fn single_separator_decimal(unsigned: &str, position: usize) -> Option<usize> {
    let after = &unsigned[position + 1..];
    let three_digits_follow = after.len() == 3 && after.bytes().all(|byte| byte.is_ascii_digit());
    let before = &unsigned[..position];
    let before_is_first_group = (1..=3).contains(&before.len())
        && before.bytes().all(|byte| byte.is_ascii_digit())
        && !before.starts_with('0');
    if three_digits_follow && before_is_first_group {
        None
    } else {
        Some(position)
    }
}

/// Reads the whole units, checking that grouped digits come in threes after a first group of one
/// to three digits. An empty integer part is zero when decimals follow (",50").
fn parse_grouped_integer(integer_part: &str, has_fraction: bool) -> Result<i64, MoneyError> {
    if integer_part.is_empty() {
        return if has_fraction {
            Ok(0)
        } else {
            Err(MoneyError::Malformed)
        };
    }
    let mut grouping: Option<Separator> = None;
    let mut group_length = 0;
    let mut group_count = 0;
    let mut value: i64 = 0;
    for character in integer_part.chars() {
        if let Some(digit) = character.to_digit(10) {
            group_length += 1;
            value = value
                .checked_mul(10)
                .and_then(|value| value.checked_add(i64::from(digit)))
                .ok_or(MoneyError::TooLarge)?;
            continue;
        }
        let separator =
            separator_of(character).ok_or(MoneyError::UnexpectedCharacter(character))?;
        if grouping.is_some_and(|kind| kind != separator) {
            return Err(MoneyError::Grouping);
        }
        grouping = Some(separator);
        let first_group_ok = group_count == 0 && (1..=3).contains(&group_length);
        if !(first_group_ok || (group_count > 0 && group_length == 3)) {
            return Err(MoneyError::Grouping);
        }
        group_count += 1;
        group_length = 0;
    }
    if group_count > 0 && group_length != 3 {
        return Err(MoneyError::Grouping);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<i64, MoneyError>) {
        assert_eq!(
            Money::parse_in(input, Currency::EUR).map(|money| money.cents),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn reads_amounts_into_exact_cents() {
        check("1250000", Ok(125_000_000));
        check("1250000.5", Ok(125_000_050));
        check("1250000,50", Ok(125_000_050));
        check("1 250 000,50", Ok(125_000_050));
        check("1\u{a0}250\u{a0}000,50", Ok(125_000_050));
        check("1\u{202f}250\u{202f}000", Ok(125_000_000));
        check("1,250,000.50", Ok(125_000_050));
        check("1.250.000,50", Ok(125_000_050));
        check("1'250'000.50", Ok(125_000_050));
        check("1.250.000", Ok(125_000_000));
        check("1,250,000", Ok(125_000_000));
        check("1.250", Ok(125_000));
        check("12,500", Ok(1_250_000));
        check("1,5", Ok(150));
        check("1.05", Ok(105));
        check("0.1", Ok(10));
        check(",50", Ok(50));
        check("0", Ok(0));
        check("  42  ", Ok(4200));
        check("-1 250,75", Ok(-125_075));
        check("− 3", Ok(-300));
        check("+3", Ok(300));
        check("0.29", Ok(29));
        check("1.250,-", Ok(125_000));
        check("1'250.-", Ok(125_000));
        check("9223372036854775.80", Ok(922_337_203_685_477_580));
    }

    #[test]
    fn refuses_what_it_cannot_read_exactly() {
        check("", Err(MoneyError::Empty));
        check("-", Err(MoneyError::Empty));
        check("1250000.505", Err(MoneyError::TooManyDecimals));
        check("0.125", Err(MoneyError::TooManyDecimals));
        check("1250.000", Err(MoneyError::TooManyDecimals));
        check("1,25,000", Err(MoneyError::Grouping));
        check("12 50", Err(MoneyError::Grouping));
        check("1 250.000,50", Err(MoneyError::Grouping));
        check("1.250.000.50", Err(MoneyError::Grouping));
        check("1,250.000,50", Err(MoneyError::Malformed));
        check("1250000.", Err(MoneyError::Malformed));
        check("1e6", Err(MoneyError::UnexpectedCharacter('e')));
        check("12 k", Err(MoneyError::UnexpectedCharacter('k')));
        check("99999999999999999999", Err(MoneyError::TooLarge));
        check("92233720368547758.08", Err(MoneyError::TooLarge));
    }

    #[test]
    fn reads_the_currency_written_with_the_amount() {
        let parse = |text| Money::parse(text).map(|money| money.to_string());
        assert_eq!(parse("EUR 1250000.5").unwrap(), "EUR 1250000.50");
        assert_eq!(parse("eur1250000").unwrap(), "EUR 1250000.00");
        assert_eq!(parse("1.250.000,50 €").unwrap(), "EUR 1250000.50");
        assert_eq!(parse("€1,250").unwrap(), "EUR 1250.00");
        assert_eq!(parse("CHF 1'250'000").unwrap(), "CHF 1250000.00");
        assert_eq!(parse("2 500 SEK").unwrap(), "SEK 2500.00");
        assert_eq!(parse("£ 12").unwrap(), "GBP 12.00");
        assert_eq!(parse("EUR -3").unwrap(), "EUR -3.00");
        assert_eq!(parse("1250000"), Err(MoneyError::MissingCurrency));
        assert_eq!(
            parse("XYZ 12"),
            Err(MoneyError::Currency(CurrencyError::Unknown(
                "XYZ".to_owned()
            )))
        );
        let in_swiss_francs = Money::parse_in("1250", Currency::parse("chf").unwrap()).unwrap();
        assert_eq!(in_swiss_francs.to_string(), "CHF 1250.00");
        let named_wins = Money::parse_in("SEK 10", Currency::EUR).unwrap();
        assert_eq!(named_wins.currency.as_str(), "SEK");
    }

    #[test]
    fn refuses_negative_amounts_where_asked() {
        let negative = Money::parse("EUR -0.01").unwrap();
        assert_eq!(negative.require_non_negative(), Err(MoneyError::Negative));
        assert_eq!(Money::eur(0).require_non_negative(), Ok(Money::eur(0)));
    }

    #[test]
    fn only_euro_amounts_give_euro_cents() {
        assert_eq!(Money::eur(5).eur_cents(), Some(5));
        assert_eq!(Money::parse("CHF 5").unwrap().eur_cents(), None);
    }

    #[test]
    fn currencies_are_iso_4217() {
        assert!(
            CURRENCY_CODES.is_sorted(),
            "the table must stay sorted for binary search"
        );
        assert_eq!(Currency::parse(" eur ").unwrap(), Currency::EUR);
        assert_eq!(Currency::parse("€").unwrap(), Currency::EUR);
        assert_eq!(Currency::parse("HRK").unwrap().as_str(), "HRK");
        assert_eq!(Currency::parse(""), Err(CurrencyError::Empty));
        assert_eq!(Currency::parse("EU"), Err(CurrencyError::NotThreeLetters));
        assert_eq!(
            Currency::parse("xau"),
            Err(CurrencyError::Unknown("XAU".to_owned()))
        );
    }

    #[test]
    fn serialises_as_its_canonical_text() {
        let money = Money::parse("1 250 000,50 EUR").unwrap();
        assert_eq!(serde_json::to_string(&money).unwrap(), "\"EUR 1250000.50\"");
        assert_eq!(
            serde_json::from_str::<Money>("\"EUR 1250000.50\"").unwrap(),
            money
        );
        assert_eq!(
            serde_json::to_string(&Money::eur(i64::MIN)).unwrap(),
            "\"EUR -92233720368547758.08\""
        );
    }
}
