"""Name pairs: file every person's given names with their surname words for two-word search."""

from django.db import migrations, models

BATCH = 2000


def add_name_pairs(apps, schema_editor):
    # Today's pairing rule, applied to the names as they stand: the search reads pairs from
    # now on, so people recorded before need theirs too.
    from haven.people.search import name_pairs, name_tokens

    Person = apps.get_model("people", "Person")
    SearchToken = apps.get_model("people", "SearchToken")
    people = Person._base_manager.order_by("pk").values_list(
        "pk", "organisation_id", "first_name", "known_as", "last_name"
    )
    last = 0
    while batch := list(people.filter(pk__gt=last)[:BATCH]):
        rows = [
            SearchToken(organisation_id=org, person_id=pk, kind="p", token=pair)
            for pk, org, first, known_as, surname in batch
            for pair in sorted(name_pairs(name_tokens(first, known_as), name_tokens(surname)))
        ]
        SearchToken._base_manager.bulk_create(rows, batch_size=BATCH)
        last = batch[-1][0]


def remove_name_pairs(apps, schema_editor):
    apps.get_model("people", "SearchToken")._base_manager.filter(kind="p").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_partial_expected_date_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchtoken",
            name="kind",
            field=models.CharField(
                choices=[("n", "Name"), ("s", "Sounds like"), ("p", "Name pair")], max_length=1
            ),
        ),
        migrations.RunPython(add_name_pairs, remove_name_pairs),
    ]
