from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "haven.frontdoor"
    label = "frontdoor"
    verbose_name = "Children's front door"

    def ready(self):
        # A referring child's chronology entries for their referral and its outcome.
        from haven.frontdoor import referral_chronology  # noqa: F401

        # Reminders that fall due with time, sent by `haven send_reminders`.
        from haven.frontdoor.reminders_intake import WrittenReferralReminders
        from haven.notifications import reminders

        reminders.register(WrittenReferralReminders())

        from haven.frontdoor.reminders_mash import InformationRequestChasing

        reminders.register(InformationRequestChasing())

        from haven.frontdoor.reminders_clocks import ContactClockBreaches

        reminders.register(ContactClockBreaches())
