from django.db import migrations, models

# The triage decision each level of the example frameworks leads to, by framework name and
# level key, as the examples now ship them. Only the new column is filled: nothing a past
# decision recorded changes.
EXAMPLE_OUTCOMES = {
    "Four-tier needs matrix": {
        "universal": "monitor",
        "early-help": "early_help",
        "child-in-need": "front_door",
        "child-protection": "front_door",
    },
    "Continuum of need (three levels)": {
        "universal": "monitor",
        "early-help": "early_help",
        "safeguarding": "front_door",
    },
    "Family centre High and Low thresholds": {"low": "open_case", "high": "open_case"},
}


def fill_examples(apps, schema_editor):
    Level = apps.get_model("thresholds", "Level")
    for name, outcomes in EXAMPLE_OUTCOMES.items():
        for key, outcome in outcomes.items():
            Level._default_manager.filter(
                version__name=name, version__number=1, key=key, concern_outcome=""
            ).update(concern_outcome=outcome)


class Migration(migrations.Migration):
    dependencies = [
        ("thresholds", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="level",
            name="concern_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("monitor", "Monitor"),
                    ("open_case", "Open a safeguarding case"),
                    ("early_help", "Refer on to early help"),
                    ("front_door", "Refer on to the children's front door"),
                ],
                max_length=12,
                verbose_name="triage decision on a concern",
            ),
        ),
        migrations.RunPython(fill_examples, migrations.RunPython.noop),
    ]
