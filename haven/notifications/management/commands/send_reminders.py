from django.core.management.base import BaseCommand

from haven.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that have fallen due (training expiry and the like). Each is sent "
        "once; safe to run every few minutes."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        for name, sent in counts.items():
            self.stdout.write(f"{name}: {sent} reminder(s) sent.")
        self.stdout.write(f"Sent {sum(counts.values())} reminder(s) in all.")
