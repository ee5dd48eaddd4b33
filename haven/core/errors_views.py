"""Error pages in Haven's own layout, in plain words."""

from django.shortcuts import render
from django.template.loader import get_template


def _page(request, status, title, text):
    return render(request, "core/error.html", {"title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _page(
        request,
        400,
        "Something in that request was not right",
        "Go back, check what you entered and try again.",
    )


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        "You do not have access to this",
        "If you need it for your work, ask your designated safeguarding lead or administrator.",
    )


def page_not_found(request, exception=None):
    return _page(
        request, 404, "Page not found", "The page may have moved, or you may not have access to it."
    )


def server_error(request):
    # No request context here: the failure may have been in it.
    from django.http import HttpResponseServerError

    html = get_template("core/error_500.html").render({})
    return HttpResponseServerError(html)
