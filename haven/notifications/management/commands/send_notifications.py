from django.core.management.base import BaseCommand

from haven.notifications.services import send_queued_emails


class Command(BaseCommand):
    help = "Send notification emails still owed (safe to run every few minutes)."

    def handle(self, *args, **options):
        sent = send_queued_emails()
        self.stdout.write(f"Sent {sent} notification email(s).")
