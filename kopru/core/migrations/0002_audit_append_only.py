"""The audit table refuses UPDATE and DELETE at the database itself (both backends).

The hash chain (kopru.core.audit) still catches whoever drops these triggers.
"""

from django.db import migrations

from kopru.core import audit_guard


def forward(apps, schema_editor):
    audit_guard.install(schema_editor.connection)


def backward(apps, schema_editor):
    audit_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
