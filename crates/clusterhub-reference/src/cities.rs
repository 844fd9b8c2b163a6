//! Cities of at least 5,000 inhabitants in and around Europe, each with its NUTS 2021 region.

use serde::{Deserialize, Serialize};

use crate::ReferenceError;
use crate::csv_text::read_rows;

/// One city from GeoNames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct City {
    /// The GeoNames identifier.
    pub geonameid: u32,
    /// The name in its usual local spelling.
    pub name: String,
    /// The name in plain ASCII letters.
    pub ascii: String,
    /// The ISO 3166-1 alpha-2 code of the country (`GR`, `GB`, not `EL`, `UK`).
    pub country: String,
    /// Latitude in degrees (WGS 84).
    pub lat: f64,
    /// Longitude in degrees (WGS 84).
    pub lon: f64,
    /// Population as GeoNames records it.
    pub population: u32,
    /// The NUTS 2021 level-3 region the city lies in; `None` outside NUTS (for example in
    /// Ukraine or Morocco).
    pub nuts3: Option<String>,
}

pub(crate) fn parse_cities(file: &'static str, text: &str) -> Result<Vec<City>, ReferenceError> {
    let mut cities: Vec<City> = read_rows(file, text)?;
    cities.sort_by_key(|city| city.geonameid);
    if let Some(pair) = cities
        .windows(2)
        .find(|pair| pair[0].geonameid == pair[1].geonameid)
    {
        return Err(ReferenceError::invalid(
            file,
            format!("duplicate geonameid {}", pair[0].geonameid),
        ));
    }
    Ok(cities)
}

/// The city with this GeoNames identifier, from a slice sorted by identifier.
pub(crate) fn find_city(cities: &[City], geonameid: u32) -> Option<&City> {
    cities
        .binary_search_by_key(&geonameid, |city| city.geonameid)
        .ok()
        .map(|position| &cities[position])
}
