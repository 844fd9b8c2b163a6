//! Countries: ISO 3166-1 codes, the codes EU statistics use instead (EL, UK), EU membership.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ReferenceError;
use crate::csv_text::read_rows;

/// One country of ISO 3166-1 (plus Kosovo, `XK`, which GeoNames and the city table use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Country {
    /// The ISO 3166-1 alpha-2 code (`GR`, `GB`).
    pub alpha2: String,
    /// The ISO 3166-1 alpha-3 code.
    pub alpha3: String,
    /// The ISO 3166-1 numeric code (0 for Kosovo, which has none).
    pub numeric: u16,
    /// The short English name.
    pub name: String,
    /// The code EU statistics (NUTS, Eurostat, CORDIS) use: `EL` for Greece, `UK` for the United
    /// Kingdom, otherwise the alpha-2 code.
    pub eu_code: String,
    /// Whether the country is one of the 27 member states of the European Union today.
    pub eu_member: bool,
    /// Whether NUTS 2021 has regions for the country.
    pub nuts: bool,
}

/// All countries, in alpha-2 order.
#[derive(Debug, Clone, Serialize)]
pub struct Countries {
    countries: Vec<Country>,
    #[serde(skip)]
    position_by_alpha2: HashMap<String, usize>,
    #[serde(skip)]
    position_by_eu_code: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct CountryRow {
    alpha2: String,
    alpha3: String,
    numeric: u16,
    name: String,
    eu_code: String,
    eu_member: u8,
    nuts: u8,
}

impl Countries {
    pub(crate) fn parse(file: &'static str, text: &str) -> Result<Countries, ReferenceError> {
        let rows: Vec<CountryRow> = read_rows(file, text)?;
        let mut countries: Vec<Country> = rows
            .into_iter()
            .map(|row| Country {
                alpha2: row.alpha2,
                alpha3: row.alpha3,
                numeric: row.numeric,
                name: row.name,
                eu_code: row.eu_code,
                eu_member: row.eu_member == 1,
                nuts: row.nuts == 1,
            })
            .collect();
        countries.sort_by(|left, right| left.alpha2.cmp(&right.alpha2));
        let mut position_by_alpha2 = HashMap::with_capacity(countries.len());
        let mut position_by_eu_code = HashMap::with_capacity(countries.len());
        for (position, country) in countries.iter().enumerate() {
            if position_by_alpha2
                .insert(country.alpha2.clone(), position)
                .is_some()
                || position_by_eu_code
                    .insert(country.eu_code.clone(), position)
                    .is_some()
            {
                return Err(ReferenceError::invalid(
                    file,
                    format!("duplicate country {}", country.alpha2),
                ));
            }
        }
        Ok(Countries {
            countries,
            position_by_alpha2,
            position_by_eu_code,
        })
    }

    /// The country with this ISO alpha-2 code (`GR`, `GB`), in any letter case.
    pub fn by_alpha2(&self, iso: &str) -> Option<&Country> {
        let iso = iso.trim().to_ascii_uppercase();
        self.position_by_alpha2
            .get(&iso)
            .map(|&position| &self.countries[position])
    }

    /// The country with this EU code (`EL`, `UK`, otherwise the alpha-2 code), in any letter case.
    pub fn by_eu_code(&self, code: &str) -> Option<&Country> {
        let code = code.trim().to_ascii_uppercase();
        self.position_by_eu_code
            .get(&code)
            .map(|&position| &self.countries[position])
    }

    /// The country with this code written either way: ISO (`GR`) or EU (`EL`). The two systems
    /// never give the same code to different countries, so this is unambiguous.
    pub fn by_any_code(&self, code: &str) -> Option<&Country> {
        self.by_alpha2(code).or_else(|| self.by_eu_code(code))
    }

    /// Every country, in alpha-2 order.
    pub fn iter(&self) -> impl Iterator<Item = &Country> {
        self.countries.iter()
    }

    /// The number of countries.
    pub fn len(&self) -> usize {
        self.countries.len()
    }

    /// Whether the table is empty (never true for the embedded data).
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }

    /// The 27 member states of the European Union.
    pub fn eu_members(&self) -> impl Iterator<Item = &Country> {
        self.countries.iter().filter(|country| country.eu_member)
    }
}
