"""Choice lists from data files and pycountry, in the user's language."""

import gettext
import json
from functools import lru_cache
from pathlib import Path

import pycountry
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=16)
def _catalogue(domain, lang):
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def _local(domain, name):
    """A country or language name in the reader's language: pycountry's catalogue, then
    Kopru's own for the names it lacks (Türkiye in Arabic, Kurdish or Dari in most)."""
    local = _catalogue(domain, (get_language() or "en").split("-")[0]).gettext(name)
    return translation.gettext(name) if local == name else local


def countries():
    items = [(c.alpha_3, _local("iso3166-1", c.name)) for c in pycountry.countries]
    items.sort(key=lambda item: item[1])
    return [("", "—"), ("STA", gettext_lazy("Stateless")), *items]


def country_name(code):
    if code == "STA":
        return gettext_lazy("Stateless")
    found = pycountry.countries.get(alpha_3=code) if code else None
    return _local("iso3166-1", found.name) if found else code


@lru_cache(maxsize=1)
def _language_codes():
    return json.loads((DATA / "languages.json").read_text())["languages"]


def language_name(code):
    found = pycountry.languages.get(alpha_3=code) if code else None
    return _local("iso639-3", found.name) if found else code


def languages():
    return [(c, language_name(c)) for c in _language_codes()]


@lru_cache(maxsize=1)
def vulnerability_flags():
    return json.loads((DATA / "vulnerabilities.json").read_text())["flags"]


def vulnerabilities_for(user):
    from kopru.core import access

    allowed = access.categories(user)
    return [f for f in vulnerability_flags() if f["category"] in allowed]
