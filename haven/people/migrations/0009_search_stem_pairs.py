"""Stem pairs: file the start of every given name with the surname, so that a search typed
as the start of both names ("oli smit") is a few index ranges, not the intersection of every
"oli…" with every "smit…"."""

from django.db import migrations

BATCH = 5000


def add_stem_pairs(apps, schema_editor):
    # Today's rule, applied to the names as they stand. Rows already made by it (migration
    # 0007 files pairs with today's rule too) are replaced, so running this twice is harmless.
    from haven.people.search import name_tokens, stem_pairs

    Person = apps.get_model("people", "Person")
    SearchToken = apps.get_model("people", "SearchToken")
    remove_stem_pairs(apps, schema_editor)
    people = Person._base_manager.order_by("pk").values_list(
        "pk", "organisation_id", "first_name", "known_as", "last_name"
    )
    last = 0
    while batch := list(people.filter(pk__gt=last)[:BATCH]):
        rows = [
            SearchToken(organisation_id=org, person_id=pk, kind="p", token=pair)
            for pk, org, first, known_as, surname in batch
            for pair in sorted(stem_pairs(name_tokens(first, known_as), name_tokens(surname)))
        ]
        SearchToken._base_manager.bulk_create(rows, batch_size=BATCH)
        last = batch[-1][0]


def remove_stem_pairs(apps, schema_editor):
    SearchToken = apps.get_model("people", "SearchToken")
    SearchToken._base_manager.filter(kind="p", token__startswith=">").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_person_photo"),
    ]

    operations = [migrations.RunPython(add_stem_pairs, remove_stem_pairs)]
