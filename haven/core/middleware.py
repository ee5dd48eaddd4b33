from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Nothing a signed-in person sees may be kept by the browser or a proxy.

    Every page for a signed-in user can show personal data, so all of them get
    ``Cache-Control: no-store``. Static files (served before this runs) keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class RequestSizeMiddleware:
    """Refuse bodies larger than HAVEN_MAX_REQUEST_BYTES before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's length is not a number.", status=400)
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                "That upload is too large. Files may be at most 25 MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
