//! Locations: grid cells that let the index find the organisations in a map box quickly, and
//! distances.
//!
//! Every located organisation is indexed in one cell of each of six grids, from 90 × 45 degrees
//! down to about 0.09 × 0.04 degrees (5 km). A map box becomes the cells of the finest grid that
//! covers it with at most [`MAX_COVER_CELLS`] cells; the exact test on the coordinates then
//! removes what lies in those cells but outside the box.

use crate::query::BoundingBox;

/// The grid levels: level `l` cuts longitudes and latitudes into `2^l` bands each.
const LEVELS: [u32; 6] = [2, 4, 6, 8, 10, 12];

/// The most cells a box may become before a coarser grid is used.
pub(crate) const MAX_COVER_CELLS: usize = 64;

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

fn cell_term(level: u32, x: u32, y: u32) -> String {
    format!("~{level}:{x}:{y}")
}

/// The filter terms of a location: its cell in every grid.
pub(crate) fn cell_terms(lat: f64, lon: f64) -> impl Iterator<Item = String> {
    LEVELS
        .into_iter()
        .map(move |level| cell_term(level, cell_x(lon, level), cell_y(lat, level)))
}

/// Whether a location can be indexed and measured.
pub(crate) fn is_valid(lat: f64, lon: f64) -> bool {
    lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
}

/// The cell terms that together cover the box, from the finest grid that needs at most
/// [`MAX_COVER_CELLS`] cells. A box across the antimeridian is covered as its two halves.
pub(crate) fn cover_terms(bbox: &BoundingBox) -> Vec<String> {
    let south = bbox.south.clamp(-90.0, 90.0);
    let north = bbox.north.clamp(-90.0, 90.0);
    let west = bbox.west.clamp(-180.0, 180.0);
    let east = bbox.east.clamp(-180.0, 180.0);
    if south > north {
        return Vec::new();
    }
    let spans: Vec<(f64, f64)> = if west <= east {
        vec![(west, east)]
    } else {
        vec![(west, 180.0), (-180.0, east)]
    };
    let cells_at = |level: u32| -> usize {
        let rows = (cell_y(north, level) - cell_y(south, level) + 1) as usize;
        spans
            .iter()
            .map(|&(from, to)| (cell_x(to, level) - cell_x(from, level) + 1) as usize * rows)
            .sum()
    };
    let level = LEVELS
        .into_iter()
        .rev()
        .find(|&level| cells_at(level) <= MAX_COVER_CELLS)
        .unwrap_or(LEVELS[0]);
    let mut terms = Vec::with_capacity(cells_at(level));
    for &(from, to) in &spans {
        for x in cell_x(from, level)..=cell_x(to, level) {
            for y in cell_y(south, level)..=cell_y(north, level) {
                terms.push(cell_term(level, x, y));
            }
        }
    }
    terms
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
    fn every_point_in_a_box_lies_in_one_of_its_cover_cells() {
        let boxes = [
            bbox(-25.0, 34.0, 45.0, 72.0),
            bbox(11.4, 48.0, 11.8, 48.3),
            bbox(170.0, -50.0, -170.0, -30.0),
            bbox(-180.0, -90.0, 180.0, 90.0),
            bbox(13.0, 52.0, 13.0, 52.0),
        ];
        for area in boxes {
            let cover = cover_terms(&area);
            assert!(
                !cover.is_empty() && cover.len() <= 2 * MAX_COVER_CELLS,
                "{area:?}"
            );
            for step_lat in 0..=20 {
                for step_lon in 0..=20 {
                    let lat = area.south + (area.north - area.south) * f64::from(step_lat) / 20.0;
                    let width = if area.west <= area.east {
                        area.east - area.west
                    } else {
                        area.east + 360.0 - area.west
                    };
                    let mut lon = area.west + width * f64::from(step_lon) / 20.0;
                    if lon > 180.0 {
                        lon -= 360.0;
                    }
                    assert!(area.contains(lat, lon));
                    assert!(
                        cell_terms(lat, lon).any(|term| cover.contains(&term)),
                        "{lat} {lon} in {area:?}"
                    );
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
    fn a_city_sized_box_uses_a_fine_grid() {
        let cover = cover_terms(&bbox(11.4, 48.0, 11.8, 48.3));
        assert!(
            cover.iter().all(|term| term.starts_with("~12:")),
            "{cover:?}"
        );
        assert!(cover.len() <= MAX_COVER_CELLS);
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
