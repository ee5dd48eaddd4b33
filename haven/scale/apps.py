from django.apps import AppConfig


class ScaleConfig(AppConfig):
    name = "haven.scale"
    label = "scale"
    verbose_name = "Synthetic data and benchmarks"
