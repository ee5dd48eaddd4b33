"""The photo in a person's header: add, replace, remove, and the one view that sends it.

Changing the photo takes the same permission as editing the person's details
(``people:edit``); seeing it, the same as seeing their page. The image is never at a public
media URL: ``person_photo_image`` checks access, audits the read and forbids caching.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.core.errors import DomainError
from haven.core.http import form_status, private_file
from haven.people import photos, queries

searcher = requires(rules.can_search_people)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text=(
            f"A JPEG, PNG or WebP photo of at most {photos.MAX_LABEL}. It is shrunk to "
            f"{photos.MAX_SIDE} pixels and anything stored with it, such as where it was "
            "taken, is removed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


@searcher
@require_http_methods(["GET", "POST"])
def person_photo(request, pk: int):
    """Add or replace the photo (and offer to remove it), for those who may edit the person."""
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    if person.merged_into_id:
        return redirect("people:detail", pk=person.merged_into_id)
    posted = request.method == "POST"
    form = PhotoForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        had_photo = bool(person.photo_name)
        try:
            photos.person_photo_set(
                person=person,
                actor=request.user,
                upload=form.cleaned_data["photo"],
                request=request,
            )
        except DomainError as problem:
            form.add_error("photo", str(problem))
        else:
            messages.success(
                request,
                "The photo has been replaced." if had_photo else "The photo has been added.",
            )
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/photo.html",
        {"form": form, "person": person},
        status=form_status(form),
    )


@searcher
@require_POST
def person_photo_remove(request, pk: int):
    person = queries.get_person_for_user(request.user, pk, for_write=True)
    try:
        photos.person_photo_remove(person=person, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The photo has been removed.")
    return redirect("people:detail", pk=person.pk)


@searcher
@require_safe
def person_photo_image(request, pk: int):
    """The photo, for those who may see the person: shown inline, never cached, audited."""
    person = queries.get_person_for_user(request.user, pk)
    if person.merged_into_id or not person.photo_name:
        raise Http404
    try:
        handle = photos.open_photo(person)
    except OSError:  # the bytes are gone (or the store is unreachable): no photo to show
        raise Http404 from None
    photos.person_photo_viewed(person=person, actor=request.user, request=request)
    return private_file(handle, content_type=photos.CONTENT_TYPE)
