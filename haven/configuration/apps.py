from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigurationConfig(AppConfig):
    name = "haven.configuration"
    label = "configuration"
    verbose_name = "Configuration"

    def ready(self):
        from haven.configuration import services

        # A list added by a later release gets its defaults in every existing organisation.
        post_migrate.connect(services.seed_all_organisations, sender=self)
