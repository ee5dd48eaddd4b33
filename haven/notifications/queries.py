from haven.notifications.models import Notification


def notifications_for(user):
    return Notification.objects.for_org(user.organisation).filter(recipient=user)


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
