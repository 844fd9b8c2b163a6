#!/bin/sh
# Re-derives every derived file under data/reference from the original files, then checks the
# hand-written ones. Run from the repository root; needs Python 3 with shapely (pip install shapely).
set -eu
python3 scripts/derive_nuts.py > /dev/null
python3 scripts/derive_nace.py
python3 scripts/derive_countries.py
python3 scripts/derive_cities.py
python3 scripts/derive_cluster_categories.py
python3 scripts/derive_cluster_relatedness.py
python3 scripts/check_cohesion.py
