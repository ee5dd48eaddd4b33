from django.db import migrations

from haven.core.db.append_only import MakeAppendOnly


class Migration(migrations.Migration):
    # Versions of a concern, the actions taken on it and the DSL's decisions are history:
    # the database refuses to change or delete them.
    dependencies = [("safeguarding", "0001_initial")]

    operations = [
        MakeAppendOnly("ConcernVersion"),
        MakeAppendOnly("ConcernAction"),
        MakeAppendOnly("TriageDecision"),
    ]
