from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "haven.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
