"""Derive the compact NUTS tables and the old-code-to-NUTS-2021 translation table.

Inputs (all under data/reference/nuts):
  NUTS_2016.csv, NUTS_2021.csv                 codes with Latin and national names;
  NUTS_RG_10M_2021_4326_LEVL_{0..3}.topojson   feature properties carry `centroid` (lon, lat);
  nuts_recoded.json                            per version step, a map NEW code -> OLD code;
  nuts_recoded_supplement.json                 the same for changes missing from nuts_recoded.json
                                               that the cohesion-policy tables need (written by
                                               hand from the NUTS 2010 and 2013 regulations:
                                               Guadeloupe FR91 became FRA1 in 2013 (without
                                               Saint-Martin and Saint-Barthélemy, which is why
                                               the file leaves it out), Inner and Outer London UKI1,
                                               UKI2 were split into UKI3..UKI7 in 2013, Cheshire
                                               UKD2 and Merseyside UKD5 became UKD6, UKD7 in 2010).

Outputs (under data/reference/nuts):
  nuts_regions_2016.csv, nuts_regions_2021.csv
      code,level,parent,country,name,name_national,lon,lat
      level = len(code) - 2; parent = code[:-1] (none at level 0); lon/lat are the 2021 centroid of
      the same code, empty when the code does not exist in 2021.
  nuts_to_2021.csv
      code,nuts_2021,method
      one row for every known code of NUTS 2003..2016 that is not itself a valid 2021 code.
      method is one of:
        extra_regio      an Extra-Regio code (CCZ, CCZZ, CCZZZ), translated to its country;
        recoded          the chain of relabellings in nuts_recoded.json ends at a valid 2021 code;
        common_ancestor  the code was split or merged: its known sub-regions translate to several
                         2021 codes, and nuts_2021 is their longest common ancestor that exists in
                         2021, cut to the old code's own level (never more detailed than the old
                         code); sub-regions with no known successor count with the longest prefix of
                         their code that exists in 2021;
        parent           nothing is known about the code's successors: nuts_2021 is the translation
                         of its parent region (the smallest 2021 region known to contain it);
        none             no 2021 region can be named (nuts_2021 is empty).

Run from the repository root: python3 scripts/derive_nuts.py
"""

import csv
import json
import os

NUTS_DIR = os.path.join("data", "reference", "nuts")


def read_nuts_csv(version):
    with open(os.path.join(NUTS_DIR, f"NUTS_{version}.csv"), encoding="utf-8") as handle:
        return {row["NUTS_ID"]: row for row in csv.DictReader(handle)}


def read_centroids():
    centroids = {}
    for level in range(4):
        path = os.path.join(NUTS_DIR, f"NUTS_RG_10M_2021_4326_LEVL_{level}.topojson")
        with open(path, encoding="utf-8") as handle:
            topology = json.load(handle)
        for geometry in topology["objects"]["NUTS"]["geometries"]:
            properties = geometry["properties"]
            centroids[properties["NUTS_ID"]] = tuple(properties["centroid"])
    return centroids


def parent_code(code, rows):
    """The parent of a code: the code without its last character, with one known exception.

    NUTS 2016 numbered Northern Ireland's level-3 regions UKN06..UKN16 under the level-2 region UKN0,
    so UKN10..UKN16 do not carry their parent's code as a prefix.
    """
    if len(code) == 2:
        return ""
    parent = code[:-1]
    if parent not in rows and code.startswith("UKN1") and len(code) == 5:
        parent = "UKN0"
    assert parent in rows, f"parent of {code} missing"
    return parent


def write_regions(version, rows, centroids):
    path = os.path.join(NUTS_DIR, f"nuts_regions_{version}.csv")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "level", "parent", "country", "name", "name_national", "lon", "lat"])
        for code in sorted(rows):
            row = rows[code]
            assert row["CNTR_CODE"] == code[:2], code
            parent = parent_code(code, rows)
            if version == 2021:
                assert code in centroids, f"no centroid for {code}"
            lon, lat = centroids.get(code, ("", ""))
            writer.writerow([code, len(code) - 2, parent, row["CNTR_CODE"], row["NAME_LATN"].strip(),
                             row["NUTS_NAME"].strip(), lon, lat])
    print(f"{path}: {len(rows)} regions")


def read_steps():
    """The relabelling steps, oldest first, with the supplement merged in."""
    with open(os.path.join(NUTS_DIR, "nuts_recoded.json"), encoding="utf-8") as handle:
        steps = json.load(handle)
    with open(os.path.join(NUTS_DIR, "nuts_recoded_supplement.json"), encoding="utf-8") as handle:
        supplement = json.load(handle)
    by_period = {(step["from"], step["to"]): step for step in steps}
    for extra in supplement:
        step = by_period[(extra["from"], extra["to"])]
        for new_code, old_code in extra["newIdToOldId"].items():
            assert new_code not in step["newIdToOldId"], f"{new_code} is already in nuts_recoded.json"
            step["newIdToOldId"][new_code] = old_code
    steps.sort(key=lambda step: int(step["from"]))
    return steps


