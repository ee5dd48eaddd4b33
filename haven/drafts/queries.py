from django.conf import settings

from haven.core import clock
from haven.drafts.models import Draft


def drafts_of(user):
    """The user's own unfinished forms that are still kept."""
    return Draft.objects.for_org(user.organisation).filter(
        author=user, modified_at__gte=clock.now() - settings.DRAFT_MAX_AGE
    )
