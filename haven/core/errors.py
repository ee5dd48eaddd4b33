class DomainError(Exception):
    """A rule of the domain refused a change. The message is for the user, in plain words."""


class NotAllowed(DomainError):
    """The acting user may not do this."""


def require(condition: bool, message: str = "You do not have permission to do that.") -> None:
    """Refuse unless ``condition`` holds: how a service states who may do what."""
    if not condition:
        raise NotAllowed(message)


def require_same_organisation(organisation_id: int, *objects) -> None:
    """Refuse records of another organisation (a forged form value) that reached a service."""
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise NotAllowed("That record belongs to another organisation.")
