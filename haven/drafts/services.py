"""Saving, offering back and discarding form drafts."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from haven.core import clock
from haven.core.errors import DomainError
from haven.drafts.models import Draft

MAX_DRAFT_BYTES = 200_000
# Never keep secrets or tokens in a draft, whatever the form sends.
NEVER_SAVED = {"csrfmiddlewaretoken", "password", "password1", "password2", "otp_token", "token"}


def draft_save(*, author, form_key: str, label: str, url: str, data: dict) -> Draft:
    clean = {k: v for k, v in data.items() if k not in NEVER_SAVED and not k.startswith("_")}
    if len(json.dumps(clean)) > MAX_DRAFT_BYTES:
        raise DomainError("This draft is too large to save automatically.")
    with transaction.atomic():
        draft, _ = Draft.unscoped.update_or_create(
            author=author,
            form_key=form_key[:300],
            defaults={
                "organisation": author.organisation,
                "label": label[:200],
                "url": url[:300],
                "data": clean,
            },
        )
    return draft


def draft_for(*, author, form_key: str) -> Draft | None:
    oldest = clock.now() - settings.DRAFT_MAX_AGE
    return (
        Draft.objects.for_org(author.organisation)
        .filter(author=author, form_key=form_key, modified_at__gte=oldest)
        .first()
    )


def draft_discard(*, author, form_key: str) -> None:
    Draft.objects.for_org(author.organisation).filter(author=author, form_key=form_key).delete()


def drafts_purge_expired() -> int:
    deleted, _ = Draft.unscoped.filter(
        modified_at__lt=clock.now() - settings.DRAFT_MAX_AGE
    ).delete()
    return deleted


@dataclass
class DraftOffer:
    """What a form page needs: the draft to offer back, or the data to restore from it."""

    key: str
    waiting: Draft | None = None
    restored: dict | None = None

    def initial(self, prefix: str | None = None) -> dict | None:
        """The restored values for one form (one prefix) of the page, as initial data."""
        if self.restored is None:
            return None
        if prefix is None:
            return {k: v for k, v in self.restored.items() if "-" not in k}
        start = f"{prefix}-"
        return {k[len(start) :]: v for k, v in self.restored.items() if k.startswith(start)}


def draft_offer(request, key: str) -> DraftOffer:
    """Offer the author's draft of this form; restore it when they ask (?restore=1)."""
    if request.method != "GET":
        return DraftOffer(key)
    draft = draft_for(author=request.user, form_key=key)
    if draft is None:
        return DraftOffer(key)
    if request.GET.get("restore"):
        return DraftOffer(key, restored=draft.data)
    return DraftOffer(key, waiting=draft)
