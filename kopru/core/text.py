"""Text folding for search: case, diacritics and Turkish dotted/dotless i compare equal,
so "sanliurfa", "Şanlıurfa" and "ŞANLIURFA" find the same place on every database."""

import unicodedata

_EXTRA = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_EXTRA))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()
