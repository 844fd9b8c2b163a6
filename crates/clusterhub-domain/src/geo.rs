//! Points on the Earth in WGS 84 degrees, for the map and distances.

use serde::{Deserialize, Deserializer, Serialize};

/// A latitude and longitude in degrees (WGS 84). Latitude is within ±90 and longitude within
/// ±180; the point 0, 0 is refused because geocoders and spreadsheets produce it for "unknown".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

/// Why coordinates were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoPointError {
    #[error("a coordinate cannot be empty")]
    Empty,
    #[error("not a number in decimal degrees, such as 50.8503")]
    NotANumber,
    #[error("a latitude is between -90 and 90 degrees")]
    LatitudeOutOfRange,
    #[error("a longitude is between -180 and 180 degrees")]
    LongitudeOutOfRange,
    #[error("0, 0 lies in the Gulf of Guinea; it usually means the coordinates are missing")]
    NullIsland,
}

/// The mean radius of the Earth in kilometres (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

impl GeoPoint {
    /// A point from latitude and longitude in degrees.
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeoPointError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoPointError::LatitudeOutOfRange);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoPointError::LongitudeOutOfRange);
        }
        if lat == 0.0 && lon == 0.0 {
            return Err(GeoPointError::NullIsland);
        }
        Ok(Self { lat, lon })
    }

    /// A point from two texts in decimal degrees, with `.` or `,` as decimal separator.
    pub fn parse(lat: &str, lon: &str) -> Result<Self, GeoPointError> {
        Self::new(parse_degrees(lat)?, parse_degrees(lon)?)
    }

    /// The latitude in degrees, north positive.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// The longitude in degrees, east positive.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// The great-circle distance in kilometres (haversine formula on a spherical Earth; within
    /// 0.5 % of the ellipsoidal distance).
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let delta_lat = lat2 - lat1;
        let delta_lon = (other.lon - self.lon).to_radians();
        let half_chord = (delta_lat / 2.0).sin().powi(2)
            + lat1.cos() * lat2.cos() * (delta_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * half_chord.sqrt().min(1.0).asin()
    }
}

fn parse_degrees(text: &str) -> Result<f64, GeoPointError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(GeoPointError::Empty);
    }
    let only_number_characters = trimmed
        .bytes()
        .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b',' | b'-' | b'+'));
    if !only_number_characters {
        return Err(GeoPointError::NotANumber);
    }
    let value = if trimmed.contains(',') {
        trimmed.replacen(',', ".", 1).parse::<f64>()
    } else {
        trimmed.parse::<f64>()
    };
    value.map_err(|_| GeoPointError::NotANumber)
}

impl<'de> Deserialize<'de> for GeoPoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Stored {
            lat: f64,
            lon: f64,
        }
        let stored = Stored::deserialize(deserializer)?;
        GeoPoint::new(stored.lat, stored.lon).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lat: &str, lon: &str, expected: Result<(f64, f64), GeoPointError>) {
        assert_eq!(
            GeoPoint::parse(lat, lon).map(|point| (point.lat(), point.lon())),
            expected,
            "input {lat:?}, {lon:?}"
        );
    }

    #[test]
    fn parses_coordinates() {
        check("50.8503", "4.3517", Ok((50.8503, 4.3517)));
        check(" 50,8503 ", "-4,3517", Ok((50.8503, -4.3517)));
        check("90", "180", Ok((90.0, 180.0)));
        check("", "4", Err(GeoPointError::Empty));
        check("50.8.5", "4", Err(GeoPointError::NotANumber));
        check("NaN", "4", Err(GeoPointError::NotANumber));
        check("inf", "4", Err(GeoPointError::NotANumber));
        check("1e3", "4", Err(GeoPointError::NotANumber));
        check("90.01", "4", Err(GeoPointError::LatitudeOutOfRange));
        check("50", "-180.5", Err(GeoPointError::LongitudeOutOfRange));
        check("0", "0", Err(GeoPointError::NullIsland));
        assert_eq!(
            GeoPoint::new(f64::NAN, 1.0),
            Err(GeoPointError::LatitudeOutOfRange)
        );
    }

    #[test]
    fn measures_distances() {
        let brussels = GeoPoint::new(50.8503, 4.3517).unwrap();
        let lisbon = GeoPoint::new(38.7223, -9.1393).unwrap();
        let distance = brussels.distance_km(&lisbon);
        assert!((distance - 1713.0).abs() < 10.0, "{distance}");
        assert_eq!(brussels.distance_km(&brussels), 0.0);
    }

    #[test]
    fn round_trips_through_json_with_checks() {
        let point = GeoPoint::new(50.8503, 4.3517).unwrap();
        let json = serde_json::to_string(&point).unwrap();
        assert_eq!(json, r#"{"lat":50.8503,"lon":4.3517}"#);
        assert_eq!(serde_json::from_str::<GeoPoint>(&json).unwrap(), point);
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat":91,"lon":0}"#).is_err());
    }
}
