"""Files people upload (receipts, progress photos, survey exports): checked by their bytes,
kept outside every served folder, read back only through the app that owns them.

The type is judged by the file's first bytes (the name and the browser's word are not proof)
and the size by the bytes received."""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
MAGIC = {
    PDF: (b"%PDF-",),
    JPEG: (b"\xff\xd8\xff",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    XLSX: (b"PK\x03\x04",),  # a zip; openpyxl then refuses one that is not a workbook
}
IMAGES = (JPEG, PNG)
DOCUMENTS = (PDF, JPEG, PNG)


def _names(types):
    words = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", XLSX: "XLSX", CSV: "CSV"}
    return ", ".join(words[t] for t in types)


def _is_text(content):
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content[:4096]


def check(content, types, *, max_bytes=None, field="file"):
    """The content type of an acceptable upload, or ValidationError on `field` saying why not."""
    maximum = min(int(max_bytes or settings.UPLOAD_MAX_BYTES), int(settings.UPLOAD_MAX_BYTES))
    if not content:
        raise ValidationError({field: _("The file is empty.")})
    if len(content) > maximum:
        raise ValidationError(
            {
                field: _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": f"{len(content) / 1048576:.1f}", "limit": f"{maximum / 1048576:.0f}"}
            }
        )
    for kind in types:
        if any(content.startswith(m) for m in MAGIC.get(kind, ())):
            return kind
    if CSV in types and _is_text(content):  # only once no signature matched
        return CSV
    raise ValidationError(
        {field: _("Upload a file of one of these types: %(types)s.") % {"types": _names(types)}}
    )


@contextmanager
def stored(content, folder):
    """Write `content` under UPLOAD_ROOT/folder and yield its relative path; the file is
    removed if the block fails, so a row rolled back leaves no file behind. Use inside the
    transaction that writes the row."""
    relative = f"{folder}/{uuid.uuid4().hex}"
    target = settings.UPLOAD_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:
        yield relative
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def read(relative):
    return (settings.UPLOAD_ROOT / relative).read_bytes()
