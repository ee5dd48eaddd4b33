"""Reads of concerns for pages, always scoped to what the reader may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404

from haven.access import rules
from haven.core.paging import keyset_page
from haven.safeguarding.models import (
    Alert,
    CategoryPermission,
    Concern,
    ConcernCategory,
    ConcernChild,
    ConcernVersion,
    SafeguardingSettings,
)

CONCERNS_PAGE = 25
CONCERN_RELATED = ("child", "category", "subcategory", "created_by", "error_by")


def settings_for(organisation) -> SafeguardingSettings:
    """The organisation's safeguarding settings (unsaved defaults if it has none yet)."""
    found = SafeguardingSettings.objects.for_org(organisation).select_related("dsl_team").first()
    return found or SafeguardingSettings(organisation=organisation)


def concerns_visible_to(user, *, include_errors: bool = False):
    """Every concern ``user`` may see; those entered in error only when asked for."""
    if not rules.is_active_member(user):
        return Concern.unscoped.none()
    concerns = Concern.objects.for_org(user.organisation).filter(rules.concern_access_q(user))
    if not include_errors:
        concerns = concerns.filter(entered_in_error=False)
    return concerns


def get_concern_for_user(user, pk: int, *, for_write: bool = False) -> Concern:
    """The concern, or 404 if the reader may not know it exists; 403 if they may only read."""
    concern = (
        concerns_visible_to(user, include_errors=True)
        .select_related(*CONCERN_RELATED)
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404
    if for_write and not rules.can_edit_concern(user, concern):
        raise PermissionDenied
    return concern


def categories_for(user, *, include=()):
    """Active top-level categories ``user`` may record in, with their active sub-categories
    prefetched (plus any in ``include``, so an edit keeps a category retired since)."""
    keep = [c.pk for c in include if c is not None]
    fields = ("id", "organisation_id", "name", "parent_id", "position")
    subs = (
        ConcernCategory.objects.for_org(user.organisation)
        .filter(Q(is_active=True) | Q(pk__in=keep))
        .only(*fields)
    )
    tops = (
        ConcernCategory.objects.for_org(user.organisation)
        .filter(parent__isnull=True)
        .filter(Q(is_active=True) | Q(pk__in=keep))
        .only(*fields)
    )
    if not rules.is_safeguarding_lead(user):
        # (An empty Q() "or" anything is just the anything: the leads skip this filter.)
        tops = tops.filter(rules.concern_category_add_q(user) | Q(pk__in=keep))
    return list(
        tops.prefetch_related(Prefetch("subcategories", queryset=subs, to_attr="active_subs"))
    )


def concern_page(concern: Concern) -> dict:
    """Everything the concern page shows, in a fixed number of queries."""
    org = concern.organisation
    children = list(
        ConcernChild.objects.for_org(org)
        .filter(concern=concern)
        .select_related("person")
        .order_by("-is_primary", "person__last_name", "person__first_name")
    )
    versions = list(
        ConcernVersion.objects.for_org(org)
        .filter(concern=concern)
        .select_related("created_by")
        .order_by("-number")
    )
    alerts = list(
        Alert.objects.for_org(org)
        .filter(concern=concern)
        .select_related("recipient", "team")
        .order_by("created_at", "pk")
    )
    return {
        "children": children,
        "versions": versions,
        "alerts": alerts,
        "agencies": list(concern.agencies.order_by("name")),
        "documents": _documents(concern),
    }


def _documents(concern: Concern) -> list:
    return list(concern.documents.filter(entered_in_error=False).order_by("pk"))


def child_concerns(user, child, request) -> dict:
    """The child's concerns the reader may see, newest recorded first, paged by keyset:
    a constant number of queries however many there are."""
    rows = (
        concerns_visible_to(user)
        .filter(children__person=child)
        .select_related("category", "subcategory", "created_by")
        .order_by("-id")
    )
    page, next_cursor = keyset_page(rows, request, CONCERNS_PAGE)
    return {"concerns": page, "next_cursor": next_cursor}


def my_concerns(user, request) -> dict:
    """The concerns ``user`` recorded, newest first, with whether they may still open each
    (a category limited to other teams keeps even its recorder out)."""
    rows = (
        Concern.objects.for_org(user.organisation)
        .filter(created_by=user)
        .select_related("child", "category", "subcategory")
        .order_by("-id")
    )
    page, next_cursor = keyset_page(rows, request, CONCERNS_PAGE)
    openable = set(
        concerns_visible_to(user, include_errors=True)
        .filter(pk__in=[c.pk for c in page])
        .values_list("pk", flat=True)
    )
    for concern in page:
        concern.openable = concern.pk in openable
    return {"concerns": page, "next_cursor": next_cursor}


def category_permissions(organisation) -> list[CategoryPermission]:
    return list(
        CategoryPermission.objects.for_org(organisation)
        .select_related("team", "category")
        .order_by("category__position", "category__name", "team__name")
    )


def taxonomy(organisation) -> list[ConcernCategory]:
    """Every top-level category with all its sub-categories, for the administration page."""
    subs = ConcernCategory.objects.for_org(organisation).order_by("position", "name")
    return list(
        ConcernCategory.objects.for_org(organisation)
        .filter(parent__isnull=True)
        .prefetch_related(Prefetch("subcategories", queryset=subs, to_attr="all_subs"))
    )
