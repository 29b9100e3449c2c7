"""Five languages, right-to-left where needed, and complete catalogues."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from kopru.core.data_strings import STRINGS

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "kopru" / "locale"
TRANSLATED = ["tr", "ar", "fa", "ru"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalogue_is_complete_and_compiled(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = LOCALE / lang / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), "run `make messages`"
    compiled = {e.msgid for e in polib.mofile(str(mo))}
    assert {e.msgid for e in po.translated_entries()} <= compiled, "the .mo is stale"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_survive_translation(lang):
    import re

    pattern = re.compile(r"%\(\w+\)s|%s")
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    for entry in po.translated_entries():
        expected = sorted(pattern.findall(entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and not entry.msgid_plural:
                assert sorted(pattern.findall(text)) == expected, (lang, entry.msgid)


def test_the_catalogue_is_current_with_the_sources():
    """Every string marked in Python or templates is in the catalogue (no `make messages` due)."""
    import subprocess
    import sys

    po = polib.pofile(str(LOCALE / "tr" / "LC_MESSAGES" / "django.po"))
    known = {e.msgid for e in po if not e.obsolete}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "xx",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=bench",
            "--ignore=scripts",
            "--no-location",
            "-v0",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    generated = LOCALE / "xx" / "LC_MESSAGES" / "django.po"
    try:
        wanted = {e.msgid for e in polib.pofile(str(generated)) if e.msgid}
    finally:
        import shutil

        shutil.rmtree(LOCALE / "xx")
    assert wanted - known == set(), result.stderr


def test_translation_functions_go_by_names_makemessages_reads():
    """`gettext_lazy as _lazy` hides every string from the catalogues: only `_` may alias."""
    alias = re.compile(
        r"from django\.utils\.translation import[^\n]*\b(\w*gettext\w*) as (?!_\b)(\w+)"
    )
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}"
        for path in (Path(settings.BASE_DIR) / "kopru").rglob("*.py")
        for m in alias.finditer(path.read_text())
    ]
    assert found == []


def test_data_file_strings_are_marked_for_translation():
    data = Path(settings.BASE_DIR) / "kopru" / "core" / "data"
    roles = json.loads((data / "roles.json").read_text())["roles"]
    missions = json.loads((data / "missions.json").read_text())["missions"]
    wanted = {r["name"] for r in roles} | {r["description"] for r in roles}
    wanted |= {m["name"] for m in missions}
    assert wanted <= set(STRINGS)


def test_registry_data_strings_are_marked_for_translation():
    from kopru.registry.choices import vulnerability_flags
    from kopru.registry.data_strings import STRINGS as REGISTRY

    assert {f["label"] for f in vulnerability_flags()} <= set(REGISTRY)


def test_switching_to_turkish(client, login, clerk_zeynep):
    client = login(clerk_zeynep)
    client.post("/i18n/setlang/", {"language": "tr", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="tr" dir="ltr">' in page
    assert "Ekipleriniz" in page or "Ekipler" in page
    assert "Your teams" not in page


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_farsi_render_right_to_left(client, lang):
    client.post("/i18n/setlang/", {"language": lang, "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert f'<html lang="{lang}" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "Sign in to Kopru" not in page


def test_russian_for_the_belarus_mission(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru" dir="ltr">' in page and "Sign in to Kopru" not in page


def test_the_chosen_language_follows_the_user_to_a_new_device(client, clerk_zeynep):
    from .factories import PASSWORD

    clerk_zeynep.language = "ar"
    clerk_zeynep.save()
    client.post("/login/", {"username": "clerk_zeynep", "password": PASSWORD})
    assert 'dir="rtl"' in client.get("/").content.decode()


def test_role_names_are_translated(login, admin_selin):
    client = login(admin_selin)
    client.post("/i18n/setlang/", {"language": "tr", "next": "/"})
    page = client.get("/admin/roles/").content.decode()
    assert "Physician" not in page and "Hekim" in page or "Doktor" in page
