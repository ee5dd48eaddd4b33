from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "haven.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        # Register the document picklist and the chronology projector.
        from haven.documents import chronology, picklists  # noqa: F401
