//! VAT numbers in each country's real national format, with the country's check digits.
//!
//! Every number is built from a per-country serial number (0, 1, 2, … for the organisations of
//! one country in generation order). The serial goes through a bijective scramble inside the
//! country's number space, so numbers look random but two serials never give the same number;
//! where a check digit can come out invalid (Danish, Finnish, Dutch, Polish, … numbers), one
//! "free" digit after the unique part is stepped until the check digit is valid, which keeps the
//! unique part, and so uniqueness, intact. The check-digit rules are those of the national tax
//! administrations as python-stdnum implements them.

/// The multiplier of the scramble. It is prime and larger than 5, so it is coprime with every
/// capacity below (they only have the prime factors 2, 3 and 5), which makes the scramble a
/// bijection.
const SCRAMBLE_MULTIPLIER: u128 = 2_654_435_761;

/// How one country's VAT numbers are made: the function that writes the number for a scrambled
/// serial, and how many distinct numbers it can write.
#[derive(Clone, Copy)]
pub(crate) struct VatScheme {
    writer: fn(u64, &mut String),
    capacity: u64,
}

impl std::fmt::Debug for VatScheme {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("VatScheme")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl VatScheme {
    /// The scheme of a country (ISO alpha-2 code), or `None` when the generator makes no VAT
    /// numbers for it (the candidate countries, Iceland and Liechtenstein).
    pub(crate) fn of_country(country: &str) -> Option<VatScheme> {
        let (writer, capacity): (fn(u64, &mut String), u64) = match country {
            "AT" => (austria, 10_000_000),
            "BE" => (belgium, 8_000_000),
            "BG" => (bulgaria, 90_000_000),
            "CH" => (switzerland, 9_000_000),
            "CY" => (cyprus, 1_000_000),
            "CZ" => (czechia, 8_000_000),
            "DE" => (germany, 90_000_000),
            "DK" => (denmark, 900_000),
            "EE" => (estonia, 1_000_000),
            "ES" => (spain, 10_000_000),
            "FI" => (finland, 400_000),
            "FR" => (france, 90_000_000),
            "GB" => (united_kingdom, 9_000_000),
            "GR" => (greece, 100_000_000),
            "HR" => (croatia, 10_000_000_000),
            "HU" => (hungary, 9_000_000),
            "IE" => (ireland, 10_000_000),
            "IT" => (italy, 9_000_000),
            "LT" => (lithuania, 10_000_000),
            "LU" => (luxembourg, 900_000),
            "LV" => (latvia, 10_000_000),
            "MT" => (malta, 900_000),
            "NL" => (netherlands, 9_000_000),
            "NO" => (norway, 900_000),
            "PL" => (poland, 90_000_000),
            "PT" => (portugal, 10_000_000),
            "RO" => (romania, 9_000_000),
            "SE" => (sweden, 8_000_000),
            "SI" => (slovenia, 900_000),
            "SK" => (slovakia, 600_000),
            _ => return None,
        };
        Some(VatScheme { writer, capacity })
    }

    /// How many distinct numbers the scheme makes.
    pub(crate) fn capacity(self) -> u64 {
        self.capacity
    }

    /// Appends the VAT number of the organisation with this per-country `serial` and returns
    /// true; returns false and appends nothing when the serial is beyond the capacity. `offset`
    /// shifts the scramble (the generator derives it from the seed) so different seeds give
    /// different numbers.
    pub(crate) fn write(self, serial: u64, offset: u64, out: &mut String) -> bool {
        if serial >= self.capacity {
            return false;
        }
        (self.writer)(scramble(serial, offset, self.capacity), out);
        true
    }
}

/// A bijection of `0..capacity` onto itself.
pub(crate) fn scramble(serial: u64, offset: u64, capacity: u64) -> u64 {
    let capacity = u128::from(capacity);
    let mixed = (u128::from(serial) * SCRAMBLE_MULTIPLIER + u128::from(offset)) % capacity;
    // The remainder is below `capacity`, which came from a u64.
    u64::try_from(mixed).unwrap_or(0)
}

/// A fixed-width run of decimal digits, most significant first.
#[derive(Clone, Copy)]
struct Digits {
    values: [u8; 16],
    length: usize,
}

impl Digits {
    fn new() -> Digits {
        Digits {
            values: [0; 16],
            length: 0,
        }
    }

