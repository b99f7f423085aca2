"""One row per role of the catalogue (accounts/roles.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from anjian.accounts.roles import RoleCode

    Role = apps.get_model("accounts", "Role")
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
