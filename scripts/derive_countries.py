"""Derive the country table: ISO 3166-1 codes with the EU's own codes and memberships.

Inputs: data/reference/countries/iso3166-1.json (Debian iso-codes via pycountry),
data/reference/countries/geonames_countries.json (GeoNames; used only for Kosovo, which has the
user-assigned code XK and no ISO entry but appears in the city table), and
data/reference/nuts/NUTS_2021.csv (which countries have NUTS 2021 regions).
Output: data/reference/countries/countries.csv with alpha2,alpha3,numeric,name,eu_code,eu_member,nuts.

  eu_code    the code EU statistics use: EL for Greece (GR), UK for the United Kingdom (GB), else
             the ISO alpha-2 code;
  eu_member  1 for the 27 member states of the European Union since 1 February 2020;
  nuts       1 when NUTS 2021 has regions for the country.

Run from the repository root: python3 scripts/derive_countries.py
"""

import csv
import json
import os

EU_MEMBERS = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}
EU_CODE_EXCEPTIONS = {"GR": "EL", "GB": "UK"}


def main():
    with open(os.path.join("data", "reference", "countries", "iso3166-1.json"), encoding="utf-8") as handle:
        iso = json.load(handle)["3166-1"]
    with open(os.path.join("data", "reference", "countries", "geonames_countries.json"), encoding="utf-8") as handle:
        geonames = json.load(handle)
    with open(os.path.join("data", "reference", "nuts", "NUTS_2021.csv"), encoding="utf-8") as handle:
        nuts_countries = {row["CNTR_CODE"] for row in csv.DictReader(handle)}

    rows = []
    for entry in iso:
        # The short common name reads better in a user interface than the ISO list name
        # ("Moldova" rather than "Moldova, Republic of").
        name = entry.get("common_name", entry["name"])
        rows.append((entry["alpha_2"], entry["alpha_3"], int(entry["numeric"]), name))
    kosovo = geonames["XK"]
    # Kosovo has no ISO 3166-1 numeric code; 0 marks its absence.
    rows.append(("XK", kosovo["iso3"], 0, kosovo["name"]))
    rows.sort()

    assert EU_MEMBERS <= {row[0] for row in rows}
    path = os.path.join("data", "reference", "countries", "countries.csv")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["alpha2", "alpha3", "numeric", "name", "eu_code", "eu_member", "nuts"])
        for alpha2, alpha3, numeric, name in rows:
            eu_code = EU_CODE_EXCEPTIONS.get(alpha2, alpha2)
            writer.writerow([alpha2, alpha3, numeric, name, eu_code, int(alpha2 in EU_MEMBERS),
                             int(eu_code in nuts_countries)])
    with_nuts = sum(1 for row in rows if EU_CODE_EXCEPTIONS.get(row[0], row[0]) in nuts_countries)
    assert with_nuts == len(nuts_countries), (with_nuts, len(nuts_countries))
    print(f"{path}: {len(rows)} countries, {with_nuts} with NUTS 2021 regions")


if __name__ == "__main__":
    main()
