from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SafeguardingConfig(AppConfig):
    name = "haven.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        # Register the chronology projectors (concerns; actions and triage decisions) and
        # the recording-hint picklists.
        from haven.safeguarding import alerts_chronology, chronology, picklists  # noqa: F401
        from haven.safeguarding.taxonomy import seed_all_organisations

        # Organisations from before this release get the default taxonomy and settings.
        post_migrate.connect(seed_all_organisations, sender=self)
