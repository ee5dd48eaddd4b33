"""The zip that carries a child's safeguarding file to their new school or setting.

One PDF (the whole chronology, oldest first with routine entries, every safeguarding case
summary and the body maps: the chronology export's own builder), every document of the
child's vault the preparer may see (not those entered in error), and ``manifest.txt``
listing each file with its SHA-256, so the receiving DSL can check nothing was altered or
lost on the way (``sha256sum -c manifest.txt`` reads the checksum lines).

The zip is written to a temporary file on disk and each document is copied into it from
storage in chunks, hashing as it goes, so a vault of large scans is never held in memory.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile

from django.utils import timezone

from haven.chronology import exports

CHUNK = 1024 * 1024
PDF_NAME = "chronology-and-case-summaries.pdf"
MANIFEST_NAME = "manifest.txt"
# The whole chronology: routine entries too, in the order it happened.
FILTERS = {"routine": True, "order": "oldest"}
# Already-compressed formats gain nothing from deflating again.
STORED_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic", "zip", "docx", "xlsx", "pdf"}


@dataclass
class Packed:
    name: str
    sha256: str
    size: int
    document: object = None


@dataclass
class Bundle:
    """What went into the zip, for the export record, the audit event and the page."""

    file: object  # the temporary file holding the zip, at position 0
    entry_count: int
    truncated: bool
    case_count: int
    files: list[Packed] = field(default_factory=list)
    missing: list = field(default_factory=list)  # documents the storage could not give back

    @property
    def documents(self) -> list[Packed]:
        return [f for f in self.files if f.document is not None]


def _arcname(number: int, document) -> str:
    return f"documents/{number:02d}-{document.download_name}"


def _add(archive: ZipFile, name: str, source, *, compress: bool) -> tuple[str, int]:
    # ``ZipFile.open(name, "w")`` takes its compression from the archive; set it per file.
    archive.compression = ZIP_DEFLATED if compress else ZIP_STORED
    digest, size = hashlib.sha256(), 0
    with archive.open(name, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return digest.hexdigest(), size


def _manifest(*, transfer, actor, document, bundle: Bundle) -> str:
    child = document.child
    born = f", born {child.date_of_birth:%d/%m/%Y}" if child.date_of_birth else ""
    lines = [
        "OFFICIAL-SENSITIVE",
        f"Safeguarding file of {child.full_name}{born}",
        f"From: {document.organisation.name}",
        f"To: {transfer.destination}",
        f"Leaving date: {transfer.leaving_date:%d/%m/%Y}",
        f"Prepared by: {actor.full_name}, {document.generated_at:%d/%m/%Y %H:%M}",
        "",
        f"{PDF_NAME}: the chronology ({bundle.entry_count} entries, oldest first, routine "
        f"entries included), {bundle.case_count} safeguarding case summar"
        f"{'y' if bundle.case_count == 1 else 'ies'} and the body maps.",
    ]
    if bundle.truncated:
        lines.append(
            f"The chronology stops at its first {bundle.entry_count} entries; ask us for the rest."
        )
    lines += [
        "",
        "Files, each with its SHA-256 checksum (check them with: sha256sum -c manifest.txt):",
    ]
    lines += [f"{f.sha256}  {f.name}" for f in bundle.files]
    lines += ["", f"Documents ({len(bundle.documents)}):"]
    for packed in bundle.documents:
        doc = packed.document
        uploaded = timezone.localtime(doc.uploaded_at)
        line = (
            f"{packed.name}: {doc.kind.label}, “{doc.title}”, uploaded {uploaded:%d/%m/%Y} "
            f"by {doc.uploaded_by.full_name}, {packed.size} bytes"
        )
        if packed.sha256 != doc.sha256:
            line += " (WARNING: this checksum differs from the one recorded when it was uploaded)"
        lines.append(line)
    if not bundle.documents:
        lines.append("None.")
    for doc in bundle.missing:
        lines.append(
            f"NOT INCLUDED: {doc.kind.label}, “{doc.title}” (SHA-256 {doc.sha256}) could not be "
            "read from storage. Contact us for a copy."
        )
    return "\n".join(lines) + "\n"


def build(*, actor, transfer, documents) -> Bundle:
    """The zip for ``transfer`` as ``actor`` may see the child's record, in a temporary file.

    ``documents`` are the vault's documents to include (already scoped to ``actor``). A
    fixed number of queries for the PDF whatever its length; one pass over the documents.
    The caller stores the file and closes it."""
    from haven.documents.storage import open_for_reading

    document = exports.build(
        user=actor,
        child=transfer.child,
        filters=FILTERS,
        redact=False,
        purpose=f"Transfer of the safeguarding file to {transfer.destination}",
    )
    pdf = exports.to_pdf(document)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    bundle = Bundle(
        file=spool,
        entry_count=len(document.entries),
        truncated=document.truncated,
        case_count=len(document.cases),
    )
    try:
        with ZipFile(spool, "w", allowZip64=True) as archive:
            archive.writestr(PDF_NAME, pdf, compress_type=ZIP_DEFLATED)
            bundle.files.append(Packed(PDF_NAME, hashlib.sha256(pdf).hexdigest(), len(pdf)))
            del pdf
            for number, doc in enumerate(documents, start=1):
                name = _arcname(number, doc)
                try:
                    source = open_for_reading(doc.storage_name)
                except (FileNotFoundError, OSError):
                    bundle.missing.append(doc)
                    continue
                with source:
                    digest, size = _add(
                        archive,
                        name,
                        source,
                        compress=doc.extension.lower() not in STORED_EXTENSIONS,
                    )
                bundle.files.append(Packed(name, digest, size, doc))
            manifest = _manifest(transfer=transfer, actor=actor, document=document, bundle=bundle)
            archive.writestr(MANIFEST_NAME, manifest.encode("utf-8"), compress_type=ZIP_DEFLATED)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return bundle
