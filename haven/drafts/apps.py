from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "haven.drafts"
    label = "drafts"
