from django.db import migrations

from haven.core.db.append_only import MakeAppendOnly


class Migration(migrations.Migration):
    """The database itself refuses UPDATE and DELETE on audit events."""

    dependencies = [("audit", "0001_initial")]
    operations = [MakeAppendOnly("AuditEvent")]
