"""Base models every domain app builds on.

``OrgScopedModel`` carries the organisation (tenant) on every row. Its ``objects`` manager
refuses to run a query until an organisation is named — ``Thing.objects.for_org(org)`` —
so a view or query cannot forget tenancy by accident. The ``unscoped`` manager exists for
the few places that genuinely cross organisations (migrations, the audit verifier, the
tenancy sweep test) and is easy to search for in review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TenancyError(RuntimeError):
    """Raised when an organisation-scoped table is queried without an organisation."""


class OrgScopedQuerySet(models.QuerySet):
    def for_org(self, organisation):
        if organisation is None:
            raise TenancyError("An organisation is required.")
        return self.filter(organisation=organisation)


class OrgScopedManager(models.Manager.from_queryset(OrgScopedQuerySet)):
    """The manager that insists on an organisation."""

    def get_queryset(self):
        raise TenancyError(
            f"{self.model.__name__}.objects needs an organisation: "
            f"use {self.model.__name__}.objects.for_org(organisation)."
        )

    def for_org(self, organisation):
        return super().get_queryset().for_org(organisation)

    def create(self, **kwargs):
        if kwargs.get("organisation") is None and kwargs.get("organisation_id") is None:
            raise TenancyError(f"{self.model.__name__} must be created in an organisation.")
        return super().get_queryset().create(**kwargs)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrgScopedModel(TimeStampedModel):
    # Declared first so Django's internals (related managers, uniqueness checks) use it;
    # those reach rows through an object that is already in the right organisation.
    unscoped = models.Manager()
    objects = OrgScopedManager()

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        default_manager_name = "unscoped"
        base_manager_name = "unscoped"


def attach_by_key(model, links) -> None:
    """Set each ``(row, name)`` in ``links`` — a foreign key to ``model`` — from one query by
    primary key, instead of ``select_related``.

    For the wide tables a record names several times over (people, staff): joined in, each
    copy brings every one of its indexes for PostgreSQL to weigh, and on the case and
    engagement pages planning the query took ten to twenty times longer than running it.
    """
    links = list(links)
    ids = {getattr(row, f"{name}_id") for row, name in links} - {None}
    found = model._base_manager.in_bulk(ids) if ids else {}
    for row, name in links:
        setattr(row, name, found.get(getattr(row, f"{name}_id")))
