//! The directory's map, drawn on the server as inline SVG from the NUTS 2021 TopoJSON shapes in
//! `data/` (no tile server is reachable): a choropleth of organisations per country, or per
//! NUTS-2 region of the one country in view, and the clustered markers of the same result set.
//!
//! Shapes are projected once with the Lambert azimuthal equal-area projection centred on Europe
//! (52° N, 10° E, as Eurostat's EPSG:3035 is; here on a sphere), in kilometres with y pointing
//! down, so the SVG `viewBox` is a window in kilometres and the page's script pans and zooms by
//! changing it. The script projects markers with the same formulas (`assets/directory.js`).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use clusterhub_reference::{NutsVersion, Reference};
use clusterhub_search::MapCluster;
use maud::{Markup, PreEscaped, html};

use crate::i18n::Locale;

/// The NUTS 2021 level-0 shapes (countries), as Eurostat publishes them in TopoJSON.
const COUNTRY_TOPOJSON: &str =
    include_str!("../../../../data/reference/nuts/NUTS_RG_10M_2021_4326_LEVL_0.topojson");

/// The NUTS 2021 level-2 shapes (regions).
const REGION_TOPOJSON: &str =
    include_str!("../../../../data/reference/nuts/NUTS_RG_10M_2021_4326_LEVL_2.topojson");

/// The NUTS 2021 level-1 and level-3 shapes, for the observatory's maps of every level.
const LEVEL_1_TOPOJSON: &str =
    include_str!("../../../../data/reference/nuts/NUTS_RG_10M_2021_4326_LEVL_1.topojson");
const LEVEL_3_TOPOJSON: &str =
    include_str!("../../../../data/reference/nuts/NUTS_RG_10M_2021_4326_LEVL_3.topojson");

/// How far apart two points of an outline must be to both be drawn on a map of the whole of
/// Europe, in kilometres: about half a pixel of the observatory's map on a wide screen.
const EUROPE_TOLERANCE_KM: f64 = 4.0;

/// The projection's centre, in degrees.
const CENTRE_LAT: f64 = 52.0;
const CENTRE_LON: f64 = 10.0;

/// The Earth's mean radius in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// Shapes wholly outside this box (west, south, east, north, degrees) are overseas and left off
/// the map of Europe.
const EUROPE_LIMITS: (f64, f64, f64, f64) = (-32.0, 26.0, 48.0, 82.0);

/// The part of Europe the map shows first (west, south, east, north, degrees).
const EUROPE_VIEW: (f64, f64, f64, f64) = (-24.0, 34.0, 42.0, 71.0);

/// How far apart two points of an outline must be to both be drawn, in kilometres: countries
/// for the whole continent, regions for one country.
const COUNTRY_TOLERANCE_KM: f64 = 3.0;
const REGION_TOLERANCE_KM: f64 = 1.2;

/// A marker's radius on screen, in pixels, for a cluster of one and for the biggest clusters;
/// the map is drawn for this width in pixels before the script measures the real one.
const SINGLE_RADIUS_PX: f64 = 6.0;
const NOMINAL_WIDTH_PX: f64 = 640.0;

/// The number of colour classes of the choropleth (besides "none").
const CLASSES: usize = 5;

/// A point of the map in kilometres (x east, y south) for a longitude and latitude in degrees.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let (phi, lambda) = (lat.to_radians(), (lon - CENTRE_LON).to_radians());
    let phi0 = CENTRE_LAT.to_radians();
    let denominator = 1.0 + phi0.sin() * phi.sin() + phi0.cos() * phi.cos() * lambda.cos();
    let k = (2.0 / denominator.max(1e-12)).sqrt();
    let x = EARTH_RADIUS_KM * k * phi.cos() * lambda.sin();
    let y = EARTH_RADIUS_KM * k * (phi0.cos() * phi.sin() - phi0.sin() * phi.cos() * lambda.cos());
    (x, -y)
}

/// The longitude and latitude in degrees of a map point (the inverse of [`project`]).
pub fn unproject(x: f64, y: f64) -> (f64, f64) {
    let y = -y;
    let phi0 = CENTRE_LAT.to_radians();
    let rho = (x * x + y * y).sqrt();
    if rho < 1e-9 {
        return (CENTRE_LON, CENTRE_LAT);
    }
    let c = 2.0 * (rho / (2.0 * EARTH_RADIUS_KM)).clamp(-1.0, 1.0).asin();
    let lat = (c.cos() * phi0.sin() + y * c.sin() * phi0.cos() / rho)
        .clamp(-1.0, 1.0)
        .asin();
    let lon = CENTRE_LON.to_radians()
        + (x * c.sin()).atan2(rho * phi0.cos() * c.cos() - y * phi0.sin() * c.sin());
    (lon.to_degrees(), lat.to_degrees())
}

