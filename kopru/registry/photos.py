"""Photographs: what an upload must be, and what is kept of it."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD = 8 * 1024 * 1024  # a phone camera's full-size JPEG
MAX_PIXELS = 40_000_000  # larger is a decompression bomb, not a face
SIDE = 600  # enough to recognise a face on a screen; small enough to keep in the database
FORMATS = {"JPEG", "PNG", "WEBP"}


def normalise(data: bytes):
    """(jpeg bytes, width, height) of an uploaded picture, upright, at most SIDE pixels on its
    longer side, with no metadata: EXIF (GPS position, camera, time) is not copied."""
    if not data:
        raise ValidationError({"photo": _("Choose a picture to upload.")})
    if len(data) > MAX_UPLOAD:
        raise ValidationError({"photo": _("The picture is larger than 8 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in FORMATS:
                raise ValidationError({"photo": _("Upload a JPEG, PNG or WebP picture.")})
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError({"photo": _("The picture has too many pixels.")})
            img = ImageOps.exif_transpose(img)  # upright as the camera held it
            img = img.convert("RGB")
            img.thumbnail((SIDE, SIDE))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": _("This file is not a picture Kopru can read.")}) from exc
