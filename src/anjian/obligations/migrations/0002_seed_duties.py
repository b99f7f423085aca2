"""The four reporting duties of issue 5, as data (their rules can be changed without code)."""

from typing import Any

from django.db import migrations

DUTIES = [
    {
        "code": "hidden-danger-quarterly",
        "name": "隐患排查治理情况季度统计",
        "period": "quarterly",
        "due_months_after": 1,
        "due_day": 15,
    },
    {
        "code": "annual-report",
        "name": "安全生产年度报告",
        "period": "annual",
        "due_months_after": 1,
        "due_day": 31,
    },
    {
        "code": "major-hazard-refiling",
        "name": "重大危险源复核备案",
        "period": "every_n_years",
        "every_years": 3,
        "major_hazard_only": True,
    },
    {
        "code": "training-quarterly",
        "name": "安全培训情况季度统计",
        "period": "quarterly",
        "due_months_after": 1,
        "due_day": 15,
    },
]


def seed(apps: Any, schema_editor: Any) -> None:
    duty = apps.get_model("obligations", "ReportingDuty")
    for row in DUTIES:
        duty.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("obligations", "ReportingDuty").objects.filter(code__in=[d["code"] for d in DUTIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("obligations", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
