//! The map layer of a search: the organisations of the whole result set grouped into clusters
//! of nearby markers, one per grid cell at a level that follows the map's zoom.
//!
//! The grid is the one of [`crate::geo`]: at level `l` longitudes and latitudes are cut into
//! `2^l` bands each. Every matching organisation with a location falls into one cell; a cell's
//! cluster sits at the mean position of its organisations (so a cluster of one sits exactly on
//! its organisation) and knows the box around them, which a map can zoom to. The walk goes
//! through the in-memory table of every segment (locations and ids), so it costs one pass over
//! the matches and no access to the stored documents, except for the names of single markers.

use rustc_hash::FxHashMap;
use tantivy::DocId;

use crate::profiles::ProfileColumns;

use crate::SearchError;
use crate::geo;
use crate::index::SearchIndex;
use crate::query::SearchQuery;

/// What [`SearchIndex`]'s walk over the matches of a query calls for every segment: with the
/// searcher, the fields, the segment and its matching documents.
pub(crate) type MatchVisitor<'v> = dyn FnMut(
        &tantivy::Searcher,
        &crate::schema::Fields,
        &crate::facets::PreparedSegment<'_>,
        &crate::selection::Selection,
    ) -> Result<(), SearchError>
    + 'v;

/// The finest grid level a map may ask for (cells of about 0.3 × 0.2 km).
pub const MAX_MAP_LEVEL: u32 = 20;

/// Single markers get their organisation's name when there are at most this many of them in
/// the answer; beyond, only the id (a map showing that many markers does not label them).
const NAMED_SINGLES_LIMIT: usize = 2_000;

/// One marker of the map: a single organisation or a group of nearby ones.
#[derive(Debug, Clone, PartialEq)]
pub struct MapCluster {
    /// The mean position of the cluster's organisations, in degrees.
    pub lat: f64,
    pub lon: f64,
    /// How many organisations the cluster holds (at least 1).
    pub count: u64,
    /// The box around the cluster's organisations: west, south, east, north.
    pub bounds: (f64, f64, f64, f64),
    /// The organisation's id, for a cluster of one.
    pub id: Option<i64>,
    /// The organisation's name, for a cluster of one (see [`MapClusters::named`]).
    pub name: Option<String>,
}

/// The markers of a result set at one grid level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapClusters {
    /// The grid level the clusters were made at.
    pub level: u32,
    /// The clusters, largest first (ties by position, so the order is stable).
    pub clusters: Vec<MapCluster>,
    /// How many matching organisations have a location: the sum of the clusters' counts.
    pub located: u64,
    /// How many matching organisations have no location, so are on no marker.
    pub unlocated: u64,
    /// Whether single markers carry names (they do unless there are very many of them).
    pub named: bool,
}

/// What a cell gathers while the matches are walked.
#[derive(Debug, Clone, Copy)]
struct Accumulator {
    count: u64,
    lat_sum: f64,
    lon_sum: f64,
    bounds: (f64, f64, f64, f64),
    /// The first organisation seen: its id, segment and document.
    first: (i64, u32, tantivy::DocId),
}

