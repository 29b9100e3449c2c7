"""Amounts of money typed by a person or sent by a client, read into a Decimal (never a
float) with at most two decimals. A person writes as their language does: Turkish and Russian
staff type "1.250,50" or "1250,50", English "1,250.50"; both are read."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

LIMIT = Decimal("10000000000")


def _plain(text):
    """Digits with at most one decimal point: thousands marks removed, the decimal mark
    found by position (the last of two kinds) or, alone, by the language."""
    text = "".join(text.split()).replace("\u202f", "")
    if "," in text and "." in text:
        mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        head, _sep, tail = text.rpartition(mark)
        # "1.250" is a thousand in Turkish, "1,250" in English; "1250,5" is a decimal anywhere.
        thousands = text.count(mark) > 1 or (
            len(tail) == 3 and get_format("DECIMAL_SEPARATOR") != mark
        )
        if thousands:
            return text.replace(mark, "")
    else:
        return text
    other = "." if mark == "," else ","
    return text.replace(other, "").replace(mark, ".")


def parse(value, field="amount", *, allow_zero=False):
    """The amount as a Decimal quantized to kuruş; a ValidationError on `field` otherwise."""
    if isinstance(value, float):
        value = repr(value)
    text = value if isinstance(value, Decimal) else _plain(str(value).strip())
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount, e.g. 1250.50.")}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount.as_tuple().exponent < -2:
        raise ValidationError({field: _("Lira have at most two decimals.")})
    if amount >= LIMIT:
        raise ValidationError({field: _("The amount is too large.")})
    return amount.quantize(Decimal("0.01"))


def display(amount):
    """An amount as the reader's language writes it (1.250,50 in Turkish, 1,250.50 in
    English), for messages; templates use the same through `floatformat:"2g"`."""
    return number_format(amount, 2, force_grouping=True)
