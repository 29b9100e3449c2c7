"""The vaccination card: a PDF the person keeps, in their language, with a QR code that
carries the FHIR Immunization entries so a receiving clinic can read the record without
typing it. WeasyPrint renders it from the same kind of template as the referral slip.

The QR holds `FHIR1:` + Base45(zlib(the Bundle as compact JSON)), the packing of the EU
digital COVID certificate: a record with a dozen doses and names in Arabic script is about
2.5 KB of JSON, over a QR code's limit, and under 1 KB packed."""

import base64
import io
import json
import zlib

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language_bidi, override

from . import immunization, ips, protocols

PREFIX = "FHIR1:"
BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def base45(data: bytes) -> str:
    """RFC 9285: QR alphanumeric mode stores these 45 characters in 5.5 bits each."""
    out = []
    for i in range(0, len(data), 2):
        chunk = data[i : i + 2]
        if len(chunk) == 2:
            n = chunk[0] * 256 + chunk[1]
            out += [BASE45[n % 45], BASE45[n // 45 % 45], BASE45[n // 2025]]
        else:
            out += [BASE45[chunk[0] % 45], BASE45[chunk[0] // 45]]
    return "".join(out)


def unbase45(text: str) -> bytes:
    values = [BASE45.index(c) for c in text]
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def pack(bundle: dict) -> str:
    raw = json.dumps(bundle, separators=(",", ":"), ensure_ascii=False).encode()
    return PREFIX + base45(zlib.compress(raw, 9))


def unpack(payload: str) -> dict:
    """What a reader does with the QR's text."""
    if not payload.startswith(PREFIX):
        raise ValueError("not a Kopru FHIR QR payload")
    return json.loads(zlib.decompress(unbase45(payload[len(PREFIX) :])))


def qr_svg(payload: str) -> str:
    """An SVG data URI of a QR code (error correction M: readable when the card is worn)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def card_html(person, language):
    payload = pack(ips.immunization_bundle(person))
    vaccines = immunization.load_vaccines()
    with override(language):
        doses = [
            (d, protocols.named(vaccines.get(d.cvx, {"names": {"en": d.cvx}})))
            for d in person.immunizations.all()
        ]
        return render_to_string(
            "health/vaccination_card.html",
            {
                "person": person,
                "doses": doses,
                "qr": qr_svg(payload),
                "rtl": get_language_bidi(),
                "lang": language,
                "printed": timezone.localdate(),
            },
        )


def card_pdf(person, language):
    from weasyprint import HTML

    return HTML(string=card_html(person, language)).write_pdf()