/// A window of the map in kilometres: left, top, width, height (an SVG `viewBox`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl View {
    /// The window around a box of degrees (west, south, east, north), with a margin of
    /// `margin` times its size on every side, widened to the map's aspect ratio.
    pub fn around(bounds: (f64, f64, f64, f64), margin: f64) -> View {
        let (west, south, east, north) = bounds;
        let mut low = (f64::MAX, f64::MAX);
        let mut high = (f64::MIN, f64::MIN);
        for step in 0..=8 {
            let t = f64::from(step) / 8.0;
            for (lon, lat) in [
                (west + (east - west) * t, south),
                (west + (east - west) * t, north),
                (west, south + (north - south) * t),
                (east, south + (north - south) * t),
            ] {
                let (x, y) = project(lon, lat);
                low = (low.0.min(x), low.1.min(y));
                high = (high.0.max(x), high.1.max(y));
            }
        }
        let width = (high.0 - low.0).max(20.0);
        let height = (high.1 - low.1).max(20.0);
        let (width, height) = (width * (1.0 + 2.0 * margin), height * (1.0 + 2.0 * margin));
        // The map's frame is 5:4; the window grows in one direction to fit it.
        let (width, height) = if width / height > 1.25 {
            (width, width / 1.25)
        } else {
            (height * 1.25, height)
        };
        let centre = ((low.0 + high.0) / 2.0, (low.1 + high.1) / 2.0);
        View {
            x: centre.0 - width / 2.0,
            y: centre.1 - height / 2.0,
            width,
            height,
        }
    }

    /// The whole of Europe.
    pub fn europe() -> View {
        View::around(EUROPE_VIEW, 0.0)
    }

    /// The `viewBox` attribute.
    pub fn attribute(&self) -> String {
        format!(
            "{:.0} {:.0} {:.0} {:.0}",
            self.x, self.y, self.width, self.height
        )
    }

    /// The box of degrees the window shows (west, south, east, north).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let mut west = f64::MAX;
        let mut south = f64::MAX;
        let mut east = f64::MIN;
        let mut north = f64::MIN;
        for step in 0..=8 {
            let t = f64::from(step) / 8.0;
            for (x, y) in [
                (self.x + self.width * t, self.y),
                (self.x + self.width * t, self.y + self.height),
                (self.x, self.y + self.height * t),
                (self.x + self.width, self.y + self.height * t),
            ] {
                let (lon, lat) = unproject(x, y);
                west = west.min(lon);
                east = east.max(lon);
                south = south.min(lat);
                north = north.max(lat);
            }
        }
        (
            west.max(-180.0),
            south.max(-90.0),
            east.min(180.0),
            north.min(90.0),
        )
    }

    /// The grid level of the marker clusters for this window: cells of about a twelfth of its
    /// width. The script uses the same rule.
    pub fn cluster_level(&self) -> u32 {
        let level = (308_000.0 / self.width.max(1.0)).log2().round();
        level.clamp(2.0, 16.0) as u32
    }
}

/// One area of the map (a country or a region): its outline as SVG path data in map
/// kilometres, and the box of its main body in degrees.
#[derive(Debug)]
pub struct Area {
    /// Only `M`, `L`, `Z`, digits, `-` and spaces (see `path_of`), so it is written into the
    /// page as it is, without escaping.
    pub path: String,
    /// West, south, east, north of its largest polygon and what lies near it.
    pub main_bounds: (f64, f64, f64, f64),
}

/// One closed ring of an outline, in (longitude, latitude), with its bounding box and area.
#[derive(Debug)]
pub struct Ring {
    pub points: Vec<(f64, f64)>,
    /// West, south, east, north.
    pub bbox: (f64, f64, f64, f64),
    /// The area in square degrees, to find a country's main body.
    pub area: f64,
}

