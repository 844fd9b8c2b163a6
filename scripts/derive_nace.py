"""Derive the compact trilingual NACE Rev. 2 table.

Inputs: data/reference/nace/nace2_{en,fr,de}.csv (Eurostat correspondence tables: code, name,
parent and the include / exclude notes).
Output: data/reference/nace/nace2.csv with code,level,parent,label_en,label_fr,label_de; level is
1 for a section (A..U), 2 for a division (01), 3 for a group (01.1), 4 for a class (01.11). The
include / exclude notes are left out: the product only needs the labels.

Run from the repository root: python3 scripts/derive_nace.py
"""

import csv
import os

NACE_DIR = os.path.join("data", "reference", "nace")
LEVEL_BY_LENGTH = {1: 1, 2: 2, 4: 3, 5: 4}


def read_labels(language):
    with open(os.path.join(NACE_DIR, f"nace2_{language}.csv"), encoding="utf-8") as handle:
        return {row["nace2"]: row for row in csv.DictReader(handle)}


def hierarchical_order(english):
    """Codes in reading order: each section, then its divisions, groups and classes in code order."""
    def section_of(code):
        while english[code]["Parent"] != "NA":
            code = english[code]["Parent"]
        return code

    return sorted(english, key=lambda code: (section_of(code), "" if code.isalpha() else code))


def main():
    english, french, german = (read_labels(language) for language in ("en", "fr", "de"))
    assert set(english) == set(french) == set(german)
    path = os.path.join(NACE_DIR, "nace2.csv")
    counts = {}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "level", "parent", "label_en", "label_fr", "label_de"])
        for code in hierarchical_order(english):
            level = LEVEL_BY_LENGTH[len(code)]
            parent = english[code]["Parent"]
            parent = "" if parent == "NA" else parent
            assert (level == 1) == (parent == ""), code
            assert parent == "" or parent in english, code
            counts[level] = counts.get(level, 0) + 1
            labels = [table[code]["NAME"].strip() for table in (english, french, german)]
            assert all(labels), code
            writer.writerow([code, level, parent, *labels])
    print(f"{path}: {counts}")


if __name__ == "__main__":
    main()
