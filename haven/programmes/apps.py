from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "haven.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self):
        # Register the programme picklists, the chronology projectors and the reminders.
        from haven.notifications import reminders
        from haven.programmes import chronology, picklists  # noqa: F401
        from haven.programmes.reminders import FollowUpReminders

        reminders.register(FollowUpReminders())
