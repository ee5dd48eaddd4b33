"""Small helpers about the HTTP request and response."""

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse


def client_ip(request) -> str | None:
    """The client's address, trusting exactly HAVEN_PROXY_COUNT proxies in front of us."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def form_status(*forms, error=None) -> int:
    """400 when a posted form (or formset) was refused or a service said no, else 200, so a
    page that redisplays a form with its errors never answers "OK"."""
    return 400 if error or any(_refused(form) for form in forms) else 200


def _refused(form) -> bool:
    if form is None or not form.is_bound:
        return False
    if hasattr(form, "total_error_count"):  # a formset
        return not form.is_valid()
    return bool(form.errors)


def positive_int(value) -> int | None:
    """A record id from a query string or form field, or None for anything else."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


# A primary key no record has, reversed once and replaced by each row's own.
_MARK = 987654321


def url_for_any(name: str) -> str:
    """The page ``name`` for any record as a format string ("/contacts/{}/"): one ``reverse``
    for a page of fifty rows instead of fifty."""
    return reverse(name, args=[_MARK]).replace(str(_MARK), "{}")


def private_file(handle, *, content_type: str, filename: str | None = None) -> FileResponse:
    """A stored file from someone's record, sent so that no browser or proxy keeps it, no
    browser takes it for another type, and it can never run as a page or be embedded by
    another site. With ``filename`` it downloads; without, it shows in the page (a photo)."""
    response = FileResponse(
        handle,
        as_attachment=filename is not None,
        filename=filename or "",
        content_type=content_type,
    )
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