/// Decodes a quantised TopoJSON topology into outer rings per `NUTS_ID`; `None` if it is
/// malformed. Holes are left out: a small map does not show them.
pub fn decode_topojson(text: &str) -> Option<HashMap<String, Vec<Ring>>> {
    let topology: serde_json::Value = serde_json::from_str(text).ok()?;
    let transform = topology.get("transform")?;
    let number = |value: &serde_json::Value| value.as_f64();
    let scale = transform.get("scale")?.as_array()?;
    let translate = transform.get("translate")?.as_array()?;
    let (scale_x, scale_y) = (number(scale.first()?)?, number(scale.get(1)?)?);
    let (translate_x, translate_y) = (number(translate.first()?)?, number(translate.get(1)?)?);
    let arcs: Vec<Vec<(f64, f64)>> = topology
        .get("arcs")?
        .as_array()?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .map(|positions| {
                    positions
                        .iter()
                        .filter_map(|position| {
                            x += position.get(0)?.as_f64()?;
                            y += position.get(1)?.as_f64()?;
                            Some((x * scale_x + translate_x, y * scale_y + translate_y))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let ring_of = |indices: &serde_json::Value| -> Option<Ring> {
        let mut points: Vec<(f64, f64)> = Vec::new();
        for index in indices.as_array()? {
            let index = index.as_i64()?;
            let (arc_index, reversed) = if index >= 0 {
                (index, false)
            } else {
                (!index, true)
            };
            let arc = arcs.get(usize::try_from(arc_index).ok()?)?;
            let skip = usize::from(!points.is_empty());
            if reversed {
                points.extend(arc.iter().rev().skip(skip));
            } else {
                points.extend(arc.iter().skip(skip));
            }
        }
        let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let mut twice_area = 0.0;
        for (index, &(x, y)) in points.iter().enumerate() {
            bbox = (bbox.0.min(x), bbox.1.min(y), bbox.2.max(x), bbox.3.max(y));
            let (next_x, next_y) = points[(index + 1) % points.len()];
            twice_area += x * next_y - next_x * y;
        }
        (points.len() >= 3).then_some(Ring {
            points,
            bbox,
            area: (twice_area / 2.0).abs(),
        })
    };
    let mut shapes: HashMap<String, Vec<Ring>> = HashMap::new();
    let objects = topology.get("objects")?.as_object()?;
    for object in objects.values() {
        for geometry in object.get("geometries")?.as_array()? {
            let Some(code) = geometry
                .get("properties")
                .and_then(|properties| properties.get("NUTS_ID"))
                .and_then(|code| code.as_str())
            else {
                continue;
            };
            let polygons: Vec<&serde_json::Value> =
                match geometry.get("type").and_then(|kind| kind.as_str()) {
                    Some("Polygon") => geometry.get("arcs").into_iter().collect(),
                    Some("MultiPolygon") => geometry
                        .get("arcs")
                        .and_then(|arcs| arcs.as_array())
                        .map(|polygons| polygons.iter().collect())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
            let rings = shapes.entry(code.to_owned()).or_default();
            for polygon in polygons {
                if let Some(outline) = polygon.as_array().and_then(|rings| rings.first()) {
                    rings.extend(ring_of(outline));
                }
            }
        }
    }
    Some(shapes)
}

/// Whether two boxes (west, south, east, north) overlap.
pub fn boxes_overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3
}

/// The projected outline of rings as SVG path data, leaving out points closer than
/// `tolerance_km` to the last one drawn and rings outside Europe.
fn path_of(rings: &[Ring], tolerance_km: f64) -> String {
    let mut path = String::new();
    for ring in rings
        .iter()
        .filter(|ring| boxes_overlap(ring.bbox, EUROPE_LIMITS))
    {
        let mut last: Option<(f64, f64)> = None;
        let mut drawn = 0;
        for &(lon, lat) in &ring.points {
            let (x, y) = project(lon, lat);
            if let Some((last_x, last_y)) = last
                && (x - last_x).abs() + (y - last_y).abs() < tolerance_km
            {
                continue;
            }
            path.push(if drawn == 0 { 'M' } else { 'L' });
            path.push_str(&format!("{x:.0} {y:.0}"));
            last = Some((x, y));
            drawn += 1;
        }
        if drawn > 0 {
            path.push('Z');
        }
    }
    path
}

/// The box of a country's main body and what lies near it (not its overseas regions).
fn main_bounds(rings: &[Ring]) -> (f64, f64, f64, f64) {
    let Some(main) = rings
        .iter()
        .filter(|ring| boxes_overlap(ring.bbox, EUROPE_LIMITS))
        .max_by(|left, right| left.area.total_cmp(&right.area))
        .map(|ring| ring.bbox)
    else {
        return EUROPE_VIEW;
    };
    let (pad_x, pad_y) = ((main.2 - main.0) * 0.3, (main.3 - main.1) * 0.3);
    let near = (
        main.0 - pad_x,
        main.1 - pad_y,
        main.2 + pad_x,
        main.3 + pad_y,
    );
    let mut bounds = main;
    for ring in rings.iter().filter(|ring| boxes_overlap(ring.bbox, near)) {
        bounds = (
            bounds.0.min(ring.bbox.0),
            bounds.1.min(ring.bbox.1),
            bounds.2.max(ring.bbox.2),
            bounds.3.max(ring.bbox.3),
        );
    }
    bounds
}

/// The country outlines in degrees by NUTS country code (`DE`, `EL`, `UK`), decoded on first use
/// (the profile page draws one country from them).
pub fn country_shapes() -> &'static HashMap<String, Vec<Ring>> {
    static SHAPES: OnceLock<HashMap<String, Vec<Ring>>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        decode_topojson(COUNTRY_TOPOJSON).unwrap_or_else(|| {
            tracing::error!("the NUTS level-0 TopoJSON could not be decoded; maps are left out");
            HashMap::new()
        })
    })
}

fn areas_of(topojson: &str, tolerance_km: f64, what: &str) -> BTreeMap<String, Area> {
    let Some(shapes) = decode_topojson(topojson) else {
        tracing::error!("the NUTS {what} TopoJSON could not be decoded; the map is left bare");
        return BTreeMap::new();
    };
    shapes
        .into_iter()
        .filter(|(_, rings)| {
            rings
                .iter()
                .any(|ring| boxes_overlap(ring.bbox, EUROPE_LIMITS))
        })
        .map(|(code, rings)| {
            let area = Area {
                path: path_of(&rings, tolerance_km),
                main_bounds: main_bounds(&rings),
            };
            (code, area)
        })
        .collect()
}

/// The countries by NUTS code (`DE`, `EL`), projected on first use.
pub fn countries() -> &'static BTreeMap<String, Area> {
    static AREAS: OnceLock<BTreeMap<String, Area>> = OnceLock::new();
    AREAS.get_or_init(|| areas_of(COUNTRY_TOPOJSON, COUNTRY_TOLERANCE_KM, "level-0"))
}

