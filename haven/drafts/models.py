from django.conf import settings
from django.db import models

from haven.core.models import OrgScopedModel


class Draft(OrgScopedModel):
    """What someone was typing into a long form, saved on the server every few seconds.

    Kept server-side, never in the browser, because school computers are shared. Only its
    author sees it; it is deleted when the form is submitted, and after seven days.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    # Which form: the page's path plus the form's own name, e.g. "/administration/org#guidance".
    form_key = models.CharField(max_length=300)
    label = models.CharField(max_length=200)
    # Where the form lives, so "Unfinished forms" can take the author back to it.
    url = models.CharField(max_length=300)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-modified_at"]
        constraints = [
            models.UniqueConstraint(fields=["author", "form_key"], name="draft_one_per_form")
        ]
        indexes = [models.Index(fields=["modified_at"], name="draft_age")]

    def __str__(self) -> str:
        return self.label

    @property
    def restore_url(self) -> str:
        """The form's page, asking it to put the draft back."""
        return self.url + ("&" if "?" in self.url else "?") + "restore=1"
