from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "haven.chronology"
    label = "chronology"
    verbose_name = "Chronology"

    def ready(self):
        # Register the transfer file's chronology projector and its overdue reminder.
        from haven.chronology import transfer_chronology  # noqa: F401
        from haven.chronology.transfer_reminders import OverdueTransferReminders
        from haven.notifications import reminders

        reminders.register(OverdueTransferReminders())