/// The NUTS-2 regions by code (`DE21`), projected on first use.
pub fn regions() -> &'static BTreeMap<String, Area> {
    static AREAS: OnceLock<BTreeMap<String, Area>> = OnceLock::new();
    AREAS.get_or_init(|| areas_of(REGION_TOPOJSON, REGION_TOLERANCE_KM, "level-2"))
}

/// The regions of a NUTS level (0 to 3) by code, outlined for a map of the whole of Europe
/// (the observatory's), projected on first use; empty for another level.
pub fn europe_areas(level: u8) -> &'static BTreeMap<String, Area> {
    static AREAS: [OnceLock<BTreeMap<String, Area>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    static EMPTY: BTreeMap<String, Area> = BTreeMap::new();
    let topojson = match level {
        0 => COUNTRY_TOPOJSON,
        1 => LEVEL_1_TOPOJSON,
        2 => REGION_TOPOJSON,
        3 => LEVEL_3_TOPOJSON,
        _ => return &EMPTY,
    };
    AREAS[usize::from(level)]
        .get_or_init(|| areas_of(topojson, EUROPE_TOLERANCE_KM, &format!("level-{level}")))
}

/// The NUTS country code of an ISO country code (`GR` → `EL`), as the shapes name countries.
pub fn nuts_country(iso: &str) -> String {
    Reference::get()
        .countries()
        .by_any_code(iso)
        .map_or_else(|| iso.to_owned(), |country| country.eu_code.clone())
}

/// The upper bounds of the colour classes for counts up to `max`: geometric steps, so that a
/// few countries with many organisations do not wash out the rest.
pub fn class_breaks(max: u64) -> Vec<u64> {
    let mut breaks: Vec<u64> = Vec::with_capacity(CLASSES);
    for class in 1..=CLASSES {
        let bound = (max as f64).powf(class as f64 / CLASSES as f64).ceil() as u64;
        let bound = bound.max(breaks.last().map_or(1, |last| last + 1));
        breaks.push(bound);
    }
    if let Some(last) = breaks.last_mut() {
        *last = (*last).max(max);
    }
    breaks
}

