"""The shipped code lists clinicians pick from: ICD-10 diagnoses (data/icd10.csv), searched
by code or by title in the user's language."""

import csv
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

from kopru.core.text import fold

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "tr", "ar", "fa", "ru")


@lru_cache(maxsize=1)
def icd10() -> dict:
    with (DATA / "icd10.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _search_keys():
    # Folded once: a search is then a scan of ~1,000 short strings, well under a millisecond.
    return [
        (code, fold(code), {lang: fold(row[lang]) for lang in LANGUAGES})
        for code, row in icd10().items()
    ]


def title(code, language=None) -> str:
    row = icd10().get(code)
    if row is None:
        return code
    language = (language or get_language() or "en")[:2]
    return row.get(language) or row["en"]


def search_icd10(query, language=None, limit=20):
    """Codes whose code starts with the query, then codes whose title (in the user's language or
    English) contains every word of it."""
    language = (language or get_language() or "en")[:2]
    words = fold(query).split()
    if not words:
        return []
    by_code, by_title = [], []
    for code, folded_code, titles in _search_keys():
        if folded_code.startswith(words[0]) and len(words) == 1:
            by_code.append(code)
        elif all(w in titles.get(language, "") or w in titles["en"] for w in words):
            by_title.append(code)
    return [(code, title(code, language)) for code in (by_code + by_title)[:limit]]
