"""Text helpers: folding for search (case, diacritics and Turkish dotted/dotless i compare
equal, so "sanliurfa", "Şanlıurfa" and "ŞANLIURFA" find the same place on every database),
and picking the reader's language from a data file's inline labels."""

import unicodedata

from django.utils.translation import get_language

_EXTRA = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_EXTRA))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).strip()


def in_language(texts: dict, language=None) -> str:
    """A data file's label {"en": ..., "tr": ...} in the active (or given) language."""
    language = (language or get_language() or "en")[:2]
    return texts.get(language) or texts["en"]
