"""Forms for the vault, and the upload fields other features reuse.

``DocumentUploadField`` and ``DocumentUploadsField`` validate files in ``clean()`` exactly as
``services.document_store`` will (size and type from the content), so a form that takes
attachments reports every bad file beside the field and saves nothing — all or nothing.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from haven.configuration.fields import OptionField
from haven.documents import sniffing
from haven.documents.picklists import DOCUMENT_KINDS
from haven.documents.services import MAX_LABEL, DocumentRefused, document_check

HELP = f"At most {MAX_LABEL}. Photos, PDFs, Word, Excel, OpenDocument, rich text or plain text."
MAX_ATTACHMENTS = 10


def check_upload(upload) -> None:
    """Raise a form ``ValidationError`` if the document service would refuse ``upload``."""
    try:
        document_check(upload)
    except DocumentRefused as problem:
        raise ValidationError(str(problem), code="refused") from None


class DocumentUploadField(forms.FileField):
    """One file, checked by content and size when the form is cleaned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", HELP)
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentUploadsField(forms.FileField):
    """Several files (e.g. a concern's attachments): a list, every one checked; the errors
    name each refused file, so the person knows which to leave out."""

    widget = MultipleFileInput

    def __init__(self, *, max_files: int = MAX_ATTACHMENTS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"Up to {max_files} files. {HELP}")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(f"Attach at most {self.max_files} files at a time.")
        problems = []
        for upload in files:
            try:
                forms.FileField.clean(self, upload, initial)
            except ValidationError as problem:
                # Django's own messages ("The submitted file is empty.") do not say which.
                problems.extend(f"“{upload.name}”: {message}" for message in problem.messages)
                continue
            try:
                check_upload(upload)
            except ValidationError as problem:
                problems.extend(problem.messages)
        if problems:
            raise ValidationError(problems)
        return files


class DocumentForm(forms.Form):
    file = DocumentUploadField(label="File")
    kind = OptionField(
        DOCUMENT_KINDS.key, label="Kind of document", required=True, empty_label=None
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="A few words to find it by. If left empty, the file's name is used.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it shows or says, and where it came from.",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].limit_to(organisation)
        self.fields["file"].widget.attrs["accept"] = ",".join(
            sorted({f".{t.extension}" for t in sniffing.ACCEPTED} | {".jpeg"})
        )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        label="Why was this document entered in error?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: uploaded to the wrong child's record. The document is kept.",
    )
