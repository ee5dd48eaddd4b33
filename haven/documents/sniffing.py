"""What a file really is, told by its content — never by its name or the browser's header.

An allow-list: a file is accepted only if its bytes prove it is one of the types below.
Everything else (HTML, SVG, XML, scripts, executables, archives, macro-enabled office files)
is refused. Office documents are zip files, so a zip is accepted only when its table of
contents shows the parts a Word, Excel or OpenDocument file must have and none of the parts
that carry macros. Plain text must be UTF-8 without control characters and must not look
like markup or a script, because a browser could be talked into running those.

We write this ourselves rather than depend on a library: the list is short, the office and
text checks need more than magic numbers, and every rule here is tested.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


JPEG = FileType("image/jpeg", "jpg", "JPEG image")
PNG = FileType("image/png", "png", "PNG image")
GIF = FileType("image/gif", "gif", "GIF image")
WEBP = FileType("image/webp", "webp", "WebP image")
HEIC = FileType("image/heic", "heic", "HEIC photo")
PDF = FileType("application/pdf", "pdf", "PDF")
RTF = FileType("application/rtf", "rtf", "rich text document")
TEXT = FileType("text/plain", "txt", "plain text")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word document",
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    "Excel spreadsheet",
)
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet")

ACCEPTED = (JPEG, PNG, GIF, WEBP, HEIC, PDF, RTF, TEXT, DOCX, XLSX, ODT, ODS)
ALLOWED_LABEL = (
    "a photo (JPEG, PNG, GIF, WebP or HEIC), a PDF, a Word, Excel or OpenDocument file, "
    "a rich text document or plain text"
)
HEAD_BYTES = 8192

# HEIC and HEIF stills from phones; "ftyp" box at offset 4, then the major brand.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_OPENDOCUMENT = {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}
# Markup and scripts a browser or shell would act on: never accepted as "plain text".
_ACTIVE_TEXT = ("<!doctype", "<html", "<script", "<svg", "<?xml", "<iframe", "<body", "<head")
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_ZIP_ENTRIES = 10_000


def sniff(stream) -> FileType | None:
    """The type of the file in ``stream`` (seekable, binary), or None if we do not accept it.

    Reads the first bytes (and, for zips, the table of contents; for text, the whole file in
    chunks). Leaves the stream at its start.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    try:
        return _by_signature(head) or _office(stream, head) or _text(stream, head)
    finally:
        stream.seek(0)


def _by_signature(head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"{\\rtf1"):
        return RTF
    return None


def _office(stream, head: bytes) -> FileType | None:
    """A Word, Excel or OpenDocument file, proved by the parts inside the zip."""
    if not head.startswith(b"PK\x03\x04"):
        return None
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > _MAX_ZIP_ENTRIES:
                return None
            names = {entry.filename for entry in entries}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macro-enabled: code that runs when opened
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
                return None
            # OpenDocument: the first entry is "mimetype", stored uncompressed, naming the type.
            first = entries[0] if entries else None
            if first is None or first.filename != "mimetype" or first.file_size > 100:
                return None
            if "META-INF/manifest.xml" not in names:
                return None
            with archive.open(first) as member:
                return _OPENDOCUMENT.get(member.read(100).strip())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None


def _text(stream, head: bytes) -> FileType | None:
    """UTF-8 text with no control characters, that is not markup and not a script."""
    if not head:
        return None
    opening = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if opening.startswith((b"<", b"#!")):
        return None
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    stream.seek(0)
    first = True
    tail = ""
    try:
        while chunk := stream.read(65536):
            text = decoder.decode(chunk)
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            if _has_control(text) or _looks_active(tail + text):
                return None
            tail = text[-16:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return TEXT


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _looks_active(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in _ACTIVE_TEXT)
