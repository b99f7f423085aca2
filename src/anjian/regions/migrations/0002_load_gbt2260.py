"""Loads the GB/T 2260 tree (about 3,200 codes) and the Corps tree from the packaged data file."""

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    from anjian.regions.loader import load_regions

    load_regions(apps.get_model("regions", "Region"), settings.CORPS_REGION_CODE)


def unload(apps, schema_editor):
    apps.get_model("regions", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
