"""Consent as events: the texts shown, and the state derived from what was decided.

A referral to one organisation is not consent to share with another: state is kept per
purpose *and* recipient (recipients compared without case or accents).
"""

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from kopru.core.text import fold

from .models import ConsentEvent

DATA = Path(__file__).resolve().parent / "data" / "consent_texts.json"
ADULT_AGE = 18


@lru_cache(maxsize=1)
def texts():
    return json.loads(DATA.read_text(encoding="utf-8"))


def version():
    return texts()["version"]


def needs_recipient(purpose):
    return texts()["purposes"][purpose]["needs_recipient"]


def text(purpose, language, recipient=""):
    """The consent text for a purpose in a language, or None when there is none."""
    body = texts()["purposes"].get(purpose, {}).get("texts", {}).get(language)
    if body is None:
        return None
    return body.replace("{recipient}", recipient or "…")


def languages():
    return sorted(next(iter(texts()["purposes"].values()))["texts"])


def is_minor(person, on=None):
    if not person.birth_date:
        return False
    on = on or date.today()
    b = person.birth_date
    age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    return age < ADULT_AGE


def state(person):
    """{(purpose, folded recipient): latest event} for a person."""
    latest = {}
    for event in ConsentEvent.objects.filter(person=person).order_by("at", "id"):
        latest[(event.purpose, fold(event.recipient))] = event
    return latest


def granting(person, purpose, recipient=""):
    """The consent event that allows this purpose and recipient now, or None: the latest
    decision about them, when it gave consent."""
    wanted = fold(recipient)
    for event in ConsentEvent.objects.filter(person=person, purpose=purpose).order_by("-at", "-id"):
        if fold(event.recipient) == wanted:
            return event if event.decision == ConsentEvent.Decision.GIVEN else None
    return None


def allows(person, purpose, recipient=""):
    """Has the person (or guardian) given consent for this purpose and recipient, and not
    withdrawn it since?"""
    return granting(person, purpose, recipient) is not None
