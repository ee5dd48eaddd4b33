from django.db import models

from haven.core.models import OrgScopedModel


class Option(OrgScopedModel):
    """One choice in one of an organisation's picklists (gender, ethnicity, …)."""

    list_key = models.CharField(max_length=60)
    label = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["list_key", "position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "list_key", "label"], name="option_label_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "list_key", "position"])]

    def __str__(self) -> str:
        return self.label
