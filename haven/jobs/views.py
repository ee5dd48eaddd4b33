from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from haven.access.decorators import signed_in
from haven.jobs.models import Job


@signed_in
@require_safe
def progress(request, pk: int):
    """The progress bar of a job the user started (htmx polls it until it finishes)."""
    job = (
        Job.objects.for_org(request.user.organisation)
        .filter(pk=pk, created_by=request.user)
        .first()
    )
    if job is None:
        raise Http404
    response = render(request, "jobs/progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the page around the bar shows the results
    return response
