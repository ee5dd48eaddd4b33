"""Every existing organisation gets the default High and Low thresholds (new organisations
get them when they are created: accounts.services.organisation_create)."""

from django.db import migrations


def seed(apps, schema_editor):
    from haven.cases.services import DEFAULT_THRESHOLDS

    Organisation = apps.get_model("accounts", "Organisation")
    CaseThreshold = apps.get_model("cases", "CaseThreshold")
    for organisation in Organisation.objects.all():
        if CaseThreshold.objects.filter(organisation=organisation).exists():
            continue
        CaseThreshold.objects.bulk_create(
            CaseThreshold(
                organisation=organisation,
                name=name,
                review_days=days,
                guidance=guidance,
                position=position,
            )
            for position, (name, days, guidance) in enumerate(DEFAULT_THRESHOLDS)
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
