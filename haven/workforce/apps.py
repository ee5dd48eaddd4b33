from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "haven.workforce"
    label = "workforce"
    verbose_name = "Workforce"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from haven.notifications import reminders
        from haven.workforce import picklists, signals  # noqa: F401 (registers the picklists)
        from haven.workforce.reminders import TrainingAndDbsReminders

        reminders.register(TrainingAndDbsReminders())
        user_logged_in.connect(signals.remind_at_sign_in, dispatch_uid="workforce-sign-in")
