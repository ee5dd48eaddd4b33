"""The type of a file is read from its content, and only the allow-list gets in."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.documents import sniffing
from haven.documents.demo import tiny_pdf, tiny_png
from haven.documents.tests.conftest import zip_bytes

SIGNATURE_TYPES = {
    sniffing.JPEG,
    sniffing.PNG,
    sniffing.GIF,
    sniffing.WEBP,
    sniffing.HEIC,
    sniffing.PDF,
    sniffing.RTF,
}

DOCX_PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "word/document.xml": b"<w:document/>",
}
XLSX_PARTS = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
}


def opendocument(mimetype: bytes) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype, "META-INF/manifest.xml": b"<manifest/>", "content.xml": b"<x/>"},
        stored_first=True,
    )


def sniff(content: bytes):
    return sniffing.sniff(io.BytesIO(content))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, sniffing.JPEG),
        (tiny_png(), sniffing.PNG),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", sniffing.GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20, sniffing.WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", sniffing.HEIC),
        (tiny_pdf("Hello"), sniffing.PDF),
        (b"{\\rtf1\\ansi Hello}", sniffing.RTF),
        ("A note from Mrs Patel about Friday’s pick-up.\n".encode(), sniffing.TEXT),
        (b"\xef\xbb\xbfWith a byte-order mark\r\n", sniffing.TEXT),
        (zip_bytes(DOCX_PARTS), sniffing.DOCX),
        (zip_bytes(XLSX_PARTS), sniffing.XLSX),
        (opendocument(b"application/vnd.oasis.opendocument.text"), sniffing.ODT),
        (opendocument(b"application/vnd.oasis.opendocument.spreadsheet"), sniffing.ODS),
    ],
    ids=lambda value: value.extension if isinstance(value, sniffing.FileType) else "",
)
def test_an_accepted_type_is_recognised_by_its_content(content, expected):
    assert sniff(content) == expected


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!DOCTYPE html><html><body>hi</body></html>", id="html"),
        pytest.param(b"  \n<html><script>alert(1)</script>", id="html-after-space"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", id="svg"),
        pytest.param(b"<?xml version='1.0'?><svg/>", id="xml"),
        pytest.param(b"Dear parent,\n<script>alert(1)</script>\n", id="script-in-text"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="shell-script"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", id="windows-executable"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 16, id="linux-executable"),
        pytest.param(b"text with a \x00 nul in it", id="binary-text"),
        pytest.param(b"\xff\xfeH\x00i\x00", id="utf-16-text"),
        pytest.param(b"caf\xe9 in latin-1", id="not-utf-8"),
        pytest.param(zip_bytes({"payload.exe": b"MZ"}), id="plain-zip"),
        pytest.param(
            zip_bytes({**DOCX_PARTS, "word/vbaProject.bin": b"macro"}), id="macro-enabled-word"
        ),
        pytest.param(zip_bytes({"[Content_Types].xml": b"<Types/>"}), id="office-without-body"),
        pytest.param(opendocument(b"application/x-shellscript"), id="opendocument-other"),
        pytest.param(b"PK\x03\x04 not really a zip", id="broken-zip"),
        pytest.param(b"", id="empty"),
    ],
)
def test_anything_else_is_refused(content):
    assert sniff(content) is None


def test_a_renamed_web_page_is_still_refused_whatever_the_name():
    assert sniff(b"<html>I am photo.jpg</html>") is None


def test_markup_split_across_read_chunks_is_still_found():
    content = b"a" * (65536 - 3) + b"<script>alert(1)</script>"
    assert sniff(content) is None


def test_sniffing_leaves_the_stream_at_its_start():
    stream = io.BytesIO(tiny_png())
    sniffing.sniff(stream)
    assert stream.tell() == 0


def _claims_hold(content: bytes, found: sniffing.FileType) -> bool:
    """What must be true of the bytes for each answer."""
    signatures = {
        sniffing.JPEG: content.startswith(b"\xff\xd8\xff"),
        sniffing.PNG: content.startswith(b"\x89PNG\r\n\x1a\n"),
        sniffing.GIF: content[:6] in (b"GIF87a", b"GIF89a"),
        sniffing.WEBP: content[:4] == b"RIFF" and content[8:12] == b"WEBP",
        sniffing.HEIC: content[4:8] == b"ftyp",
        sniffing.PDF: content.startswith(b"%PDF-"),
        sniffing.RTF: content.startswith(b"{\\rtf1"),
    }
    if found in signatures:
        return signatures[found]
    if found == sniffing.TEXT:
        text = content.decode("utf-8")
        return "\x00" not in text and "<" not in text.lstrip("\ufeff \t\r\n")[:1]
    return content.startswith(b"PK\x03\x04")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_are_never_accepted_as_a_type_they_are_not(content):
    found = sniff(content)
    assert found is None or _claims_hold(content, found)


SIGNATURES = {
    sniffing.JPEG: b"\xff\xd8\xff",
    sniffing.PNG: b"\x89PNG\r\n\x1a\n",
    sniffing.GIF: b"GIF89a",
    sniffing.PDF: b"%PDF-1.7",
    sniffing.RTF: b"{\\rtf1",
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(SIGNATURES, key=lambda t: t.extension)), st.binary(max_size=64))
def test_a_signature_counts_only_at_the_very_start(file_type, prefix):
    content = b"\x00" + prefix + SIGNATURES[file_type] + b"\x00" * 16
    assert sniff(content) != file_type
