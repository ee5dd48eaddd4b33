from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "haven.tasks"
    label = "tasks"
    verbose_name = "Tasks"