    /// Appends `value` as exactly `width` digits (with leading zeros).
    fn with_number(mut self, value: u64, width: usize) -> Digits {
        let mut rest = value;
        for position in (0..width).rev() {
            self.values[self.length + position] = (rest % 10) as u8;
            rest /= 10;
        }
        self.length += width;
        self
    }

    fn with_digit(mut self, digit: u8) -> Digits {
        self.values[self.length] = digit;
        self.length += 1;
        self
    }

    fn as_slice(&self) -> &[u8] {
        &self.values[..self.length]
    }

    /// The weighted sum of the digits with `weights` (extra digits or weights are ignored).
    fn weighted_sum(&self, weights: &[u32]) -> u32 {
        self.as_slice()
            .iter()
            .zip(weights)
            .map(|(digit, weight)| u32::from(*digit) * weight)
            .sum()
    }

    fn write(&self, out: &mut String) {
        for digit in self.as_slice() {
            out.push(char::from(b'0' + digit));
        }
    }

    /// Replaces the last digit.
    fn with_last(mut self, digit: u8) -> Digits {
        self.values[self.length - 1] = digit;
        self
    }
}

/// Tries the ten values of a free last digit and returns the digits with the first value for which
/// `check` gives a check digit, together with that check digit.
fn with_free_digit(prefix: Digits, check: impl Fn(&Digits) -> Option<u8>) -> (Digits, u8) {
    let mut digits = prefix.with_digit(0);
    for free in 0..10 {
        digits = digits.with_last(free);
        if let Some(check_digit) = check(&digits) {
            return (digits, check_digit);
        }
    }
    // Every rule used here accepts at least one of ten consecutive free digits (the free digit's
    // weight is coprime with the modulus), so this line is not reached; a zero keeps it total.
    (digits, 0)
}

/// The Luhn check digit of a digit run.
fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(position, digit)| {
            let digit = u32::from(*digit);
            if position % 2 == 0 {
                let doubled = digit * 2;
                doubled / 10 + doubled % 10
            } else {
                digit
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// The check digit of ISO 7064 MOD 11,10 (German and Croatian numbers).
fn mod_11_10_check_digit(digits: &[u8]) -> u8 {
    let mut check = 5;
    for digit in digits {
        let carried = if check == 0 { 10 } else { check };
        check = ((carried * 2) % 11 + u32::from(*digit)) % 10;
    }
    let carried = if check == 0 { 10 } else { check };
    ((11 - (carried * 2) % 11) % 10) as u8
}

fn push_two_digits(value: u32, out: &mut String) {
    out.push(char::from(b'0' + (value / 10 % 10) as u8));
    out.push(char::from(b'0' + (value % 10) as u8));
}

/// `ATU` and 8 digits; the last is a Luhn-like check digit offset by 4.
fn austria(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(unique, 7);
    let sum: u32 = digits
        .as_slice()
        .iter()
        .enumerate()
        .map(|(position, digit)| {
            let digit = u32::from(*digit);
            if position % 2 == 1 {
                let doubled = digit * 2;
                doubled / 10 + doubled % 10
            } else {
                digit
            }
        })
        .sum();
    let check = ((10 - (sum + 4) % 10) % 10) as u8;
    out.push_str("ATU");
    digits.with_digit(check).write(out);
}

/// `BE` and 10 digits starting with 0: 97 minus the first eight digits modulo 97.
fn belgium(unique: u64, out: &mut String) {
    let base = 2_000_000 + unique;
    let check = 97 - (base % 97) as u32;
    out.push_str("BE0");
    Digits::new().with_number(base, 7).write(out);
    push_two_digits(check, out);
}

/// `BG` and 9 digits (a company's EIK): weights 1–8, or 3–10 when the first sum gives 10.
fn bulgaria(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(10_000_000 + unique, 8);
    let mut check = digits.weighted_sum(&[1, 2, 3, 4, 5, 6, 7, 8]) % 11;
    if check == 10 {
        check = digits.weighted_sum(&[3, 4, 5, 6, 7, 8, 9, 10]) % 11;
    }
    if check == 10 {
        check = 0;
    }
    out.push_str("BG");
    digits.with_digit(check as u8).write(out);
}

/// `CHE`, 9 digits (the UID, weights 5 4 3 2 7 6 5 4, modulo 11) and `MWST`.
fn switzerland(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(1_000_000 + unique, 7);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let check = (11 - digits.weighted_sum(&[5, 4, 3, 2, 7, 6, 5, 4]) % 11) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("CHE");
    digits.with_digit(check).write(out);
    out.push_str("MWST");
}

/// `CY`, 8 digits and a check letter.
fn cyprus(unique: u64, out: &mut String) {
    const ODD_POSITION_VALUES: [u32; 10] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
    let digits = Digits::new()
        .with_digit(1)
        .with_digit(0)
        .with_number(unique, 6);
    let sum: u32 = digits
        .as_slice()
        .iter()
        .enumerate()
        .map(|(position, digit)| {
            if position % 2 == 0 {
                ODD_POSITION_VALUES[usize::from(*digit)]
            } else {
                u32::from(*digit)
            }
        })
        .sum();
    out.push_str("CY");
    digits.write(out);
    out.push(char::from(b'A' + (sum % 26) as u8));
}

/// `CZ` and a legal entity's 8 digits: weights 8–2, modulo 11.
fn czechia(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(1_000_000 + unique, 7);
    let remainder = (11 - digits.weighted_sum(&[8, 7, 6, 5, 4, 3, 2]) % 11) % 11;
    let check = if remainder == 0 { 1 } else { remainder % 10 };
    out.push_str("CZ");
    digits.with_digit(check as u8).write(out);
}

/// `DE` and 9 digits; the last is the ISO 7064 MOD 11,10 check digit.
fn germany(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(10_000_000 + unique, 8);
    let check = mod_11_10_check_digit(digits.as_slice());
    out.push_str("DE");
    digits.with_digit(check).write(out);
}

/// `DK` and 8 digits whose weighted sum (2 7 6 5 4 3 2 1) is divisible by 11.
fn denmark(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(100_000 + unique, 6);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let check = (11 - digits.weighted_sum(&[2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("DK");
    digits.with_digit(check).write(out);
}

/// `EE` and 9 digits starting with 10: weights 3 7 1, modulo 10.
fn estonia(unique: u64, out: &mut String) {
    let digits = Digits::new()
        .with_digit(1)
        .with_digit(0)
        .with_number(unique, 6);
    let check = (10 - digits.weighted_sum(&[3, 7, 1, 3, 7, 1, 3, 7]) % 10) % 10;
    out.push_str("EE");
    digits.with_digit(check as u8).write(out);
}

/// `ES`, the company letter (B for a limited company, A for a public one), 7 digits and a Luhn
/// check digit.
fn spain(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(unique, 7);
    let check = luhn_check_digit(digits.as_slice());
    out.push_str("ES");
    out.push(if unique.is_multiple_of(10) { 'A' } else { 'B' });
    digits.with_digit(check).write(out);
}

/// `FI` and 8 digits: weights 7 9 10 5 8 4 2, modulo 11.
fn finland(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(unique, 6);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let remainder = digits.weighted_sum(&[7, 9, 10, 5, 8, 4, 2]) % 11;
        match remainder {
            0 => Some(0),
            1 => None,
            _ => Some((11 - remainder) as u8),
        }
    });
    out.push_str("FI");
    digits.with_digit(check).write(out);
}

/// `FR`, a two-digit key and the 9-digit SIREN (which carries a Luhn check digit).
fn france(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(10_000_000 + unique, 8);
    let siren = digits.with_digit(luhn_check_digit(digits.as_slice()));
    let siren_value = siren
        .as_slice()
        .iter()
        .fold(0_u64, |value, digit| value * 10 + u64::from(*digit));
    let key = ((12 + 3 * (siren_value % 97)) % 97) as u32;
    out.push_str("FR");
    push_two_digits(key, out);
    siren.write(out);
}

/// `GB` and 9 digits: weights 8–2 on the first seven and the last two as a number, modulo 97.
fn united_kingdom(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(1_000_000 + unique, 7);
    let check = (97 - digits.weighted_sum(&[8, 7, 6, 5, 4, 3, 2]) % 97) % 97;
    out.push_str("GB");
    digits.write(out);
    push_two_digits(check, out);
}

/// `EL` (the EU prefix for Greece) and 9 digits: powers of two, modulo 11, modulo 10.
fn greece(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(unique, 8);
    let check = digits.weighted_sum(&[256, 128, 64, 32, 16, 8, 4, 2]) % 11 % 10;
    out.push_str("EL");
    digits.with_digit(check as u8).write(out);
}

/// `HR` and 11 digits (the OIB) with an ISO 7064 MOD 11,10 check digit.
fn croatia(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(unique, 10);
    let check = mod_11_10_check_digit(digits.as_slice());
    out.push_str("HR");
    digits.with_digit(check).write(out);
}

/// `HU` and 8 digits: weights 9 7 3 1, modulo 10.
fn hungary(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(1_000_000 + unique, 7);
    let check = (10 - digits.weighted_sum(&[9, 7, 3, 1, 9, 7, 3]) % 10) % 10;
    out.push_str("HU");
    digits.with_digit(check as u8).write(out);
}

/// `IE`, 7 digits and a check letter (weights 8–2, modulo 23).
fn ireland(unique: u64, out: &mut String) {
    const ALPHABET: &[u8; 23] = b"WABCDEFGHIJKLMNOPQRSTUV";
    let digits = Digits::new().with_number(unique, 7);
    let check = digits.weighted_sum(&[8, 7, 6, 5, 4, 3, 2]) % 23;
    out.push_str("IE");
    digits.write(out);
    out.push(char::from(ALPHABET[check as usize]));
}

/// `IT` and 11 digits: a 7-digit company number, a 3-digit tax office (001–100) and a Luhn
/// check digit.
fn italy(unique: u64, out: &mut String) {
    let office = 1 + unique % 100;
    let digits = Digits::new()
        .with_number(1_000_000 + unique, 7)
        .with_number(office, 3);
    let check = luhn_check_digit(digits.as_slice());
    out.push_str("IT");
    digits.with_digit(check).write(out);
}

/// `LT` and a legal entity's 9 digits (the eighth is 1): weights 1–9, or 3–9 1 2 when the first
/// sum gives 10.
fn lithuania(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(unique, 7).with_digit(1);
    let mut check = digits.weighted_sum(&[1, 2, 3, 4, 5, 6, 7, 8]) % 11;
    if check == 10 {
        check = digits.weighted_sum(&[3, 4, 5, 6, 7, 8, 9, 1]) % 11;
    }
    out.push_str("LT");
    digits.with_digit((check % 10) as u8).write(out);
}

/// `LU` and 8 digits: the first six modulo 89.
fn luxembourg(unique: u64, out: &mut String) {
    let base = 100_000 + unique;
    out.push_str("LU");
    Digits::new().with_number(base, 6).write(out);
    push_two_digits((base % 89) as u32, out);
}

/// `LV` and a legal entity's 11 digits (starting with 40): weights 9 1 4 8 3 10 2 5 7 6 1 give 3
/// modulo 11.
fn latvia(unique: u64, out: &mut String) {
    let prefix = Digits::new()
        .with_digit(4)
        .with_digit(0)
        .with_number(unique, 7);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let sum = digits.weighted_sum(&[9, 1, 4, 8, 3, 10, 2, 5, 7, 6]) % 11;
        let check = (3 + 11 - sum) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("LV");
    digits.with_digit(check).write(out);
}

/// `MT` and 8 digits: weights 3 4 6 7 8 9 and the last two as a number, modulo 37.
fn malta(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(100_000 + unique, 6);
    let check = (37 - digits.weighted_sum(&[3, 4, 6, 7, 8, 9]) % 37) % 37;
    out.push_str("MT");
    digits.write(out);
    push_two_digits(check, out);
}

/// `NL`, the 9-digit RSIN (weights 9–2, modulo 11) and `B01`.
fn netherlands(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(1_000_000 + unique, 7);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let check = digits.weighted_sum(&[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("NL");
    digits.with_digit(check).write(out);
    out.push_str("B01");
}

/// `NO`, the 9-digit organisation number (weights 3 2 7 6 5 4 3 2, modulo 11) and `MVA`.
fn norway(unique: u64, out: &mut String) {
    let prefix = Digits::new()
        .with_digit(9)
        .with_number(unique % 1_000_000, 6);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let check = (11 - digits.weighted_sum(&[3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("NO");
    digits.with_digit(check).write(out);
    out.push_str("MVA");
}

/// `PL` and the 10-digit NIP: weights 6 5 7 2 3 4 5 6 7, modulo 11.
fn poland(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(10_000_000 + unique, 8);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let check = digits.weighted_sum(&[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("PL");
    digits.with_digit(check).write(out);
}

/// `PT` and a company's 9-digit NIPC starting with 5: weights 9–2, modulo 11.
fn portugal(unique: u64, out: &mut String) {
    let digits = Digits::new().with_digit(5).with_number(unique, 7);
    let remainder = digits.weighted_sum(&[9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if remainder < 2 { 0 } else { 11 - remainder };
    out.push_str("PT");
    digits.with_digit(check as u8).write(out);
}

/// `RO` and an 8-digit CUI: weights 7 5 3 2 1 7 5 3 2 aligned right, times 10, modulo 11.
fn romania(unique: u64, out: &mut String) {
    let digits = Digits::new().with_number(1_000_000 + unique, 7);
    let check = digits.weighted_sum(&[3, 2, 1, 7, 5, 3, 2]) * 10 % 11 % 10;
    out.push_str("RO");
    digits.with_digit(check as u8).write(out);
}

/// `SE`, a limited company's 10-digit organisation number (55…, Luhn) and `01`.
fn sweden(unique: u64, out: &mut String) {
    let digits = Digits::new()
        .with_digit(5)
        .with_digit(5)
        .with_number(2_000_000 + unique, 7);
    let check = luhn_check_digit(digits.as_slice());
    out.push_str("SE");
    digits.with_digit(check).write(out);
    out.push_str("01");
}

/// `SI` and 8 digits: weights 8–2, 11 minus the sum modulo 11 (10 becomes 0, 11 is invalid).
fn slovenia(unique: u64, out: &mut String) {
    let prefix = Digits::new().with_number(100_000 + unique, 6);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let remainder = digits.weighted_sum(&[8, 7, 6, 5, 4, 3, 2]) % 11;
        match remainder {
            0 => None,
            1 => Some(0),
            _ => Some((11 - remainder) as u8),
        }
    });
    out.push_str("SI");
    digits.with_digit(check).write(out);
}

/// `SK` and 10 digits divisible by 11, the third digit one of 2 3 4 7 8 9.
fn slovakia(unique: u64, out: &mut String) {
    const THIRD_DIGITS: [u8; 6] = [2, 3, 4, 7, 8, 9];
    let third = THIRD_DIGITS[(unique / 100_000 % 6) as usize];
    let prefix = Digits::new()
        .with_digit(2)
        .with_digit(0)
        .with_digit(third)
        .with_number(unique % 100_000, 5);
    let (digits, check) = with_free_digit(prefix, |digits| {
        let value = digits
            .as_slice()
            .iter()
            .fold(0_u64, |value, digit| value * 10 + u64::from(*digit));
        let check = (11 - (value * 10) % 11) % 11;
        (check < 10).then_some(check as u8)
    });
    out.push_str("SK");
    digits.with_digit(check).write(out);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn capacity(country: &str) -> Option<u64> {
        VatScheme::of_country(country).map(VatScheme::capacity)
    }

    fn write_vat_number(country: &str, serial: u64, offset: u64, out: &mut String) -> bool {
        VatScheme::of_country(country).is_some_and(|scheme| scheme.write(serial, offset, out))
    }

    fn digits_of(text: &str) -> Vec<u32> {
        text.bytes().map(|byte| u32::from(byte - b'0')).collect()
    }

    fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
        digits
            .iter()
            .zip(weights)
            .map(|(digit, weight)| digit * weight)
            .sum()
    }

    fn luhn_valid(digits: &[u32]) -> bool {
        let sum: u32 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(position, digit)| {
                if position % 2 == 1 {
                    (digit * 2) / 10 + (digit * 2) % 10
                } else {
                    *digit
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    fn mod_11_10_valid(digits: &[u32]) -> bool {
        let mut check = 5;
        for digit in digits {
            check = (((if check == 0 { 10 } else { check }) * 2) % 11 + digit) % 10;
        }
        check == 1
    }

    /// An independent validator, written from the validation side of each national rule (the
    /// generator computes check digits; this checks the finished number).
    fn is_valid(country: &str, vat: &str) -> bool {
        let all_digits =
            |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
        match country {
            "AT" => {
                let Some(body) = vat.strip_prefix("ATU") else {
                    return false;
                };
                let digits = digits_of(body);
                let doubled = |digit: u32| (digit * 2) / 10 + (digit * 2) % 10;
                let sum = digits[0]
                    + doubled(digits[1])
                    + digits[2]
                    + doubled(digits[3])
                    + digits[4]
                    + doubled(digits[5])
                    + digits[6];
                all_digits(body) && body.len() == 8 && (10 - (sum + 4) % 10) % 10 == digits[7]
            }
            "BE" => {
                let body = &vat[2..];
                let value: u64 = body.parse().unwrap_or(1);
                all_digits(body)
                    && body.len() == 10
                    && (value / 100 + value % 100).is_multiple_of(97)
            }
            "BG" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let mut check = weighted(&digits, &[1, 2, 3, 4, 5, 6, 7, 8]) % 11;
                if check == 10 {
                    check = weighted(&digits, &[3, 4, 5, 6, 7, 8, 9, 10]) % 11 % 10;
                }
                all_digits(body) && body.len() == 9 && check == digits[8]
            }
            "CH" => {
                let Some(body) = vat
                    .strip_prefix("CHE")
                    .and_then(|rest| rest.strip_suffix("MWST"))
                else {
                    return false;
                };
                let digits = digits_of(body);
                let check = (11 - weighted(&digits, &[5, 4, 3, 2, 7, 6, 5, 4]) % 11) % 11;
                all_digits(body) && body.len() == 9 && check == digits[8]
            }
            "CY" => {
                let body = &vat[2..10];
                let letter = vat.as_bytes()[10];
                let table = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
                let sum: u32 = digits_of(body)
                    .iter()
                    .enumerate()
                    .map(|(position, digit)| {
                        if position % 2 == 0 {
                            table[*digit as usize]
                        } else {
                            *digit
                        }
                    })
                    .sum();
                all_digits(body)
                    && vat.len() == 11
                    && !body.starts_with("12")
                    && u32::from(letter - b'A') == sum % 26
            }
            "CZ" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let check = (11 - weighted(&digits, &[8, 7, 6, 5, 4, 3, 2]) % 11) % 11;
                let check = if check == 0 { 1 } else { check % 10 };
                all_digits(body) && body.len() == 8 && !body.starts_with('9') && check == digits[7]
            }
            "DE" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 9
                    && !body.starts_with('0')
                    && mod_11_10_valid(&digits_of(body))
            }
            "DK" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 8
                    && !body.starts_with('0')
                    && weighted(&digits_of(body), &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
            }
            "EE" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                all_digits(body)
                    && body.len() == 9
                    && (10 - weighted(&digits, &[3, 7, 1, 3, 7, 1, 3, 7]) % 10) % 10 == digits[8]
            }
            "ES" => {
                let letter = vat.as_bytes()[2];
                let body = &vat[3..];
                (letter == b'A' || letter == b'B')
                    && all_digits(body)
                    && body.len() == 8
                    && luhn_valid(&digits_of(body))
            }
            "FI" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 8
                    && weighted(&digits_of(body), &[7, 9, 10, 5, 8, 4, 2, 1]).is_multiple_of(11)
            }
            "FR" => {
                let body = &vat[2..];
                let siren = &body[2..];
                let key: u64 = body[..2].parse().unwrap_or(100);
                let siren_value: u64 = siren.parse().unwrap_or(0);
                all_digits(body)
                    && body.len() == 11
                    && luhn_valid(&digits_of(siren))
                    && key == (siren_value * 100 + 12) % 97
            }
            "GB" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 9
                    && [0, 42]
                        .contains(&(weighted(&digits_of(body), &[8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97))
            }
            "GR" => {
                let Some(body) = vat.strip_prefix("EL") else {
                    return false;
                };
                let digits = digits_of(body);
                let sum = digits[..8].iter().fold(0, |sum, digit| sum * 2 + digit);
                all_digits(body) && body.len() == 9 && sum * 2 % 11 % 10 == digits[8]
            }
            "HR" => {
                let body = &vat[2..];
                all_digits(body) && body.len() == 11 && mod_11_10_valid(&digits_of(body))
            }
            "HU" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 8
                    && weighted(&digits_of(body), &[9, 7, 3, 1, 9, 7, 3, 1]).is_multiple_of(10)
            }
            "IE" => {
                let body = &vat[2..9];
                let letter = vat.as_bytes()[9];
                let alphabet = b"WABCDEFGHIJKLMNOPQRSTUV";
                all_digits(body)
                    && vat.len() == 10
                    && alphabet[(weighted(&digits_of(body), &[8, 7, 6, 5, 4, 3, 2]) % 23) as usize]
                        == letter
            }
            "IT" => {
                let body = &vat[2..];
                let office: u32 = body[7..10].parse().unwrap_or(0);
                all_digits(body)
                    && body.len() == 11
                    && &body[..7] != "0000000"
                    && ((1..=100).contains(&office) || [120, 121, 888, 999].contains(&office))
                    && luhn_valid(&digits_of(body))
            }
            "LT" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let mut check = digits[..8]
                    .iter()
                    .enumerate()
                    .map(|(position, digit)| (1 + position as u32 % 9) * digit)
                    .sum::<u32>()
                    % 11;
                if check == 10 {
                    check = digits[..8]
                        .iter()
                        .enumerate()
                        .map(|(position, digit)| (1 + (position as u32 + 2) % 9) * digit)
                        .sum::<u32>()
                        % 11;
                }
                all_digits(body) && body.len() == 9 && &body[7..8] == "1" && check % 10 == digits[8]
            }
            "LU" => {
                let body = &vat[2..];
                let value: u64 = body.parse().unwrap_or(1);
                all_digits(body) && body.len() == 8 && (value / 100) % 89 == value % 100
            }
            "LV" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 11
                    && body.as_bytes()[0] > b'3'
                    && weighted(&digits_of(body), &[9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3
            }
            "MT" => {
                let body = &vat[2..];
                all_digits(body)
                    && body.len() == 8
                    && !body.starts_with('0')
                    && weighted(&digits_of(body), &[3, 4, 6, 7, 8, 9, 10, 1]).is_multiple_of(37)
            }
            "NL" => {
                let body = &vat[2..11];
                let digits = digits_of(body);
                all_digits(body)
                    && vat.len() == 14
                    && &vat[11..12] == "B"
                    && (weighted(&digits, &[9, 8, 7, 6, 5, 4, 3, 2]) + 11 - digits[8])
                        .is_multiple_of(11)
            }
            "NO" => {
                let Some(body) = vat
                    .strip_prefix("NO")
                    .and_then(|rest| rest.strip_suffix("MVA"))
                else {
                    return false;
                };
                all_digits(body)
                    && body.len() == 9
                    && weighted(&digits_of(body), &[3, 2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
            }
            "PL" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                all_digits(body)
                    && body.len() == 10
                    && weighted(&digits, &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 == digits[9]
            }
            "PT" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let sum = weighted(&digits, &[9, 8, 7, 6, 5, 4, 3, 2]);
                all_digits(body) && body.len() == 9 && (11 - sum % 11) % 11 % 10 == digits[8]
            }
            "RO" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let padded: Vec<u32> = std::iter::repeat_n(0, 10 - digits.len())
                    .chain(digits.iter().copied())
                    .collect();
                let check = weighted(&padded, &[7, 5, 3, 2, 1, 7, 5, 3, 2]) * 10 % 11 % 10;
                all_digits(body) && (2..=10).contains(&body.len()) && check == padded[9]
            }
            "SE" => {
                let body = &vat[2..12];
                all_digits(body)
                    && vat.len() == 14
                    && vat.ends_with("01")
                    && luhn_valid(&digits_of(body))
            }
            "SI" => {
                let body = &vat[2..];
                let digits = digits_of(body);
                let check = 11 - weighted(&digits, &[8, 7, 6, 5, 4, 3, 2]) % 11;
                let check = if check == 10 { 0 } else { check };
                all_digits(body) && body.len() == 8 && !body.starts_with('0') && check == digits[7]
            }
            "SK" => {
                let body = &vat[2..];
                let value: u64 = body.parse().unwrap_or(1);
                all_digits(body)
                    && body.len() == 10
                    && !body.starts_with('0')
                    && [b'2', b'3', b'4', b'7', b'8', b'9'].contains(&body.as_bytes()[2])
                    && value.is_multiple_of(11)
            }
            _ => false,
        }
    }

    const COUNTRIES: [&str; 30] = [
        "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
        "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    ];

    #[test]
    fn every_generated_number_passes_the_national_check() {
        for country in COUNTRIES {
            for serial in (0..2_000).chain([capacity(country).unwrap() - 1]) {
                let mut vat = String::new();
                assert!(
                    write_vat_number(country, serial, 12_345, &mut vat),
                    "{country} {serial}"
                );
                assert!(
                    is_valid(country, &vat),
                    "{country} serial {serial} gave invalid {vat}"
                );
            }
        }
    }

    #[test]
    fn known_real_numbers_agree_with_the_generators_check_digits() {
        // Published examples of valid numbers; the check digit the generator's rule computes for
        // their bodies must be the one printed.
        assert_eq!(
            mod_11_10_check_digit(&[1, 3, 6, 6, 9, 5, 9, 7]),
            6,
            "DE136695976"
        );
        assert!(is_valid("DE", "DE136695976"));
        assert_eq!(
            luhn_check_digit(&[7, 3, 2, 8, 2, 9, 3, 2]),
            0,
            "FR SIREN 732829320"
        );
        assert!(is_valid("AT", "ATU13585627"));
        assert!(is_valid("BE", "BE0403170701"));
        assert!(is_valid("DK", "DK13585628"));
        assert!(is_valid("FI", "FI20774740"));
        assert!(is_valid("NL", "NL004495445B01"));
        assert!(is_valid("PL", "PL8567346215"));
        assert!(is_valid("PT", "PT501964843"));
        assert!(is_valid("SE", "SE123456789701"));
        assert!(is_valid("FR", "FR40303265045"));
        assert!(is_valid("IT", "IT00743110157"));
    }

    #[test]
    fn serials_give_distinct_numbers_and_run_out_cleanly() {
        for country in ["LU", "FI", "DK", "SK", "NL"] {
            let mut seen = BTreeSet::new();
            for serial in 0..20_000 {
                let mut vat = String::new();
                write_vat_number(country, serial, 99, &mut vat);
                assert!(seen.insert(vat.clone()), "{country} repeated {vat}");
            }
        }
        let mut vat = String::new();
        assert!(!write_vat_number("LU", 900_000, 0, &mut vat));
        assert!(!write_vat_number("TR", 0, 0, &mut vat));
        assert!(vat.is_empty());
    }
}
