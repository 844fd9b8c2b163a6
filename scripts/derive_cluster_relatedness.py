"""Derive the compact relatedness table of the 51 traded cluster categories.

Input: data/reference/clusters/traded_cluster_relatedness.json (US Cluster Mapping Project,
relatedClusters.json; method: Delgado, Porter & Stern, J. Econ. Geogr. 16(1), 2016), one record
per ordered pair of categories.
Output: data/reference/clusters/cluster_relatedness.csv with
  a,b,cr_all,cr_all_pc,cr_io_pc,cr_occ_pc,cr_lc_pc
for all 51 x 51 ordered pairs (the source is symmetric up to rounding in the last digit; both
directions are kept as published). cr_all is the combined relatedness score, the *_pc columns are
percentiles (0-99) of the combined, input-output, occupation and co-location measures.

It also checks that the category names agree with data/reference/clusters/cluster_categories.csv
when that file exists.

Run from the repository root: python3 scripts/derive_cluster_relatedness.py
"""

import csv
import json
import os

CLUSTERS_DIR = os.path.join("data", "reference", "clusters")


def main():
    with open(os.path.join(CLUSTERS_DIR, "traded_cluster_relatedness.json"), encoding="utf-8") as handle:
        records = json.load(handle)
    names = {}
    rows = {}
    for record in records:
        first, second = int(record["clustera"]), int(record["clusterb"])
        names[first] = record["cluster_name"]
        names[second] = record["cluster_name_2"]
        assert (first, second) not in rows
        rows[(first, second)] = [
            first, second, float(record["cr_all"]), int(record["cr_all_pc"]), int(record["cr_io_pc"]),
            int(record["cr_occ_pc"]), int(record["cr_lc_pc"]),
        ]
    assert sorted(names) == list(range(1, 52))
    assert len(rows) == 51 * 51
    path = os.path.join(CLUSTERS_DIR, "cluster_relatedness.csv")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["a", "b", "cr_all", "cr_all_pc", "cr_io_pc", "cr_occ_pc", "cr_lc_pc"])
        for key in sorted(rows):
            row = rows[key]
            row[2] = repr(row[2])
            writer.writerow(row)
    print(f"{path}: {len(rows)} pairs")

    categories_path = os.path.join(CLUSTERS_DIR, "cluster_categories.csv")
    if os.path.exists(categories_path):
        with open(categories_path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                assert row["name_en"] == names[int(row["id"])], (row["id"], row["name_en"], names[int(row["id"])])
        print(f"{categories_path}: names agree with the source")


if __name__ == "__main__":
    main()
