"""Checks on what a clerk types: documents, phones, countries, dates, languages."""

import re
from datetime import date

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.tr import tckimlik

from kopru.core.text import fold

from .models import DatePrecision, IdentityDocument
from .references import ARABIC_INDIC

# Dates as people and lists give them; ISO may carry a time (XLSX cells arrive that way).
DATE_FORMATS = [
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), ("d", "m", "y"), DatePrecision.EXACT),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d"), DatePrecision.EXACT),
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), ("m", "y"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})$"), ("y",), DatePrecision.YEAR),
]
SEX_WORDS = {
    "female": {"f", "female", "woman", "k", "kadın", "أنثى", "انثى", "زن", "ж", "жен", "женский"},
    "male": {"m", "male", "man", "e", "erkek", "ذكر", "مرد", "м", "муж", "мужской"},
}


def normalise_document(kind: str, number: str) -> str:
    compact = re.sub(r"[\s\-./]", "", number or "").upper()
    if not compact:
        raise ValidationError(_("Enter the document number."))
    if kind in (IdentityDocument.Kind.TR_FOREIGNER_ID, IdentityDocument.Kind.TR_CITIZEN_ID):
        if not tckimlik.is_valid(compact):
            raise ValidationError(
                _("%(number)s is not a valid Turkish identity number: check the digits.")
                % {"number": number}
            )
        foreigner = compact.startswith("99")
        if kind == IdentityDocument.Kind.TR_FOREIGNER_ID and not foreigner:
            raise ValidationError(_("A foreigner identity number starts with 99."))
        if kind == IdentityDocument.Kind.TR_CITIZEN_ID and foreigner:
            raise ValidationError(
                _("Numbers starting with 99 are foreigner identity numbers, not citizen numbers.")
            )
    return compact


def normalise_phone(number: str, region: str = "TR") -> str:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("%(number)s is not a phone number.") % {"number": number}) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("%(number)s is not a valid phone number.") % {"number": number})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def country(code: str, field: str) -> str:
    """ISO 3166-1 alpha-3 (or STA for stateless), from an alpha-2 or alpha-3 code."""
    code = (code or "").strip().upper()
    if not code or code == "STA":
        return code
    found = pycountry.countries.get(alpha_3=code) or (
        pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    )
    if found is None:
        raise ValidationError({field: _("Unknown country: %(code)s.") % {"code": code}})
    return found.alpha_3


def language(code: str, field: str) -> str:
    code = (code or "").strip().lower()
    if not code:
        return code
    found = pycountry.languages.get(alpha_3=code) or (
        pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    )
    if found is None:
        raise ValidationError({field: _("Unknown language: %(code)s.") % {"code": code}})
    return found.alpha_3


def birth_date(value, precision):
    """Refuse impossible dates; store partial dates on their first day."""
    if value is None:
        return None
    if value > date.today():
        raise ValidationError({"birth_date": _("The date of birth is in the future.")})
    if value.year < date.today().year - 120:
        raise ValidationError({"birth_date": _("The date of birth is more than 120 years ago.")})
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def disability(answers: dict) -> bool:
    """Washington Group cut-off: at least one domain 'a lot of difficulty' or worse."""
    return any((v or 0) >= 3 for v in answers.values())


def read_date(text):
    """(date, precision implied by what was typed) from 04.05.1992, 05.1992, 1992 or ISO;
    None when empty. Partial dates fall on their first day."""
    text = (text or "").strip().translate(ARABIC_INDIC)
    if not text:
        return None
    for pattern, order, precision in DATE_FORMATS:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, map(int, m.groups()), strict=True))
            try:
                return date(parts["y"], parts.get("m", 1), parts.get("d", 1)), precision
            except ValueError:
                break
    raise ValidationError(
        _(
            "Write the date as day.month.year (04.05.1992), month.year (05.1992) or the year "
            "alone (1992)."
        )
    )


def read_sex(text):
    """'female', 'male' or '' from the ways lists write it (Turkish, Arabic, Russian too)."""
    word = fold(text or "")
    return next((sex for sex, words in _FOLDED_SEX_WORDS.items() if word in words), "")


_FOLDED_SEX_WORDS = {sex: {fold(w) for w in words} for sex, words in SEX_WORDS.items()}
