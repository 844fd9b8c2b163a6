//! Locations: a grid of map cells, distances, and distance order keys.
//!
//! The grid at level `l` cuts longitudes and latitudes into `2^l` bands each. The search keeps
//! every segment's documents grouped by cell (see `facets`), so a map box is the documents of
//! the cells inside it plus the documents of the cells on its edge that pass the exact test, and
//! a distance order visits cells from the nearest.

use crate::query::BoundingBox;

/// The mean Earth radius in kilometres, as `clusterhub_domain::GeoPoint` uses it.
const EARTH_RADIUS_KM: f64 = 6371.0088;

fn cell_x(lon: f64, level: u32) -> u32 {
    let bands = 1u32 << level;
    let position = ((lon + 180.0) / 360.0 * f64::from(bands)).floor();
    (position.max(0.0) as u32).min(bands - 1)
}

fn cell_y(lat: f64, level: u32) -> u32 {
    let bands = 1u32 << level;
    let position = ((lat + 90.0) / 180.0 * f64::from(bands)).floor();
    (position.max(0.0) as u32).min(bands - 1)
}

/// The grid cell of a location at one level, as (column, row).
pub(crate) fn cell(lat: f64, lon: f64, level: u32) -> (u32, u32) {
    (cell_x(lon, level), cell_y(lat, level))
}

/// The unit vector of a cell's centre, and the largest angle (radians) between the centre and
/// any point of the cell (reached at a corner, since a cell never holds a pole inside it), with
/// a little room for rounding.
pub(crate) fn cell_centre_and_radius(x: u32, y: u32, level: u32) -> ([f64; 3], f64) {
    let bands = f64::from(1u32 << level);
    let west = f64::from(x) / bands * 360.0 - 180.0;
    let east = f64::from(x + 1) / bands * 360.0 - 180.0;
    let south = f64::from(y) / bands * 180.0 - 90.0;
    let north = f64::from(y + 1) / bands * 180.0 - 90.0;
    let centre = unit_vector((south + north) / 2.0, (west + east) / 2.0);
    let radius = [(south, west), (south, east), (north, west), (north, east)]
        .iter()
        .map(|&(lat, lon)| angle(&centre, &unit_vector(lat, lon)))
        .fold(0.0, f64::max);
    (centre, radius + 1e-9)
}

/// The angle in radians between two unit vectors.
pub(crate) fn angle(left: &[f64; 3], right: &[f64; 3]) -> f64 {
    let dot = left[0] * right[0] + left[1] * right[1] + left[2] * right[2];
    dot.clamp(-1.0, 1.0).acos()
}

/// The squared chord of an angle: the order key [`chord_squared`] gives two points that far
/// apart.
pub(crate) fn chord_squared_of_angle(angle: f64) -> f64 {
    let chord = 2.0 * (angle / 2.0).sin();
    chord * chord
}

/// Whether a location can be indexed and measured.
pub(crate) fn is_valid(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
}

/// The bounds of a cell as (west, south, east, north) in degrees.
pub(crate) fn cell_bounds(x: u32, y: u32, level: u32) -> (f64, f64, f64, f64) {
    let bands = f64::from(1u32 << level);
    (
        f64::from(x) / bands * 360.0 - 180.0,
        f64::from(y) / bands * 180.0 - 90.0,
        f64::from(x + 1) / bands * 360.0 - 180.0,
        f64::from(y + 1) / bands * 180.0 - 90.0,
    )
}

/// How a cell lies relative to a map box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overlap {
    Outside,
    /// Some of the cell may be in the box: its documents need the exact test.
    Partly,
    /// Every point of the cell is in the box.
    Inside,
}

/// How the cell (x, y) at `level` lies relative to `bbox`.
pub(crate) fn overlap(bbox: &BoundingBox, x: u32, y: u32, level: u32) -> Overlap {
    // A margin keeps a point that rounding put in a neighbouring cell out of "inside".
    const MARGIN: f64 = 1e-9;
    let (west, south, east, north) = cell_bounds(x, y, level);
    let (west, south, east, north) = (west - MARGIN, south - MARGIN, east + MARGIN, north + MARGIN);
    if north < bbox.south || south > bbox.north {
        return Overlap::Outside;
    }
    let latitudes_inside = south >= bbox.south && north <= bbox.north;
    let spans: &[(f64, f64)] = if bbox.west <= bbox.east {
        &[(bbox.west, bbox.east)]
    } else {
        &[(bbox.west, 180.0), (-180.0, bbox.east)]
    };
    let mut touching = false;
    for &(from, to) in spans {
        if east < from || west > to {
            continue;
        }
        if latitudes_inside && west >= from && east <= to {
            return Overlap::Inside;
        }
        touching = true;
    }
    if touching {
        Overlap::Partly
    } else {
        Overlap::Outside
    }
}

