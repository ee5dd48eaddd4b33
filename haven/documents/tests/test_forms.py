"""The upload fields another form reuses: every file checked before anything is saved."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from haven.documents.demo import tiny_pdf, tiny_png
from haven.documents.forms import DocumentUploadField, DocumentUploadsField


class ConcernLikeForm(forms.Form):
    account = forms.CharField()
    attachments = DocumentUploadsField(max_files=3)


class OneFileForm(forms.Form):
    file = DocumentUploadField()


def files(*uploads) -> MultiValueDict:
    return MultiValueDict({"attachments": list(uploads)})


def test_several_good_files_come_back_as_a_list():
    form = ConcernLikeForm(
        {"account": "Seen crying at the gate."},
        files(
            SimpleUploadedFile("a.png", tiny_png()),
            SimpleUploadedFile("b.pdf", tiny_pdf("b")),
        ),
    )
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["attachments"]] == ["a.png", "b.pdf"]


def test_one_bad_file_fails_the_whole_form_and_names_the_file():
    form = ConcernLikeForm(
        {"account": "Seen crying at the gate."},
        files(
            SimpleUploadedFile("a.png", tiny_png()),
            SimpleUploadedFile("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            SimpleUploadedFile("empty.txt", b""),
        ),
    )
    assert not form.is_valid()
    messages = form.errors["attachments"]
    assert len(messages) == 2
    assert "drawing.svg" in messages[0] and "not a type of file" in messages[0]
    assert "empty.txt" in messages[1]


def test_attachments_are_optional_unless_the_form_says_otherwise():
    form = ConcernLikeForm({"account": "x"}, MultiValueDict())
    assert form.is_valid()
    assert form.cleaned_data["attachments"] == []


def test_too_many_files_are_refused():
    many = [SimpleUploadedFile(f"{n}.png", tiny_png()) for n in range(4)]
    form = ConcernLikeForm({"account": "x"}, files(*many))
    assert not form.is_valid()
    assert "at most 3 files" in form.errors["attachments"][0]


def test_the_multiple_field_renders_a_multiple_file_input():
    assert "multiple" in str(ConcernLikeForm()["attachments"])


@pytest.mark.parametrize(
    ("content", "valid"),
    [(tiny_png(), True), (b"<html></html>", False), (b"#!/usr/bin/env python\n", False)],
)
def test_the_single_field_checks_the_content(content, valid):
    form = OneFileForm({}, {"file": SimpleUploadedFile("named.png", content)})
    assert form.is_valid() is valid
