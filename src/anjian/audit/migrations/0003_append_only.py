"""The database refuses UPDATE and DELETE on audit events (and TRUNCATE on PostgreSQL).

Only the archive command may delete, and only rows it has exported: it sets the session flag
``anjian.audit_prune`` inside its own transaction (PostgreSQL) or drops and recreates the trigger
inside its transaction (SQLite, whose DDL is transactional).
"""

from django.db import migrations

from anjian.audit import sql


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [sql.POSTGRES_FUNCTION, sql.POSTGRES_ROW_TRIGGER, sql.POSTGRES_TRUNCATE_TRIGGER]
    else:
        statements = [sql.SQLITE_NO_UPDATE, sql.SQLITE_NO_DELETE]
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [
            "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
            "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
            "DROP FUNCTION IF EXISTS audit_event_append_only()",
        ]
    else:
        statements = [
            "DROP TRIGGER IF EXISTS audit_event_no_update",
            "DROP TRIGGER IF EXISTS audit_event_no_delete",
        ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_auditarchive_auditchainhead_auditevent")]
    operations = [migrations.RunPython(forward, backward)]
