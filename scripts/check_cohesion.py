"""Check the transcribed cohesion-policy region categories.

Input: data/reference/cohesion/region_categories.csv (period,nuts,name,category), transcribed by
hand from the annexes of Commission Implementing Decision 2014/99/EU (2014-2020, NUTS 2006 codes)
and Commission Implementing Decision (EU) 2021/1130 (2021-2027, NUTS 2016 codes); see
data/README.md.

Checks, printing every problem found:
  * 2021-2027 codes are level-2 codes of NUTS 2016, and every level-2 region of the 27 member
    states is listed exactly once;
  * 2014-2020 codes are level-2 codes (four characters) that exist in NUTS 2021 or that
    data/reference/nuts/nuts_to_2021.csv translates (old codes are only known through the
    recoding table), and the 28 member states of the time are all covered;
  * categories are one of less_developed, transition, more_developed.
It also prints the count of regions per category.

Run from the repository root (after scripts/derive_nuts.py): python3 scripts/check_cohesion.py
"""

import collections
import csv
import os
import sys

EU27 = "AT BE BG HR CY CZ DK EE FI FR DE EL HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
EU28 = EU27 + ["UK"]
CATEGORIES = {"less_developed", "transition", "more_developed"}


def read(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main():
    nuts_2016 = {row["code"]: row for row in read(os.path.join("data", "reference", "nuts", "nuts_regions_2016.csv"))}
    nuts_2021 = {row["code"] for row in read(os.path.join("data", "reference", "nuts", "nuts_regions_2021.csv"))}
    translation = {row["code"]: row["nuts_2021"] for row in read(os.path.join("data", "reference", "nuts", "nuts_to_2021.csv"))}
    rows = read(os.path.join("data", "reference", "cohesion", "region_categories.csv"))

    problems = []
    seen = collections.Counter()
    for row in rows:
        period, code, category = row["period"], row["nuts"], row["category"]
        seen[(period, code)] += 1
        if category not in CATEGORIES:
            problems.append(f"{period} {code}: unknown category {category}")
        if period == "2021-2027":
            if nuts_2016.get(code, {}).get("level") != "2":
                problems.append(f"{period} {code}: not a NUTS 2016 level-2 code")
        elif period == "2014-2020":
            if len(code) != 4 or not (code in nuts_2021 or translation.get(code)):
                problems.append(f"{period} {code}: not a known level-2 code")
            if code[:2] not in EU28:
                problems.append(f"{period} {code}: not in a member state of 2014")
        else:
            problems.append(f"{code}: unknown period {period}")
    problems += [f"{period} {code}: listed {count} times" for (period, code), count in seen.items() if count > 1]

    expected_2021 = {code for code, row in nuts_2016.items() if row["level"] == "2" and row["country"] in EU27}
    listed_2021 = {code for period, code in seen if period == "2021-2027"}
    problems += [f"2021-2027 {code}: missing" for code in sorted(expected_2021 - listed_2021)]
    countries_2014 = {code[:2] for period, code in seen if period == "2014-2020"}
    problems += [f"2014-2020: no region of {country}" for country in EU28 if country not in countries_2014]

    for period in ("2014-2020", "2021-2027"):
        counts = collections.Counter(row["category"] for row in rows if row["period"] == period)
        print(period, sum(counts.values()), "regions:", dict(sorted(counts.items())))
    for problem in problems:
        print("PROBLEM", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