/// The colour class (0 for none, then 1 to [`CLASSES`]) of a count.
fn class_of(count: u64, breaks: &[u64]) -> usize {
    if count == 0 {
        return 0;
    }
    breaks
        .iter()
        .position(|&bound| count <= bound)
        .map_or(CLASSES, |index| index + 1)
}

/// One shaded area of the choropleth: its code, its name, its count, and the link that adds it
/// as a filter.
#[derive(Debug, Clone)]
pub struct Shaded {
    pub code: String,
    pub name: String,
    pub count: u64,
    pub href: String,
    /// Whether the area is among the selected filters.
    pub selected: bool,
}

/// What the directory asks the map to draw.
#[derive(Debug)]
pub struct MapModel<'a> {
    pub locale: Locale,
    /// The areas with their counts: countries, or the regions of one country.
    pub areas: Vec<Shaded>,
    /// Whether `areas` are NUTS-2 regions (else countries).
    pub regional: bool,
    /// The countries drawn without counts around regions (for orientation), by NUTS code.
    pub backdrop: Vec<String>,
    pub view: View,
    pub clusters: &'a [MapCluster],
    /// How many organisations of the result set have no location.
    pub unlocated: u64,
    /// The JSON endpoint the script asks for markers, with the search's parameters.
    pub markers_url: String,
    /// The link of a cluster: the search with a map box (the box is appended).
    pub zoom_href: String,
}

