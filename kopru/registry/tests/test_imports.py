"""Importing a list of people: mapping, preview with row errors and matches, all or nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kopru.core.models import AuditEvent
from kopru.core.tests.factories import make_user, mission
from kopru.registry import imports, services
from kopru.registry.models import Person

from .test_register import VALID_99, person

pytestmark = pytest.mark.django_db

CSV = (
    "Sıra No;Ad;Soyad;Baba Adı;Cinsiyet;Doğum Tarihi;Uyruk;Telefon;YKN;Notlar\n"
    "17;Muhammad;Al-Hassan;Ahmad;E;1990;SYR;0532 111 22 33;;x\n"
    "18;Fatma;Yılmaz;;K;02.03.1984;TUR;;;\n"
    "19;Yusuf;Haddad;Omar;E;31.02.2015;SYR;;;\n"
    "20;Huda;Haddad;Omar;K;04.05.1992;SYR;12;;\n"
)


@pytest.fixture
def defaults(haliliye_centre):
    return {"location": haliliye_centre, "population_group": "temporary_protection"}


def table(text=CSV):
    return imports.read_table(text.encode("utf-8"), "list.csv")


def test_columns_are_recognised_by_their_usual_names():
    headers, rows = table()
    mapping = imports.suggest_mapping(headers)
    assert mapping == {
        0: "id",
        1: "given_name",
        2: "family_name",
        3: "father_name",
        4: "sex",
        5: "date_of_birth",
        6: "nationality",
        7: "phone",
        8: "document_number",
    }  # "Notlar" (notes) is ignored
    assert len(rows) == 4


def test_the_preview_shows_row_errors_and_people_already_registered(
    clerk_zeynep, defaults, haliliye_centre
):
    existing = services.register_person(clerk_zeynep, person(haliliye_centre, father_name="Ahmet"))
    headers, rows = table()
    results = imports.preview(
        clerk_zeynep, mission("TR"), rows, imports.suggest_mapping(headers), defaults
    )
    by_row = {r.number: r for r in results}
    assert by_row[2].errors == [] and by_row[2].their_id == "17"
    assert by_row[2].matches and by_row[2].matches[0][0] == existing
    assert by_row[4].display == "Yusuf Haddad"  # shown even when the row is wrong
    assert by_row[3].errors == []
    assert any("31.02.2015" in e for e in by_row[4].errors)  # no 31 February
    assert any("Phone" in e for e in by_row[5].errors)
    assert Person.objects.count() == 1  # the preview writes nothing


def test_an_import_with_bad_rows_writes_nothing(clerk_zeynep, defaults):
    headers, rows = table()
    with pytest.raises(ValidationError) as exc:
        imports.commit(
            clerk_zeynep, mission("TR"), rows, imports.suggest_mapping(headers), defaults
        )
    assert "Row 4" in str(exc.value) and "Row 5" in str(exc.value)
    assert not Person.objects.exists()


def test_a_clean_import_registers_every_row_once(clerk_zeynep, defaults):
    headers, rows = table()
    created = imports.commit(
        clerk_zeynep, mission("TR"), rows, imports.suggest_mapping(headers), defaults, skip={4, 5}
    )
    assert [p.given_name for p in created] == ["Muhammad", "Fatma"]
    assert created[0].birth_date_precision == "year" and created[0].sex == "male"
    assert created[0].phones.get().e164 == "+905321112233"
    assert AuditEvent.objects.filter(object_type="registry.import").exists()


def test_the_same_document_twice_in_a_file_is_flagged(clerk_zeynep, defaults):
    text = (
        "given_name,family_name,sex,document_number\n"
        f"Omar,Haddad,male,{VALID_99}\nUmar,Hadad,male,{VALID_99}\n"
    )
    headers, rows = table(text)
    results = imports.preview(
        clerk_zeynep, mission("TR"), rows, imports.suggest_mapping(headers), defaults
    )
    assert results[1].errors == ["Same document as row 2."]


def test_xlsx_and_unreadable_files(clerk_zeynep):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["given_name", "family_name", "date_of_birth"])
    book.active.append(["Zeynep", "Kaya", "1999"])
    buffer = io.BytesIO()
    book.save(buffer)
    headers, rows = imports.read_table(buffer.getvalue(), "people.xlsx")
    assert headers == ["given_name", "family_name", "date_of_birth"] and rows == [
        ["Zeynep", "Kaya", "1999"]
    ]
    with pytest.raises(ValidationError, match="UTF-8"):
        imports.read_table("Ad;Soyad\nŞükrü;Öz".encode("cp1254"), "list.csv")
    with pytest.raises(ValidationError, match="empty"):
        imports.read_table(b"\n\n", "list.csv")
    with pytest.raises(ValidationError, match="XLSX"):
        imports.read_table(b"not a workbook", "list.xlsx")


def test_the_command_previews_then_imports(clerk_zeynep, haliliye_centre, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("given_name,family_name,sex\nOmar,Haddad,male\n", encoding="utf-8")
    args = [
        str(path),
        "--as-user",
        "clerk_zeynep",
        "--location",
        haliliye_centre.pcode,
        "--population-group",
        "temporary_protection",
    ]
    call_command("import_people", *args)
    assert not Person.objects.exists()
    call_command("import_people", *args, "--commit")
    assert Person.objects.get().given_name == "Omar"
    assert "imported 1 people" in capsys.readouterr().out


def test_the_import_pages_from_upload_to_commit(
    login, clerk_zeynep, haliliye_centre, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kopru.registry.models import ImportBatch

    client = login(clerk_zeynep)
    upload = SimpleUploadedFile("list.csv", CSV.encode("utf-8"), content_type="text/csv")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            "/registry/imports/new/",
            {
                "file": upload,
                "location": haliliye_centre.pk,
                "population_group": "temporary_protection",
            },
        )
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/registry/imports/{batch.pk}/"
    # The rows are checked in the background; until then the page shows how far it got and
    # polls, and offers no import.
    page = client.get(response["Location"]).content.decode()
    assert "Checking row 0 of 4" in page and "Import the rows not skipped" not in page
    poll = client.get(f"/registry/imports/{batch.pk}/?progress=1")
    assert poll.status_code == 200 and 'hx-trigger="every 2s"' in poll.content.decode()
    for callback in queued:
        callback()  # the worker runs the check
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.progress == 4
    poll = client.get(f"/registry/imports/{batch.pk}/?progress=1")
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "4 rows" in page and "2 with errors" in page
    # Rows with errors arrive ticked to skip; importing the rest works.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registry/imports/{batch.pk}/", {"commit": "1", "skip": ["4", "5"]})
    assert Person.objects.count() == 2
    # Nothing is dropped unnoticed: the page counts the rows skipped.
    done = client.get(f"/registry/imports/{batch.pk}/").content.decode()
    assert "2 people imported; 2 rows skipped and not registered." in done
    batch.refresh_from_db()
    assert batch.imported == 2 and bytes(batch.data) == b"" and batch.results == []
    # Someone else's list is not theirs to see.
    other = make_user("clerk_ali", "clerk")
    assert login(other).get(f"/registry/imports/{batch.pk}/").status_code == 404


def test_an_import_refused_in_the_background_says_why_and_writes_nothing(
    login, clerk_zeynep, haliliye_centre, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kopru.registry.models import ImportBatch

    client = login(clerk_zeynep)
    upload = SimpleUploadedFile("list.csv", CSV.encode("utf-8"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/registry/imports/new/",
            {"file": upload, "location": haliliye_centre.pk, "population_group": "other"},
        )
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registry/imports/{batch.pk}/", {"commit": "1"})  # bad rows not skipped
    assert Person.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == "checked" and "Row 4" in batch.problem
    page = client.get(f"/registry/imports/{batch.pk}/").content.decode()
    assert "Nothing was imported" in page and "Import the rows not skipped" in page


def test_an_upload_that_is_not_a_table_is_refused(login, clerk_zeynep, haliliye_centre):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(clerk_zeynep)
    bad = SimpleUploadedFile("list.xlsx", b"not a workbook")
    response = client.post(
        "/registry/imports/new/",
        {"file": bad, "location": haliliye_centre.pk, "population_group": "other"},
    )
    assert response.status_code == 200 and "not a readable XLSX" in response.content.decode()