/// A point on the unit sphere. The straight-line distance between two such points grows with
/// their great-circle distance, so it orders by distance without trigonometry per document.
pub(crate) fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The squared chord between two unit vectors: a distance order key.
pub(crate) fn chord_squared(left: &[f64; 3], right: &[f64; 3]) -> f64 {
    let dx = left[0] - right[0];
    let dy = left[1] - right[1];
    let dz = left[2] - right[2];
    dx * dx + dy * dy + dz * dz
}

/// The great-circle distance in kilometres (haversine, spherical Earth).
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lat2) = (from.0.to_radians(), to.0.to_radians());
    let delta_lat = lat2 - lat1;
    let delta_lon = (to.1 - from.1).to_radians();
    let half_chord =
        (delta_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (delta_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * half_chord.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bbox(west: f64, south: f64, east: f64, north: f64) -> BoundingBox {
        BoundingBox {
            west,
            south,
            east,
            north,
        }
    }

    #[test]
    fn cells_inside_a_box_hold_only_points_of_the_box() {
        let boxes = [
            bbox(-25.0, 34.0, 45.0, 72.0),
            bbox(11.4, 48.0, 11.8, 48.3),
            bbox(170.0, -50.0, -170.0, -30.0),
            bbox(-180.0, -90.0, 180.0, 90.0),
        ];
        let level = 6;
        for area in boxes {
            for x in 0..64 {
                for y in 0..64 {
                    let (west, south, east, north) = cell_bounds(x, y, level);
                    let corners = [(south, west), (south, east), (north, west), (north, east)];
                    let centre = ((south + north) / 2.0, (west + east) / 2.0);
                    let any_inside = corners
                        .iter()
                        .chain([&centre])
                        .any(|&(lat, lon)| area.contains(lat, lon));
                    match overlap(&area, x, y, level) {
                        Overlap::Inside => assert!(
                            corners.iter().all(|&(lat, lon)| area.contains(lat, lon)),
                            "{area:?} {x} {y}"
                        ),
                        Overlap::Outside => assert!(!any_inside, "{area:?} {x} {y}"),
                        Overlap::Partly => {}
                    }
                }
            }
        }
    }

    #[test]
    fn cells_hold_their_points_within_the_radius() {
        for &(lat, lon) in &[
            (48.1, 11.6),
            (-33.9, 151.2),
            (64.1, -21.9),
            (0.0, 0.0),
            (89.0, 179.9),
        ] {
            let (x, y) = cell(lat, lon, 6);
            let (centre, radius) = cell_centre_and_radius(x, y, 6);
            let point = unit_vector(lat, lon);
            assert!(angle(&centre, &point) <= radius, "{lat} {lon}");
            let chord = chord_squared(&centre, &point);
            assert!((chord - chord_squared_of_angle(angle(&centre, &point))).abs() < 1e-12);
        }
    }

    #[test]
    fn distances_match_known_values_and_chords_order_them() {
        let berlin = (52.52, 13.405);
        let paris = (48.8566, 2.3522);
        let madrid = (40.4168, -3.7038);
        let berlin_paris = distance_km(berlin, paris);
        assert!((berlin_paris - 878.0).abs() < 5.0, "{berlin_paris}");
        assert_eq!(distance_km(berlin, berlin), 0.0);
        let from = unit_vector(berlin.0, berlin.1);
        let to_paris = chord_squared(&from, &unit_vector(paris.0, paris.1));
        let to_madrid = chord_squared(&from, &unit_vector(madrid.0, madrid.1));
        assert!(to_paris < to_madrid);
        assert!(distance_km(berlin, paris) < distance_km(berlin, madrid));
    }
}
