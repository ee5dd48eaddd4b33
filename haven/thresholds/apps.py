from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ThresholdsConfig(AppConfig):
    name = "haven.thresholds"
    label = "thresholds"
    verbose_name = "Thresholds"

    def ready(self):
        # Register the chronology projector for threshold decisions.
        from haven.thresholds import chronology  # noqa: F401
        from haven.thresholds.reports import register

        register()
        from haven.thresholds.services import seed_all_organisations

        # Organisations from before this release get the example frameworks too.
        post_migrate.connect(seed_all_organisations, sender=self)
