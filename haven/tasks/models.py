"""Tasks: something one member of staff has to do, perhaps by a date, perhaps about a record.

A task may point at the record it is about (a safeguarding case, say) through a generic
link; the record's own page decides who may open it, so a task never shows more than its
title and the record's plain label.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q

from haven.core.models import OrgScopedModel


class Task(OrgScopedModel):
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    due_on = models.DateField("due date", null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT
    )
    link_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # "My open tasks": one index range however many tasks are done.
            models.Index(
                fields=["assignee", "due_on", "id"],
                name="task_open",
                condition=Q(done_at__isnull=True),
            ),
            models.Index(fields=["link_type", "link_id"], name="task_link"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(link_type__isnull=True, link_id__isnull=True)
                | Q(link_type__isnull=False, link_id__isnull=False),
                name="task_link_complete",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
