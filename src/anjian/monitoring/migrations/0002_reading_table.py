"""The raw readings table, below the ORM (see monitoring/storage.py): partitioned by day on
PostgreSQL, a plain table on SQLite."""

from typing import Any

from django.db import migrations

from anjian.monitoring import storage


def create(apps: Any, schema_editor: Any) -> None:
    storage.create_tables(schema_editor)


def drop(apps: Any, schema_editor: Any) -> None:
    storage.drop_tables(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
