"""The referral slip: a PDF the person carries to the provider, in the person's language.

It carries what the referral consent covers (who, to whom, why, how urgent, who referred) and
nothing of the clinical record. WeasyPrint renders it; Pango shapes Arabic and Farsi
right-to-left with the system's Noto or DejaVu fonts."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language_bidi, override

from .appointments import person_language, zone

LANGUAGES = [
    ("tr", "Türkçe"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("en", "English"),
    ("ru", "Русский"),
]


def language_for(person):
    return person_language(person)


def referral_html(referral, language):
    with override(language):
        return render_to_string(
            "services/referral_slip.html",
            {
                "r": referral,
                "person": referral.person,
                "rtl": get_language_bidi(),
                "lang": language,
                "created": timezone.localtime(referral.created_at, zone(referral.mission)),
                "due": timezone.localtime(referral.due, zone(referral.mission)),
                "referrer": referral.referred_by,
                "team": referral.team,
            },
        )


def referral_pdf(referral, language):
    from weasyprint import HTML

    return HTML(string=referral_html(referral, language)).write_pdf()
