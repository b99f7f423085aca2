"""Loads the packaged GB/T 2260 table and the Corps tree into ``Region`` (used by the migration)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "gbt2260.csv"
EDITION = "pcc-8.5.8"

# 新疆生产建设兵团: its 14 divisions (师) have no GB/T 2260 codes; they get non-standard codes
# under the Corps' configurable provincial code, with the seat of the city they co-govern (师市合一).
CORPS_DIVISIONS = [
    ("01", "第一师", "659002"),
    ("02", "第二师", "659006"),
    ("03", "第三师", "659003"),
    ("04", "第四师", "659008"),
    ("05", "第五师", "659007"),
    ("06", "第六师", "659004"),
    ("07", "第七师", "659010"),
    ("08", "第八师", "659001"),
    ("09", "第九师", ""),
    ("10", "第十师", "659005"),
    ("11", "第十一师", ""),
    ("12", "第十二师", ""),
    ("13", "第十三师", "659011"),
    ("14", "第十四师", "659009"),
]


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def load_regions(region_model: Any, corps_code: str) -> int:
    rows = []
    with DATA_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows.append(
                region_model(
                    code=row["code"],
                    name=row["name"],
                    level=row["level"],
                    parent_id=row["parent"] or None,
                    longitude=_decimal(row["longitude"]),
                    latitude=_decimal(row["latitude"]),
                    edition=EDITION,
                )
            )
    seats = {r.code: r for r in rows}
    rows.append(region_model(code=corps_code, name="新疆生产建设兵团", level="province", is_standard=False))
    for number, name, seat in CORPS_DIVISIONS:
        point = seats.get(seat)
        rows.append(
            region_model(
                code=f"{corps_code[:2]}{number}00",
                name=name,
                level="city",
                parent_id=corps_code,
                is_standard=False,
                longitude=point.longitude if point else None,
                latitude=point.latitude if point else None,
            )
        )
    # Parents first, so the self-reference is satisfied on databases that check it per row.
    order = {"province": 0, "city": 1, "county": 2}
    rows.sort(key=lambda r: (order[r.level], r.code))
    region_model.objects.bulk_create(rows, batch_size=500)
    return len(rows)
