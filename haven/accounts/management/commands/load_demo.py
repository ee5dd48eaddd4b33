from django.core.management.base import BaseCommand

from haven.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo, sign_in_table


class Command(BaseCommand):
    help = "Load the fictional demo organisations and staff (once) and print the sign-ins."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data is already loaded; nothing changed.")
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (fictional people):")
        for organisation, email, role_labels, second_factor in sign_in_table():
            code = "  + code" if second_factor == "yes" else ""
            self.stdout.write(f"  {email:<33} {role_labels:<45}{code}  [{organisation}]")
        self.stdout.write("")
        self.stdout.write(f"  Password for everyone: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  Authenticator secret (TOTP, base32) for '+ code' users: {DEMO_TOTP_SECRET}"
        )
        self.stdout.write(f"  A current code: oathtool --totp -b {DEMO_TOTP_SECRET}")
