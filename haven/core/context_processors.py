from django.conf import settings

from haven.access import rules


class AccessFacts:
    """What templates may ask about the current user; every answer comes from access.rules."""

    def __init__(self, request):
        self._user = request.user

    @property
    def signed_in(self):
        return rules.is_active_member(self._user)

    @property
    def elevated(self):
        return rules.is_elevated(self._user)

    @property
    def can_administer(self):
        return rules.can_administer(self._user)

    @property
    def can_view_audit_log(self):
        return rules.can_view_audit_log(self._user)

    @property
    def can_record_concern(self):
        return rules.can_record_concern(self._user)

    @property
    def can_search_people(self):
        return rules.can_search_people(self._user)

    @property
    def can_import_people(self):
        return rules.can_import_people(self._user)

    @property
    def can_use_programmes(self):
        user = self._user
        return rules.can_work_with_programmes(user) or rules.can_configure_programmes(user)

    @property
    def can_view_workforce(self):
        return rules.can_open_workforce(self._user)

    @property
    def can_view_reports(self):
        return rules.can_view_reports(self._user)

    @property
    def is_front_door_staff(self):
        return rules.is_front_door_staff(self._user)

    @property
    def can_log_contacts(self):
        return rules.can_log_contacts(self._user)

    @property
    def is_partner_agency_member(self):
        return rules.is_partner_agency_member(self._user)

    @property
    def can_view_front_door_reports(self):
        return rules.can_view_front_door_reports(self._user)


def haven(request):
    user = getattr(request, "user", None)
    context = {"access": AccessFacts(request), "production": settings.PRODUCTION}
    if user is not None and user.is_authenticated:
        context["idle_timeout_seconds"] = user.organisation.idle_timeout_minutes * 60
        context["idle_warning_seconds"] = settings.IDLE_WARNING_SECONDS
    return context
