from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "People and households"

    def ready(self):
        # Register the people picklists and the import jobs.
        from haven.people import chronology, imports, picklists  # noqa: F401
