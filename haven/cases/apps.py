from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haven.cases"
    label = "cases"
    verbose_name = "Safeguarding cases"

    def ready(self):
        # Register the case picklists, the chronology projectors and the overdue reminders.
        from haven.cases import chronology, picklists  # noqa: F401
        from haven.cases.reminders import OverdueCaseReminders
        from haven.notifications import reminders

        reminders.register(OverdueCaseReminders())
