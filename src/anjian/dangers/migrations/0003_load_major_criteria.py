"""Preload the sector major hidden danger criteria (data/major-criteria.json) as checklist items."""

import json
from pathlib import Path
from typing import Any

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "major-criteria.json"


def load(apps: Any, schema_editor: Any) -> None:
    item_model = apps.get_model("dangers", "ChecklistItem")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        item_model.objects.update_or_create(
            sector=row["sector"],
            code=row["code"],
            edition=row["edition"],
            defaults={"title": row["title"], "standard": row["standard"], "major_criterion": True},
        )


def unload(apps: Any, schema_editor: Any) -> None:
    item_model = apps.get_model("dangers", "ChecklistItem")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        item_model.objects.filter(sector=row["sector"], code=row["code"], edition=row["edition"]).delete()


class Migration(migrations.Migration):
    dependencies = [("dangers", "0002_progress_complaint_verification")]

    operations = [migrations.RunPython(load, unload)]
