"""Loads GB/T 4754-2017 sections and divisions with their default supervised sector."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.industries.data import DIVISIONS, SECTIONS, default_sector

    Industry = apps.get_model("industries", "Industry")
    Industry.objects.bulk_create([Industry(code=code, name=name, level="section") for code, name in SECTIONS])
    Industry.objects.bulk_create(
        [
            Industry(
                code=code, name=name, level="division", parent_id=section, default_sector=default_sector(code)
            )
            for code, name, section in DIVISIONS
        ]
    )


def unload(apps, schema_editor):
    Industry = apps.get_model("industries", "Industry")
    Industry.objects.filter(level="division").delete()
    Industry.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("industries", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