def longest_common_prefix(codes):
    prefix = os.path.commonprefix(sorted(codes))
    return prefix


def derive_translation(nuts_2016, nuts_2021):
    steps = read_steps()
    old_to_new = []
    for step in steps:
        successors = {}
        for new_code, old_code in step["newIdToOldId"].items():
            successors.setdefault(old_code, []).append(new_code)
        # A code with one successor was relabelled; one with several was split, and is left to
        # the common-ancestor rule below.
        inverse = {old: news[0] for old, news in successors.items() if len(news) == 1}
        split = {old: news for old, news in successors.items() if len(news) > 1}
        old_to_new.append((step["from"], step["to"], inverse, split))

    # Every code known to have existed in some version: 2016 and 2021 codes, both sides of every
    # relabelling, and (since NUTS is hierarchical) every prefix of those of at least two letters.
    known = set(nuts_2016) | set(nuts_2021)
    for step in steps:
        known |= set(step["newIdToOldId"]) | set(step["newIdToOldId"].values())
    for code in list(known):
        for length in range(2, len(code)):
            known.add(code[:length])
    # UKN1 is only the prefix of NUTS 2016's UKN10..UKN16 (children of UKN0), never a region.
    known.discard("UKN1")

    # Extra-regio codes (CCZ, CCZZ, CCZZZ: territory outside any region) are not in the 2021
    # table; they translate to their country.
    extra_regio = set()
    for country in (code for code in nuts_2021 if len(code) == 2):
        extra_regio |= {country + "Z", country + "ZZ", country + "ZZZ"}
    known |= extra_regio

    def chain_from(code, first_step):
        for _, _, inverse, _ in old_to_new[first_step:]:
            code = inverse.get(code, code)
        return code

    def by_relabelling(code):
        """The 2021 code reached by following relabellings, or None."""
        results = []
        for index, (_, _, inverse, _) in enumerate(old_to_new):
            if code in inverse:
                result = chain_from(code, index)
                if result in nuts_2021:
                    results.append(result)
        if not results:
            return None
        if len(set(results)) > 1:
            print(f"    {code} was relabelled in several steps: {results}; the last one is kept")
        # A code relabelled in several steps was reused; the most recent meaning wins.
        return results[-1]

    translation = {}

    def nearest_existing_ancestor(code):
        while len(code) >= 2 and code not in nuts_2021:
            code = code[:-1]
        return code if len(code) >= 2 else ""

    def downwards(code):
        """The 2021 region of a code from the code itself or its sub-regions, or None."""
        if code in nuts_2021:
            return code, "itself"
        if code in extra_regio:
            return code[:2], "extra_regio"
        result = by_relabelling(code)
        if result is not None:
            return result, "recoded"
        targets = set()
        any_resolved = False
        for _, _, _, split in old_to_new:
            for successor in split.get(code, []):
                found = downwards(successor)
                if found is not None:
                    any_resolved = True
                    targets.add(found[0])
        for descendant in (other for other in known if other.startswith(code) and len(other) == len(code) + 1):
            found = downwards(descendant)
            if found is not None:
                any_resolved = True
                targets.add(found[0])
            elif descendant in nuts_2016:
                # NUTS 2016 lists every sub-region, so a 2016 sub-region with no known successor
                # widens the answer to the longest prefix of its code that exists in 2021.
                # For older versions only the relabelled sub-regions are known, so unknown ones
                # are left out.
                targets.add(nearest_existing_ancestor(descendant))
        if not any_resolved:
            return None
        # Never more detailed than the old code itself: the known sub-regions may be an
        # incomplete list (for example DED1 Chemnitz, of which only DED11 was relabelled).
        ancestor = nearest_existing_ancestor(longest_common_prefix(targets)[: len(code)])
        return ancestor, "common_ancestor"

    def translate(code):
        if code in translation:
            return translation[code]
        found = downwards(code)
        if found is None and len(code) > 2:
            parent_target, _ = translate(code[:-1])
            found = (parent_target, "parent")
        if found is None or found[0] == "":
            found = ("", "none")
        translation[code] = found
        return found

    for code in sorted(known, key=len):
        translate(code)
    translation = {code: value for code, value in translation.items() if value[1] != "itself"}

    path = os.path.join(NUTS_DIR, "nuts_to_2021.csv")
    counts = {}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nuts_2021", "method"])
        for code in sorted(translation):
            target, method = translation[code]
            assert target == "" or target in nuts_2021
            counts[method] = counts.get(method, 0) + 1
            writer.writerow([code, target, method])
    print(f"{path}: {len(translation)} old codes, {counts}")
    for code in sorted(translation):
        if translation[code][1] in ("common_ancestor", "parent", "none"):
            print("   ", code, "->", translation[code])


def main():
    nuts_2016 = read_nuts_csv(2016)
    nuts_2021 = read_nuts_csv(2021)
    centroids = read_centroids()
    write_regions(2016, nuts_2016, centroids)
    write_regions(2021, nuts_2021, centroids)
    derive_translation(nuts_2016, nuts_2021)


if __name__ == "__main__":
    main()