impl SearchIndex {
    /// The organisations matching `query` (keywords, filters and map box; its sort and page play
    /// no part) as map markers clustered on the grid of `level` (0 to [`MAX_MAP_LEVEL`]; a map
    /// showing Europe wants about 6, each zoom step one more).
    pub fn map_clusters(
        &self,
        query: &SearchQuery,
        level: u32,
    ) -> Result<MapClusters, SearchError> {
        if level > MAX_MAP_LEVEL {
            return Err(SearchError::InvalidQuery(format!(
                "the map level must be from 0 to {MAX_MAP_LEVEL}"
            )));
        }
        if let Some(bbox) = &query.bbox {
            let finite = [bbox.west, bbox.south, bbox.east, bbox.north]
                .iter()
                .all(|value| value.is_finite());
            if !finite || bbox.south > bbox.north {
                return Err(SearchError::InvalidQuery(String::from(
                    "the box must be west, south, east, north in degrees with south ≤ north",
                )));
            }
        }
        // Cells are hashed with Fx: the keys are small integers from our own grid, and the walk
        // touches one cell per match (SipHash was most of its cost).
        let mut cells: FxHashMap<(u32, u32), Accumulator> = FxHashMap::default();
        let mut unlocated = 0u64;
        let mut singles_to_name: Vec<(usize, u32, DocId)> = Vec::new();
        // Each segment's profile columns, by segment ordinal, for the names of single places.
        let mut profiles: Vec<Option<ProfileColumns>> = Vec::new();
        self.with_matches(query, &mut |_searcher, _fields, segment, matches| {
            let facets = &segment.facets;
            let ordinal = segment.ordinal as usize;
            if profiles.len() <= ordinal {
                profiles.resize(ordinal + 1, None);
            }
            profiles[ordinal] = Some(facets.profiles.clone());
            matches.for_each(|doc| {
                let (lat, lon) = facets.locations[doc as usize];
                if lat.is_nan() {
                    unlocated += 1;
                    return;
                }
                let key = geo::cell(lat, lon, level);
                let id = facets.ids[doc as usize];
                cells
                    .entry(key)
                    .and_modify(|cell| {
                        cell.count += 1;
                        cell.lat_sum += lat;
                        cell.lon_sum += lon;
                        cell.bounds = (
                            cell.bounds.0.min(lon),
                            cell.bounds.1.min(lat),
                            cell.bounds.2.max(lon),
                            cell.bounds.3.max(lat),
                        );
                        if id < cell.first.0 {
                            cell.first = (id, segment.ordinal, doc);
                        }
                    })
                    .or_insert(Accumulator {
                        count: 1,
                        lat_sum: lat,
                        lon_sum: lon,
                        bounds: (lon, lat, lon, lat),
                        first: (id, segment.ordinal, doc),
                    });
            });
            Ok(())
        })?;

        let mut located = 0u64;
        let mut clusters: Vec<MapCluster> = Vec::with_capacity(cells.len());
        for cell in cells.values() {
            located += cell.count;
            let count_as_float = cell.count as f64;
            let single = cell.count == 1;
            if single {
                singles_to_name.push((clusters.len(), cell.first.1, cell.first.2));
            }
            clusters.push(MapCluster {
                lat: cell.lat_sum / count_as_float,
                lon: cell.lon_sum / count_as_float,
                count: cell.count,
                bounds: cell.bounds,
                id: single.then_some(cell.first.0),
                name: None,
            });
        }
        let named = singles_to_name.len() <= NAMED_SINGLES_LIMIT;
        if named {
            for (position, segment, doc) in singles_to_name {
                if let Some(Some(columns)) = profiles.get(segment as usize) {
                    let (name, _) = columns.shown(doc);
                    clusters[position].name = Some(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
        clusters.sort_by(|left, right| {
            right
                .count
                .cmp(&left.count)
                .then(left.lat.total_cmp(&right.lat))
                .then(left.lon.total_cmp(&right.lon))
                .then(left.id.cmp(&right.id))
        });
        Ok(MapClusters {
            level,
            clusters,
            located,
            unlocated,
            named,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{BoundingBox, OrganisationDocument, SearchIndex, SearchQuery};

    /// An organisation's id, country and location.
    type Place<'a> = (i64, &'a str, Option<(f64, f64)>);

    fn index_of(places: &[Place<'_>]) -> SearchIndex {
        let index = SearchIndex::create_in_ram().expect("an index");
        let mut writer = index.writer().expect("a writer");
        for &(id, country, location) in places {
            let mut document =
                OrganisationDocument::new(id, 1, format!("Organisation {id}"), "sme", country);
            document.location = location;
            writer.upsert(&document).expect("upsert");
        }
        writer.commit().expect("commit");
        index
    }

    #[test]
    fn clusters_count_every_located_match_once_at_every_level() {
        let index = index_of(&[
            (1, "DE", Some((48.14, 11.58))),
            (2, "DE", Some((48.15, 11.57))),
            (3, "DE", Some((52.52, 13.40))),
            (4, "FR", Some((48.85, 2.35))),
            (5, "FR", None),
        ]);
        let query = SearchQuery::default();
        for level in 0..=crate::MAX_MAP_LEVEL {
            let map = index.map_clusters(&query, level).expect("clusters");
            assert_eq!(map.located, 4, "level {level}");
            assert_eq!(map.unlocated, 1, "level {level}");
            let sum: u64 = map.clusters.iter().map(|cluster| cluster.count).sum();
            assert_eq!(sum, 4, "level {level}");
        }
        // At level 6 (cells of 5.6 × 2.8 degrees) the two Munich organisations share a marker
        // placed between them; Berlin and Paris stand alone, with their names.
        let map = index.map_clusters(&query, 6).expect("clusters");
        assert_eq!(map.clusters.len(), 3);
        let munich = &map.clusters[0];
        assert_eq!(munich.count, 2);
        assert!((munich.lat - 48.145).abs() < 1e-9 && (munich.lon - 11.575).abs() < 1e-9);
        assert_eq!(munich.bounds, (11.57, 48.14, 11.58, 48.15));
        assert_eq!(munich.id, None);
        let paris = map
            .clusters
            .iter()
            .find(|cluster| cluster.id == Some(4))
            .expect("Paris");
        assert_eq!(paris.name.as_deref(), Some("Organisation 4"));
        assert_eq!((paris.lat, paris.lon), (48.85, 2.35));
        // Fine enough, every organisation is its own marker.
        let map = index.map_clusters(&query, 16).expect("clusters");
        assert_eq!(map.clusters.len(), 4);
        assert!(map.clusters.iter().all(|cluster| cluster.count == 1));
    }

    #[test]
    fn clusters_follow_the_filters_and_the_box() {
        let index = index_of(&[
            (1, "DE", Some((48.14, 11.58))),
            (2, "DE", Some((52.52, 13.40))),
            (3, "FR", Some((48.85, 2.35))),
        ]);
        let mut query = SearchQuery::default();
        query.filters.country = vec![String::from("DE")];
        let map = index.map_clusters(&query, 10).expect("clusters");
        assert_eq!(map.located, 2);
        assert!(map.clusters.iter().all(|cluster| cluster.id != Some(3)));
        query.bbox = Some(BoundingBox {
            west: 10.0,
            south: 47.0,
            east: 12.0,
            north: 49.0,
        });
        let map = index.map_clusters(&query, 10).expect("clusters");
        assert_eq!(map.located, 1);
        assert_eq!(map.clusters[0].id, Some(1));
        assert!(index.map_clusters(&query, 21).is_err());
    }
}
