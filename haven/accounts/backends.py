from django.contrib.auth.backends import ModelBackend

from haven.accounts.models import User


class StaffBackend(ModelBackend):
    """Django's password check, loading the organisation with the user on every request.

    Every page needs the organisation (tenancy, idle timeout), so fetching it in the same
    query saves one round trip per request.
    """

    def get_user(self, user_id):
        user = User.unscoped.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
