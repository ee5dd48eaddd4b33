"""Administration of picklists (gender, ethnicity, first language, and lists added later)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.configuration import services
from haven.configuration.models import Option
from haven.configuration.registry import PICKLISTS
from haven.core.errors import DomainError

administer = requires(rules.can_administer)


class OptionForm(forms.Form):
    label = forms.CharField(label="New option", max_length=120)


@administer
@require_safe
def picklists(request):
    counts = {key: 0 for key in PICKLISTS}
    for option in Option.objects.for_org(request.user.organisation).filter(is_active=True):
        counts[option.list_key] = counts.get(option.list_key, 0) + 1
    lists = [(p, counts.get(p.key, 0)) for p in PICKLISTS.values()]
    return render(request, "configuration/picklists.html", {"lists": lists})


@administer
@require_http_methods(["GET", "POST"])
def picklist(request, key: str):
    if key not in PICKLISTS:
        raise Http404
    form = OptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.option_add(actor=request.user, list_key=key, label=form.cleaned_data["label"])
        except DomainError as problem:
            form.add_error("label", str(problem))
        else:
            messages.success(request, f"“{form.cleaned_data['label']}” added.")
            return redirect("administration:picklist", key=key)
    options = Option.objects.for_org(request.user.organisation).filter(list_key=key)
    return render(
        request,
        "configuration/picklist.html",
        {"picklist": PICKLISTS[key], "options": options, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@administer
@require_POST
def option_update(request, pk: int):
    option = Option.objects.for_org(request.user.organisation).filter(pk=pk).first()
    if option is None:
        raise Http404
    label = request.POST.get("label", option.label)
    active = request.POST.get("is_active") == "on"
    try:
        services.option_update(actor=request.user, option=option, label=label, is_active=active)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Saved.")
    return redirect("administration:picklist", key=option.list_key)