/// The map figure: toolbar, SVG, legend and a table of the counts.
pub fn render(model: &MapModel<'_>) -> Markup {
    let locale = model.locale;
    let max = model.areas.iter().map(|area| area.count).max().unwrap_or(0);
    let breaks = class_breaks(max.max(1));
    let shapes = if model.regional {
        regions()
    } else {
        countries()
    };
    let km_per_px = model.view.width / NOMINAL_WIDTH_PX;
    let heading_key = if model.regional {
        "directory.map.regions_heading"
    } else {
        "directory.map.countries_heading"
    };
    let total_located: u64 = model.clusters.iter().map(|cluster| cluster.count).sum();
    html! {
        figure.dir-map #directory-map
            data-view=(model.view.attribute())
            data-markers=(model.markers_url)
            data-zoom-href=(model.zoom_href)
            aria-labelledby="map-heading" {
            div.map-head {
                h2.map-heading #map-heading { (locale.text("directory.map.heading")) }
                div.map-tools #map-tools hidden {
                    button.map-tool type="button" #map-zoom-in aria-label=(locale.text("directory.map.zoom_in")) { "+" }
                    button.map-tool type="button" #map-zoom-out aria-label=(locale.text("directory.map.zoom_out")) { "−" }
                    button.map-tool.map-tool-wide type="button" #map-reset { (locale.text("directory.map.reset")) }
                }
            }
            div.map-frame #map-frame data-label=(locale.text("directory.map.frame_label")) {
                svg.map-svg #map-svg viewBox=(model.view.attribute())
                    preserveAspectRatio="xMidYMid meet"
                    role="group" aria-label=(locale.text(heading_key)) focusable="false" {
                    rect.map-sea x="-6000" y="-6000" width="12000" height="12000" {}
                    g.map-backdrop aria-hidden="true" {
                        @for code in &model.backdrop {
                            @if let Some(area) = countries().get(code) {
                                path d=(PreEscaped(area.path.as_str())) {}
                            }
                        }
                    }
                    g.map-areas #map-areas {
                        @for shaded in &model.areas {
                            @if let Some(area) = shapes.get(&shaded.code) {
                                @let class = class_of(shaded.count, &breaks);
                                a href=(shaded.href) tabindex="-1" data-code=(shaded.code) {
                                    path.area.{"area-c" (class)} .area-selected[shaded.selected] d=(PreEscaped(area.path.as_str())) {
                                        title { (locale.format("directory.map.area_title", &[("name", &shaded.name), ("count", &locale.number(i64::try_from(shaded.count).unwrap_or(i64::MAX)))])) }
                                    }
                                }
                            }
                        }
                    }
                    g.map-markers #map-markers data-cluster-title=(locale.text("directory.map.cluster_title")) {
                        @for cluster in model.clusters {
                            (marker(locale, cluster, km_per_px, &model.zoom_href))
                        }
                    }
                }
            }
            (legend(locale, &breaks, max))
            figcaption.map-caption {
                @if total_located > 0 || model.unlocated > 0 {
                    span #map-located {
                        (locale.format("directory.map.located", &[("count", &locale.number(i64::try_from(total_located).unwrap_or(i64::MAX)))]))
                    }
                    @if model.unlocated > 0 {
                        " " (locale.format("directory.map.unlocated", &[("count", &locale.number(i64::try_from(model.unlocated).unwrap_or(i64::MAX)))]))
                    }
                    " "
                }
                span.map-hint #map-hint hidden { (locale.text("directory.map.keyboard_hint")) }
                " " (locale.text("profile.map_source"))
            }
            @if !model.areas.is_empty() {
                details.map-table #map-table {
                    summary { (locale.text(heading_key)) }
                    div.table-scroll {
                        table.data-table {
                            caption.visually-hidden { (locale.text(heading_key)) }
                            thead {
                                tr {
                                    th scope="col" {
                                        @if model.regional { (locale.text("directory.map.region")) }
                                        @else { (locale.text("directory.map.country")) }
                                    }
                                    th.numeric scope="col" { (locale.text("directory.map.organisations")) }
                                }
                            }
                            tbody {
                                @for shaded in sorted_by_count(&model.areas) {
                                    tr {
                                        th scope="row" { a href=(shaded.href) { (shaded.name) } }
                                        td.numeric { (locale.number(i64::try_from(shaded.count).unwrap_or(i64::MAX))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn sorted_by_count(areas: &[Shaded]) -> Vec<&Shaded> {
    let mut sorted: Vec<&Shaded> = areas.iter().filter(|area| area.count > 0).collect();
    sorted.sort_by(|left, right| {
        right
            .count
            .cmp(&left.count)
            .then(left.name.cmp(&right.name))
    });
    sorted
}

/// The radius of a marker on screen, in pixels: grows with the logarithm of its count.
pub fn marker_radius_px(count: u64) -> f64 {
    if count <= 1 {
        SINGLE_RADIUS_PX
    } else {
        (10.0 + 4.0 * (count as f64).log10() * 2.0).min(30.0)
    }
}

fn marker(locale: Locale, cluster: &MapCluster, km_per_px: f64, zoom_href: &str) -> Markup {
    let (x, y) = project(cluster.lon, cluster.lat);
    let radius = marker_radius_px(cluster.count) * km_per_px;
    let (x, y, radius) = (format!("{x:.1}"), format!("{y:.1}"), format!("{radius:.2}"));
    let count_text = locale.number(i64::try_from(cluster.count).unwrap_or(i64::MAX));
    let (west, south, east, north) = cluster.bounds;
    html! {
        @if let (1, Some(id)) = (cluster.count, cluster.id) {
            a.marker.marker-single href={ "/organisations/" (id) } tabindex="-1" data-id=(id) data-count="1" {
                circle cx=(x) cy=(y) r=(radius) {
                    title { (cluster.name.as_deref().unwrap_or_default()) }
                }
            }
        } @else {
            a.marker.marker-cluster
                href={ (zoom_href) (format!("{west:.4},{south:.4},{east:.4},{north:.4}")) }
                tabindex="-1"
                data-count=(cluster.count)
                data-bounds=(format!("{west},{south},{east},{north}")) {
                circle cx=(x) cy=(y) r=(radius) {
                    title { (locale.format("directory.map.cluster_title", &[("count", &count_text)])) }
                }
                text x=(x) y=(y) font-size=(format!("{:.1}", 11.0 * km_per_px)) dy="0.35em" text-anchor="middle" aria-hidden="true" { (count_text) }
            }
        }
    }
}

fn legend(locale: Locale, breaks: &[u64], max: u64) -> Markup {
    let number = |value: u64| locale.number(i64::try_from(value).unwrap_or(i64::MAX));
    let mut ranges: Vec<(usize, u64, u64)> = Vec::with_capacity(breaks.len());
    let mut from = 1u64;
    for (index, &bound) in breaks.iter().enumerate() {
        if from <= max {
            ranges.push((index + 1, from, bound.min(max)));
        }
        from = bound + 1;
    }
    html! {
        div.map-legend {
            span.legend-title { (locale.text("directory.map.legend")) }
            ul.legend-scale {
                li { span.swatch.area-c0 aria-hidden="true" {} (locale.text("directory.map.none")) }
                @for (class, low, high) in &ranges {
                    li {
                        span.swatch.{"area-c" (class)} aria-hidden="true" {}
                        @if low == high { (number(*low)) } @else { (number(*low)) "–" (number(*high)) }
                    }
                }
                li { span.swatch.swatch-marker aria-hidden="true" {} (locale.text("directory.map.marker_legend")) }
            }
        }
    }
}

/// The NUTS-2 regions of a NUTS country, by code.
pub fn regions_of(nuts_country: &str) -> Vec<&'static str> {
    regions()
        .keys()
        .filter(|code| code.starts_with(nuts_country) && code.len() == 4)
        .map(String::as_str)
        .collect()
}

/// The name of a NUTS region in the reference data, else its code.
pub fn nuts_name(code: &str) -> String {
    Reference::get()
        .nuts(NutsVersion::V2021)
        .get(code)
        .map_or_else(|| code.to_owned(), |region| region.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_round_trips_and_keeps_europe_in_order() {
        for &(lon, lat) in &[
            (10.0, 52.0),
            (-9.14, 38.72),
            (24.94, 60.17),
            (33.0, 35.0),
            (-21.9, 64.1),
        ] {
            let (x, y) = project(lon, lat);
            let (back_lon, back_lat) = unproject(x, y);
            assert!((back_lon - lon).abs() < 1e-9, "{lon} {lat}");
            assert!((back_lat - lat).abs() < 1e-9, "{lon} {lat}");
        }
        let (lisbon_x, lisbon_y) = project(-9.14, 38.72);
        let (helsinki_x, helsinki_y) = project(24.94, 60.17);
        assert!(lisbon_x < helsinki_x && lisbon_y > helsinki_y);
        // Distances near the centre are true to scale: Berlin–Munich is about 504 km.
        let (berlin_x, berlin_y) = project(13.405, 52.52);
        let (munich_x, munich_y) = project(11.58, 48.14);
        let distance = ((berlin_x - munich_x).powi(2) + (berlin_y - munich_y).powi(2)).sqrt();
        assert!((distance - 504.0).abs() < 10.0, "{distance}");
    }

    #[test]
    fn countries_and_regions_are_drawn_and_views_frame_them() {
        for code in ["DE", "FR", "EL", "PT", "MT", "NO"] {
            let area = countries()
                .get(code)
                .unwrap_or_else(|| panic!("{code} is drawn"));
            assert!(area.path.starts_with('M'), "{code}");
        }
        // Outlines go into pages unescaped: nothing in them may need escaping.
        for area in countries().values().chain(regions().values()) {
            assert!(
                area.path
                    .bytes()
                    .all(|byte| b"MLZ- ".contains(&byte) || byte.is_ascii_digit()),
                "{}",
                area.path
            );
        }
        assert!(regions().contains_key("DE21"));
        assert!(regions_of("DE").len() > 30);
        // France's frame is its mainland and Corsica, not its overseas regions.
        let france = countries().get("FR").expect("France").main_bounds;
        assert!(france.0 > -6.0 && france.2 < 10.0, "{france:?}");
        let view = View::around(france, 0.05);
        let (west, south, east, north) = view.bounds();
        assert!(west < -4.5 && east > 8.0 && south < 42.5 && north > 51.0);
        assert!(view.cluster_level() > View::europe().cluster_level());
        // Every level is drawn for the map of Europe, down to the small regions.
        for (level, code) in [(0, "AT"), (1, "AT1"), (2, "AT13"), (3, "AT130")] {
            let area = europe_areas(level).get(code);
            assert!(
                area.is_some_and(|area| area.path.starts_with('M')),
                "{code}"
            );
        }
        assert!(europe_areas(3).len() > 1_000);
        assert!(europe_areas(4).is_empty());
    }

    #[test]
    fn class_breaks_rise_and_end_at_the_maximum() {
        for max in [1, 2, 5, 118, 10_000] {
            let breaks = class_breaks(max);
            assert_eq!(breaks.len(), CLASSES);
            assert!(
                breaks.windows(2).all(|pair| pair[0] < pair[1]),
                "{breaks:?}"
            );
            assert!(*breaks.last().expect("a last class") >= max);
            assert_eq!(
                class_of(max, &breaks),
                breaks.iter().position(|&b| max <= b).expect("a class") + 1
            );
        }
        assert_eq!(class_of(0, &class_breaks(10)), 0);
        assert_eq!(class_of(1, &class_breaks(10)), 1);
    }
}
