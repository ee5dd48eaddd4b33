from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from haven.access.decorators import signed_in
from haven.core.errors import DomainError
from haven.drafts.services import draft_discard, draft_save


@signed_in
@require_POST
def save(request):
    """Autosave: the form's fields as they stand, kept for their author only."""
    key = request.POST.get("_draft_key", "").strip()
    label = request.POST.get("_draft_label", "").strip() or "Unfinished form"
    if not key:
        return JsonResponse({"error": "No form was named."}, status=400)
    url = request.POST.get("_draft_url", "")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None) or not url.startswith("/"):
        url = "/"
    data = {k: vs[0] if len(vs) == 1 else vs for k, vs in request.POST.lists()}
    try:
        draft = draft_save(author=request.user, form_key=key, label=label, url=url, data=data)
    except DomainError as problem:
        return JsonResponse({"error": str(problem)}, status=413)
    return JsonResponse({"saved_at": draft.modified_at.isoformat()})


@signed_in
@require_POST
def discard(request):
    draft_discard(author=request.user, form_key=request.POST.get("_draft_key", "").strip())
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)
